import type { Knex } from 'knex';
import { UsageError, readCommandLine } from '../common/commandLine';
import { ConfigError, getConfig } from '../common/config';
import { connect, ensureDatabases } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { AuditRepository } from '../gateway/audit/auditRepository';
import { AuditTrail } from '../gateway/audit/auditTrail';
import { Accounts } from '../gateway/console/accounts';
import { commandLineActor } from '../gateway/console/commandLineActor';
import { AccountRepository } from '../gateway/store/accountRepository';
import { StoreError } from '../gateway/store/errors';
import { PolicyRepository } from '../gateway/store/policyRepository';
import { QuotaStewardship } from '../gateway/store/quotaStewardship';
import { Stewardship } from '../gateway/store/stewardship';
import type { Actor } from '../gateway/store/types';
import { OperationRegistration } from '../gateway/operations/registration';
import type { CommandSpec as GenericCommandSpec, Output } from './steward/commandKit';
import { ACCOUNT_COMMANDS, ACCOUNT_USAGE } from './steward/accountCommands';
import { AGENCY_COMMANDS, AGENCY_USAGE } from './steward/agencyCommands';
import { AUDIT_COMMANDS, AUDIT_USAGE } from './steward/auditCommands';
import { GRANT_COMMANDS, GRANT_USAGE } from './steward/grantCommands';
import { OPERATION_COMMANDS, OPERATION_USAGE } from './steward/operationCommands';
import { parseCommandLine } from './steward/parseCommandLine';
import { POLICY_COMMANDS, POLICY_USAGE } from './steward/policyCommands';
import { QUOTA_COMMANDS, QUOTA_USAGE } from './steward/quotaCommands';
import { REGISTER_COMMANDS, REGISTER_USAGE } from './steward/registerCommands';
import { SHARING_COMMANDS, SHARING_USAGE } from './steward/sharingCommands';
import { SharingDesk } from '../gateway/sharing/sharingDesk';
import { LegalRegister } from '../gateway/register/legalRegister';

const USAGE = `Usage: npm run steward -- <command> [--flags] [--json]

Manages the policy store (the gateway database: SQLite in DATA_DIR, or MySQL when MYSQL_HOST is set).
Every change is made as a steward account, in a role of it that admits the change, for a reason:
--as <e-mail> --reason "<request or reason>"; the history records the person, the role, the reason and
cli:<os user>. Reads need no account; with --as they are held to its roles too. The first administrator
is created without --as, while none exists. --json prints JSON instead of tables.

${ACCOUNT_USAGE}
${AGENCY_USAGE}${GRANT_USAGE}${POLICY_USAGE}${AUDIT_USAGE}${SHARING_USAGE}${REGISTER_USAGE}${QUOTA_USAGE}${OPERATION_USAGE}
Exit status: 0 done, 1 refused or failed (the reason is printed), 2 bad command line (this text).
`;

/** What commands work on: the policy store's operations, the audit trail's queries, the accounts, and who acts. */
interface Services {
  stewardship: Stewardship;
  operations: OperationRegistration;
  register: LegalRegister;
  audit: AuditTrail;
  accounts: Accounts;
  quotas: QuotaStewardship;
  /** The gateway database itself, for the commands that look at its tables (partitions). */
  db: Knex;
  /** The actor of a change (checked against the account's roles before the command runs). */
  actor: Actor;
  sharing: SharingDesk;
}

type CommandSpec = GenericCommandSpec<Services>;

/** Given a stream of text, writes it to standard output, waiting whenever the reader falls behind. */
async function writeStream(chunks: AsyncIterable<string>): Promise<void> {
  for await (const chunk of chunks) {
    if (!process.stdout.write(chunk)) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
  }
}

const COMMANDS: Record<string, CommandSpec> = {
  ...OPERATION_COMMANDS,
  ...SHARING_COMMANDS,
  ...REGISTER_COMMANDS,
  ...QUOTA_COMMANDS,
  ...GRANT_COMMANDS,
  ...ACCOUNT_COMMANDS,
  ...AGENCY_COMMANDS,
  ...POLICY_COMMANDS,
  ...AUDIT_COMMANDS,
};

async function main(): Promise<number> {
  const parsed = readCommandLine('steward', USAGE, () => parseCommandLine(COMMANDS, process.argv.slice(2)));
  if (typeof parsed === 'number') return parsed;
  const config = getConfig();
  await ensureDatabases(config.database, ['gateway']);
  const db: Knex = connect(config.database, 'gateway');
  const auditRepository = new AuditRepository(db);
  try {
    await migrateLatest(db, 'gateway');
    const repository = new PolicyRepository(db);
    const stewardship = new Stewardship({ repository });
    const quotas = new QuotaStewardship({
      repository,
      defaults: { requestsPerMinute: config.quotas.requestsPerMinute, costPerMinute: config.quotas.costPerMinute },
    });
    const operations = new OperationRegistration({ repository, stewardship });
    const sharing = new SharingDesk({ stewardship, repository, calendar: config.workingCalendar });
    const register = new LegalRegister({ repository });
    const accounts = new Accounts({ repository: new AccountRepository(db) });
    const identity = { as: parsed.flags.string('as') ?? null, reason: parsed.flags.string('reason') ?? null };
    // Reads without --as act as nobody in particular; they record nothing.
    const actor: Actor = (await commandLineActor(accounts, identity, parsed.spec.field)) ?? { kind: 'SYSTEM', task: 'read' };
    const audit = new AuditTrail({
      repository: auditRepository,
      deferredAgencies: config.audit.deferredAgencies,
      deferralDays: config.audit.deferralDays,
      // A gateway indexes its records right after writing them; what one that stopped abruptly left unindexed is indexed here.
      indexed: () => auditRepository.indexEveryInstance(),
    });
    let output: Output;
    try {
      output = await parsed.spec.run({ stewardship, operations, register, audit, accounts, quotas, db, actor, sharing }, parsed.flags);
    } catch (error) {
      if (error instanceof UsageError) {
        process.stderr.write(`steward: ${error.message}\n\n${USAGE}`);
        return 2;
      }
      throw error;
    }
    if (output.stream) await writeStream(output.stream);
    else process.stdout.write(`${parsed.json ? JSON.stringify(output.data, null, 2) : output.text()}\n`);
    return 0;
  } finally {
    await auditRepository.close();
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof StoreError) process.stderr.write(`Refused (${error.code}): ${error.message}\n`);
    else if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`Failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

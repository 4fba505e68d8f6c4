import fs from 'node:fs';
import type { Knex } from 'knex';
import { UsageError, readCommandLine } from '../common/commandLine';
import { ConfigError, getConfig } from '../common/config';
import { connect, ensureDatabases } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { auditPartitions, ensureAuditPartitions } from '../gateway/audit/auditPartitions';
import { AuditRepository } from '../gateway/audit/auditRepository';
import { AuditTrail } from '../gateway/audit/auditTrail';
import type { AuditFilterInput } from '../gateway/audit/auditTrail';
import { Accounts } from '../gateway/console/accounts';
import { commandLineActor } from '../gateway/console/commandLineActor';
import { AccountRepository } from '../gateway/store/accountRepository';
import { StoreError } from '../gateway/store/errors';
import { PolicyRepository } from '../gateway/store/policyRepository';
import { QuotaStewardship } from '../gateway/store/quotaStewardship';
import { Stewardship, describeTarget } from '../gateway/store/stewardship';
import type { Actor } from '../gateway/store/types';
import type { IssuedApiKey, UnitInput } from '../gateway/store/stewardship';
import { explainDecision } from '../gateway/policy/explain';
import { OperationRegistration } from '../gateway/operations/registration';
import type { CommandSpec as GenericCommandSpec, FlagKind, Flags, Output } from './steward/commandKit';
import { listOf, single, table, whole } from './steward/commandKit';
import { GRANT_COMMANDS, GRANT_USAGE } from './steward/grantCommands';
import { OPERATION_COMMANDS, OPERATION_USAGE } from './steward/operationCommands';
import { QUOTA_COMMANDS, QUOTA_USAGE } from './steward/quotaCommands';
import { REGISTER_COMMANDS, REGISTER_USAGE } from './steward/registerCommands';
import { AGENCY_COLUMNS, SHARING_COMMANDS, SHARING_USAGE } from './steward/sharingCommands';
import { SharingDesk } from '../gateway/sharing/sharingDesk';
import { LegalRegister } from '../gateway/register/legalRegister';
import { grantsNeedingReview } from '../gateway/register/review';

const USAGE = `Usage: npm run steward -- <command> [--flags] [--json]

Manages the policy store (the gateway database: SQLite in DATA_DIR, or MySQL when MYSQL_HOST is set).
Every change is made as a steward account, in a role of it that admits the change, for a reason:
--as <e-mail> --reason "<request or reason>"; the history records the person, the role, the reason and
cli:<os user>. Reads need no account; with --as they are held to its roles too. The first administrator
is created without --as, while none exists. --json prints JSON instead of tables.

  accounts list
  accounts create --email a@b.gov.vn --name "…" --unit "…" --roles POLICY_STEWARD,AUDITOR [--agency H56.01]
                  prints the password and TOTP secret once; --agency: the owner whose sharing requests
                  the steward answers (left out: the province's central data office, every owner's)
  accounts link --id <account id> --agency H56.01|none
  accounts disable --id <account id>

  agencies list
  agencies create --code H56.30 --name "…" [--sector population|land|health|education] [--units 40778,40779] [--steward]
  agencies update --code H56.30 [--name "…"] [--sector S|none] [--units C1,C2|none] [--steward | --no-steward]
  keys list [--agency H56.30]
  keys create --agency H56.30 [--expires 2027-01-01] [--label "…"]        prints the key once
  keys rotate --id <key id> [--grace-seconds N] [--expires 2027-01-01]   prints the new key once
  keys revoke --id <key id>
  grants list [--agency H56.30] [--include-revoked]
${GRANT_USAGE}  units load --file units.json      the province's whole list: [{ code, name, level, validFrom, validTo, replacedBy }]
  changes [--limit 50] [--before <change id>] [--entity-type AGENCY|CREDENTIAL|GRANT|UNITS|ACCOUNT|QUOTA|OPERATIONS|SHARING_REQUEST|LEGAL_INSTRUMENT] [--entity-id X]
  explain [--agency H56.30] [--purpose P] --query '{ … }' [--variables '{ … }'] [--operation-name N] [--at 2026-06-01]
  audit records [FILTERS] [--first 20] [--after <cursor>]           newest first
  audit counts --by agency|field [FILTERS]
  audit export [FILTERS] > file.csv                                  CSV, oldest first, every record selected
  audit partitions                  MySQL: the audit tables' monthly partitions and their rows, the months ahead added
    FILTERS: [--agency H56.30] [--citizen <national ID>] [--field Type.field] [--purpose P]
             [--from 2026-03-01] [--to 2026-04-01] [--outcome ALLOWED|FILTERED|DENIED|FAILED] [--denied]
             [--instance <gateway instance>]     (--from inclusive, --to exclusive)
${SHARING_USAGE}${REGISTER_USAGE}${QUOTA_USAGE}${OPERATION_USAGE}
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

const KEY_COLUMNS = ['id', 'agencyCode', 'status', 'expiresAt', 'revokedAt', 'replacedBy', 'label'];

const issuedKey = (issued: IssuedApiKey): Output => ({
  data: issued,
  text: () =>
    `API key for ${issued.credential.agencyCode} (id ${issued.credential.id}, expires ${issued.credential.expiresAt}):\n\n  ${issued.key}\n\n` +
    'It is shown this once and not stored: hand it over now.',
});

/** Given a flag's name and its JSON text, returns the value parsed, or throws a UsageError. */
function jsonFlag(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--${name} needs JSON text`);
  }
}

const AUDIT_FILTER_FLAGS: Record<string, FlagKind> = {
  agency: 'string',
  citizen: 'string',
  field: 'string',
  purpose: 'string',
  from: 'string',
  to: 'string',
  outcome: 'string',
  denied: 'boolean',
  instance: 'string',
};

function auditFilter(flags: Flags): AuditFilterInput {
  return {
    agencyCode: flags.string('agency') ?? null,
    nationalId: flags.string('citizen') ?? null,
    field: flags.string('field') ?? null,
    purpose: flags.string('purpose') ?? null,
    from: flags.string('from') ?? null,
    to: flags.string('to') ?? null,
    outcome: flags.string('outcome') ?? null,
    deniedOnly: flags.boolean('denied'),
    instance: flags.string('instance') ?? null,
  };
}

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
  'accounts list': {
    field: 'Query.accounts',
    flags: {},
    run: async ({ accounts }) => {
      const rows = await accounts.list();
      return {
        data: rows,
        text: () => table(rows as unknown as Array<Record<string, unknown>>, ['id', 'email', 'name', 'unit', 'roles', 'agencyCode', 'disabledAt']),
      };
    },
  },
  'accounts create': {
    field: 'Mutation.createAccount',
    flags: { email: 'string', name: 'string', unit: 'string', roles: 'string', agency: 'string' },
    required: ['email', 'name', 'unit', 'roles'],
    run: async ({ accounts, actor }, flags) => {
      const created = await accounts.create(actor, {
        email: flags.string('email')!,
        name: flags.string('name')!,
        unit: flags.string('unit')!,
        roles: listOf(flags.string('roles')) ?? [],
        agencyCode: flags.string('agency') ?? null,
      });
      return {
        data: created,
        text: () =>
          `Account ${created.account.id} for ${created.account.email} (${created.account.roles.join(', ') || 'no role'}):\n\n  password     ${created.password}\n  TOTP secret  ${created.totpSecret}\n  ${created.totpUri}\n\n` +
          'They are shown this once and not stored in the clear: hand them over now.',
      };
    },
  },
  'accounts link': {
    field: 'Mutation.updateAccount',
    flags: { id: 'string', agency: 'string' },
    required: ['id', 'agency'],
    run: async ({ accounts, actor }, flags) => {
      const agency = flags.string('agency')!;
      const account = await accounts.update(actor, whole(flags, 'id') ?? 0, { agencyCode: agency === 'none' ? null : agency });
      return single(account, Object.entries(account));
    },
  },
  'accounts disable': {
    field: 'Mutation.disableAccount',
    flags: { id: 'string' },
    required: ['id'],
    run: async ({ accounts, actor }, flags) => {
      const account = await accounts.disable(actor, whole(flags, 'id') ?? 0);
      return single(account, Object.entries(account));
    },
  },
  'agencies list': {
    field: 'Query.agencies',
    flags: {},
    run: async ({ stewardship }) => {
      const agencies = await stewardship.listAgencies();
      return { data: agencies, text: () => table(agencies as unknown as Array<Record<string, unknown>>, AGENCY_COLUMNS) };
    },
  },
  'agencies create': {
    field: 'Mutation.createAgency',
    flags: { code: 'string', name: 'string', sector: 'string', units: 'string', steward: 'boolean' },
    required: ['code', 'name'],
    run: async ({ stewardship, actor }, flags) => {
      const agency = await stewardship.createAgency(actor, {
        code: flags.string('code')!,
        name: flags.string('name')!,
        sector: flags.string('sector') === 'none' ? null : (flags.string('sector') ?? null),
        unitCodes: listOf(flags.string('units')) ?? [],
        steward: flags.boolean('steward'),
      });
      return single(agency, Object.entries(agency));
    },
  },
  'agencies update': {
    field: 'Mutation.updateAgency',
    flags: { code: 'string', name: 'string', sector: 'string', units: 'string', steward: 'boolean', 'no-steward': 'boolean' },
    required: ['code'],
    run: async ({ stewardship, actor }, flags) => {
      if (flags.boolean('steward') && flags.boolean('no-steward')) throw new UsageError('give --steward or --no-steward, not both');
      const sector = flags.string('sector');
      const agency = await stewardship.updateAgency(actor, flags.string('code')!, {
        ...(flags.string('name') !== undefined ? { name: flags.string('name') } : {}),
        ...(sector !== undefined ? { sector: sector === 'none' ? null : sector } : {}),
        ...(flags.string('units') !== undefined ? { unitCodes: listOf(flags.string('units')) } : {}),
        ...(flags.boolean('steward') ? { steward: true } : flags.boolean('no-steward') ? { steward: false } : {}),
      });
      return single(agency, Object.entries(agency));
    },
  },
  'keys list': {
    field: 'Query.apiKeys',
    flags: { agency: 'string' },
    run: async ({ stewardship }, flags) => {
      const keys = await stewardship.listApiKeys(flags.string('agency') ?? null);
      return { data: keys, text: () => table(keys as unknown as Array<Record<string, unknown>>, KEY_COLUMNS) };
    },
  },
  'keys create': {
    field: 'Mutation.createApiKey',
    flags: { agency: 'string', expires: 'string', label: 'string' },
    required: ['agency'],
    run: async ({ stewardship, actor }, flags) =>
      issuedKey(
        await stewardship.createApiKey(actor, {
          agencyCode: flags.string('agency')!,
          expiresAt: flags.string('expires') ?? null,
          label: flags.string('label') ?? null,
        }),
      ),
  },
  'keys rotate': {
    field: 'Mutation.rotateApiKey',
    flags: { id: 'string', 'grace-seconds': 'string', expires: 'string' },
    required: ['id'],
    run: async ({ stewardship, actor }, flags) =>
      issuedKey(
        await stewardship.rotateApiKey(actor, {
          id: flags.string('id')!,
          graceSeconds: whole(flags, 'grace-seconds') ?? null,
          expiresAt: flags.string('expires') ?? null,
        }),
      ),
  },
  'keys revoke': {
    field: 'Mutation.revokeApiKey',
    flags: { id: 'string' },
    required: ['id'],
    run: async ({ stewardship, actor }, flags) => {
      const key = await stewardship.revokeApiKey(actor, flags.string('id')!);
      return single(key, Object.entries(key));
    },
  },
  'grants list': {
    field: 'Query.grants',
    flags: { agency: 'string', 'include-revoked': 'boolean' },
    run: async ({ stewardship }, flags) => {
      const grants = await stewardship.listGrants({ agencyCode: flags.string('agency') ?? null, includeRevoked: flags.boolean('include-revoked') });
      const rows = grants.map((grant) => ({
        ...grant,
        target: describeTarget(grant.target),
        masks: grant.masks.map((mask) => `${mask.coordinate}=${mask.mask}`),
        scope: grant.scopeUnitCodes,
      }));
      return {
        data: grants,
        text: () => table(rows, ['id', 'agencyCode', 'status', 'target', 'purposes', 'scope', 'masks', 'validFrom', 'validTo', 'legalInstruments']),
      };
    },
  },
  'units load': {
    field: 'Mutation.loadAdministrativeUnits',
    flags: { file: 'string' },
    required: ['file'],
    run: async ({ stewardship, actor }, flags) => {
      const file = flags.string('file')!;
      let units: unknown;
      try {
        units = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (error) {
        throw new UsageError(`--file needs a readable JSON file: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!Array.isArray(units)) throw new UsageError('--file needs a JSON array of units');
      const loaded = await stewardship.loadUnits(actor, units as UnitInput[]);
      return single(loaded, Object.entries(loaded));
    },
  },
  changes: {
    field: 'Query.policyChanges',
    flags: { limit: 'string', before: 'string', 'entity-type': 'string', 'entity-id': 'string' },
    run: async ({ stewardship }, flags) => {
      const changes = await stewardship.changes({
        limit: whole(flags, 'limit') ?? null,
        before: whole(flags, 'before') ?? null,
        entityType: flags.string('entity-type') ?? null,
        entityId: flags.string('entity-id') ?? null,
      });
      return {
        data: changes,
        text: () =>
          table(changes as unknown as Array<Record<string, unknown>>, ['id', 'changedAt', 'actor', 'credentialId', 'action', 'entityType', 'entityId']),
      };
    },
  },
  explain: {
    field: 'Query.explain',
    flags: { agency: 'string', purpose: 'string', query: 'string', variables: 'string', 'operation-name': 'string', at: 'string' },
    required: ['query'],
    run: async ({ stewardship }, flags) => {
      const variables = flags.string('variables');
      const decision = await stewardship.explain({
        variables: variables === undefined ? null : (jsonFlag('variables', variables) as Record<string, unknown>),
        agencyCode: flags.string('agency') ?? null,
        purpose: flags.string('purpose') ?? null,
        query: flags.string('query')!,
        operationName: flags.string('operation-name') ?? null,
        at: flags.string('at') ?? null,
      });
      // The grants that decided a field and need review: what the decision rests on may no longer hold.
      const used = new Set(decision.fields.map((field) => field.grantId));
      const flagged = grantsNeedingReview(await stewardship.listGrants(), await stewardship.register.list(), new Date()).filter(({ grant }) =>
        used.has(grant.id),
      );
      const notes = flagged.map(
        ({ grant, review }) =>
          `Grant ${grant.id} needs review: ${review.citesNothing ? 'it cites no entry of the legal register' : `${review.obsoleteInstruments.join(', ')} replaced; cite ${review.successors.join(', ') || 'its successors'}`}`,
      );
      return { data: decision, text: () => [...explainDecision(decision), ...(notes.length ? ['', ...notes] : [])].join('\n') };
    },
  },
  'audit records': {
    field: 'Query.auditRecords',
    flags: { ...AUDIT_FILTER_FLAGS, first: 'string', after: 'string' },
    run: async ({ audit }, flags) => {
      const page = await audit.records(auditFilter(flags), { first: whole(flags, 'first') ?? null, after: flags.string('after') ?? null });
      const rows = page.nodes.map((record) => ({
        ...record,
        fields: record.fields.length,
        denied: record.fields.filter((field) => field.effect === 'DENY').length,
        citizens: record.citizenIds.length,
      }));
      const columns = [
        'at',
        'instance',
        'seq',
        'agencyCode',
        'userId',
        'officerUnit',
        'purpose',
        'dossierId',
        'operationName',
        'outcome',
        'errorCode',
        'fields',
        'denied',
        'citizens',
        'rowCount',
      ];
      const next = page.pageInfo.hasNextPage ? `\n\nMore: add --after ${page.pageInfo.endCursor}` : '';
      return { data: page, text: () => `${table(rows, columns)}${next}` };
    },
  },
  'audit counts': {
    field: 'Query.auditCountsByAgency',
    flags: { ...AUDIT_FILTER_FLAGS, by: 'string' },
    required: ['by'],
    run: async ({ audit }, flags) => {
      const by = flags.string('by');
      if (by === 'agency') {
        const counts = await audit.countsByAgency(auditFilter(flags));
        return {
          data: counts,
          text: () => table(counts as unknown as Array<Record<string, unknown>>, ['agencyCode', 'agencyName', 'requests', 'denied', 'rows']),
        };
      }
      if (by === 'field') {
        const counts = await audit.countsByField(auditFilter(flags));
        return {
          data: counts,
          text: () => table(counts as unknown as Array<Record<string, unknown>>, ['agencyCode', 'coordinate', 'allowed', 'masked', 'denied']),
        };
      }
      throw new UsageError(`--by needs agency or field, got "${by}"`);
    },
  },
  'audit partitions': {
    field: 'Query.auditRecords',
    flags: {},
    run: async ({ db }) => {
      const added = await ensureAuditPartitions(db, new Date());
      const partitions = await auditPartitions(db);
      const note =
        partitions.length === 0
          ? 'The audit tables are not partitioned (SQLite, or before the migration).'
          : added.length > 0
            ? `Added: ${added.join(', ')}`
            : '';
      return {
        data: { partitions, added },
        text: () => `${table(partitions as unknown as Array<Record<string, unknown>>, ['table', 'name', 'month', 'rows'])}${note ? `\n\n${note}` : ''}`,
      };
    },
  },
  'audit export': {
    field: 'Query.auditExport',
    flags: AUDIT_FILTER_FLAGS,
    run: async ({ audit }, flags) => {
      const filter = auditFilter(flags);
      return { data: null, text: () => '', stream: audit.exportCsvChunks(filter) };
    },
  },
};

/** Given the arguments after the script name, returns the command, its flags and the output form, or throws a UsageError. */
function parseCommandLine(argv: readonly string[]): { spec: CommandSpec; flags: Flags; json: boolean } | 'help' {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return 'help';
  const firstFlag = argv.findIndex((argument) => argument.startsWith('--'));
  const positional = firstFlag === -1 ? [...argv] : argv.slice(0, firstFlag);
  const name = positional.join(' ');
  const spec = COMMANDS[name];
  if (!spec) throw new UsageError(`unknown command "${name}"`);
  const strings = new Map<string, string>();
  const booleans = new Set<string>();
  const repeated = new Map<string, string[]>();
  let json = false;
  for (let index = positional.length; index < argv.length; index += 1) {
    const argument = argv[index]!;
    if (!argument.startsWith('--')) throw new UsageError(`unexpected argument "${argument}"`);
    const equals = argument.indexOf('=');
    const flag = equals === -1 ? argument.slice(2) : argument.slice(2, equals);
    if (flag === 'json' && equals === -1) {
      json = true;
      continue;
    }
    const kind = flag === 'as' || flag === 'reason' ? 'string' : spec.flags[flag];
    if (!kind) throw new UsageError(`"${name}" takes no --${flag}`);
    if (kind === 'boolean') {
      if (equals !== -1) throw new UsageError(`--${flag} takes no value`);
      booleans.add(flag);
      continue;
    }
    const value = equals === -1 ? argv[++index] : argument.slice(equals + 1);
    if (value === undefined) throw new UsageError(`--${flag} needs a value`);
    if (kind === 'repeated') repeated.set(flag, [...(repeated.get(flag) ?? []), value]);
    else if (strings.has(flag)) throw new UsageError(`--${flag} is given twice`);
    else strings.set(flag, value);
  }
  const missing = (spec.required ?? []).filter((flag) => !strings.has(flag));
  if (missing.length > 0) throw new UsageError(`"${name}" needs ${missing.map((flag) => `--${flag}`).join(', ')}`);
  return {
    spec,
    json,
    flags: { string: (flag) => strings.get(flag), boolean: (flag) => booleans.has(flag), repeated: (flag) => repeated.get(flag) ?? [] },
  };
}

async function main(): Promise<number> {
  const parsed = readCommandLine('steward', USAGE, () => parseCommandLine(process.argv.slice(2)));
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

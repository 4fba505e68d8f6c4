import { ConfigError, getConfig } from '../common/config';
import { UsageError, readCommandLine } from '../common/commandLine';
import { connect } from '../db/connection';
import { AuditRepository } from '../gateway/audit/auditRepository';
import { loadVerificationKey } from '../gateway/audit/checkpoints';
import { verifyAuditTrail } from '../gateway/audit/verify';
import type { AuditVerification } from '../gateway/audit/verify';

const USAGE = `Usage: npm run audit:verify -- [--instance <gateway instance>] [--public-key <file.pem>] [--json]

Checks the audit trail in the gateway database (SQLite in DATA_DIR, or MySQL when MYSQL_HOST is set) against
the signed checkpoints in AUDIT_DIRECTORY: every instance's hash chain, each record's hash, the checkpoints'
signatures, and that every sealed record is present and unchanged. The public key defaults to the one of
AUDIT_SIGNING_KEY_FILE (or the .pub.pem beside it).

Exit status: 0 sound, 1 a bad record or checkpoint (the first one of each instance is named), 2 bad command line.
`;

function parseArguments(argv: readonly string[]): { instance: string | null; publicKeyFile: string | null; json: boolean } | 'help' {
  let instance: string | null = null;
  let publicKeyFile: string | null = null;
  let json = false;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index]!;
    if (argument === '--help' || argument === '-h') return 'help';
    if (argument === '--json') json = true;
    else if (argument === '--instance' || argument === '--public-key') {
      const value = argv[++index];
      if (value === undefined) throw new UsageError(`${argument} needs a value`);
      if (argument === '--instance') instance = value;
      else publicKeyFile = value;
    } else throw new UsageError(`unexpected argument "${argument}"`);
  }
  return { instance, publicKeyFile, json };
}

/** Given the verification, returns what a person reads: one paragraph per instance. */
function report(verification: AuditVerification): string {
  if (verification.instances.length === 0) return 'No audit records and no checkpoints: nothing to verify.';
  const lines = verification.instances.map((result) => {
    const summary = `instance ${result.instance}: ${result.records} sound record(s), ${result.checkpoints} checkpoint(s) up to seq ${result.lastCheckpointSeq}`;
    if (result.problem) {
      const where = result.problem.seq === null ? 'checkpoint file' : `seq ${result.problem.seq}`;
      return `${summary}\n  FIRST BAD RECORD: instance ${result.instance} ${where} (${result.problem.kind}): ${result.problem.message}`;
    }
    const unsealed = result.unsealed > 0 ? `; ${result.unsealed} record(s) after the last checkpoint are chained but not yet signed` : '';
    return `${summary}: sound${unsealed}`;
  });
  return [...lines, '', verification.sound ? 'The audit trail is sound.' : 'The audit trail has been tampered with or damaged.'].join('\n');
}

async function main(): Promise<number> {
  const parsed = readCommandLine('audit:verify', USAGE, () => parseArguments(process.argv.slice(2)));
  if (typeof parsed === 'number') return parsed;
  const config = getConfig();
  const key = loadVerificationKey({ publicKeyFile: parsed.publicKeyFile, signingKeyFile: config.audit.signingKeyFile });
  const db = connect(config.database, 'gateway');
  try {
    const verification = await verifyAuditTrail({
      repository: new AuditRepository(db),
      checkpointDirectory: config.audit.checkpointDirectory,
      key,
      instance: parsed.instance,
    });
    process.stdout.write(`${parsed.json ? JSON.stringify(verification, null, 2) : report(verification)}\n`);
    return verification.sound ? 0 : 1;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`Failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

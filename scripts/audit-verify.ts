import { getConfig } from '../common/config';
import type { Config } from '../common/config';
import { publicKeyText } from '../common/publicKeys';
import { UsageError, readCommandLine, runCommand } from '../common/commandLine';
import { connect } from '../db/connection';
import { ArchiveRepository } from '../gateway/audit/archiveRepository';
import { archiveFileProblems } from '../gateway/audit/archives';
import { AccessProofs, proofTrustOf } from '../gateway/audit/accessProofs';
import { AuditRepository } from '../gateway/audit/auditRepository';
import type { CheckpointKey } from '../gateway/audit/checkpoints';
import { loadVerificationKey } from '../gateway/audit/checkpoints';
import { checkRecordProof } from '../gateway/audit/recordProof';
import type { Checkpoint } from '../gateway/audit/types';
import { timestampTrustOf } from '../gateway/audit/timestamp/trust';
import { pinnedTrust } from '../gateway/audit/trustAnchor';
import { recordVerificationRun } from '../gateway/audit/verificationLog';
import { nextVerifierState, readVerifierState, writeVerifierState } from '../gateway/audit/verifierState';
import { verifyAuditTrail } from '../gateway/audit/verify';
import type { AuditVerification } from '../gateway/audit/verify';
import { WitnessClient } from '../gateway/audit/witness/client';

const USAGE = `Usage: npm run audit:verify -- [--instance <gateway instance>] [--public-key <file.pem>]... [--state <file>]
       [--archive <archive file>]... [--json]
       npm run audit:verify -- --record <instance:seq> [--public-key <file.pem>]...

Checks the audit trail in the gateway database (SQLite in DATA_DIR, or MySQL when MYSQL_HOST is set) against
the signed checkpoints in AUDIT_DIRECTORY and the register of every witness (AUDIT_WITNESS_URLS, their keys
AUDIT_WITNESS_KEYS): every instance's hash chain, each record's hash and index rows, that every checkpoint is
signed by a pinned key (AUDIT_TRUSTED_KEYS, or --public-key files an operator names), that every sealed record
is present and unchanged, that no instance a witness knows was erased, and that no record stayed unsealed
longer than AUDIT_CHECKPOINT_MS plus AUDIT_GRACE_MS. The verifier remembers the last checkpoint it accepted per
instance in its state file (AUDIT_VERIFIER_STATE, or --state), and refuses a trail that went back below it.
Records of an archived month (npm run audit:archive) are crossed on its signed manifest; any other gap is a
deletion. Each --archive file is checked against the digest its month's manifest signed. With a TSA configured
(AUDIT_TSA_URL, AUDIT_TSA_CERTIFICATE), every checkpoint's RFC 3161 token must verify against that certificate,
and a checkpoint without one is reported unless a later one holds a token.

With --record, checks one record's inclusion proof instead, as a citizen's page does: that the Merkle tree head a
checkpoint signed with a pinned key, and a pinned witness countersigned, holds the record as the database holds it
now, that the proof each citizen it names receives verifies, and that the tree it is in extends the one the verifier
accepted last (its state file; a consistency proof), or is extended by it.

Exit status: 0 sound, 1 a bad record or checkpoint (the first one of each instance is named), 2 bad command line.
`;

const RECORD_REFERENCE = /^[A-Za-z0-9._-]{1,64}:[1-9][0-9]{0,15}$/;

interface Arguments {
  instance: string | null;
  publicKeyFiles: string[];
  stateFile: string | null;
  archiveFiles: string[];
  json: boolean;
  /** One record's reference (instance:seq), whose proof alone is checked. */
  record: string | null;
}

function parseArguments(argv: readonly string[]): Arguments | 'help' {
  const parsed: Arguments = { instance: null, publicKeyFiles: [], stateFile: null, archiveFiles: [], json: false, record: null };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index]!;
    if (argument === '--help' || argument === '-h') return 'help';
    if (argument === '--json') parsed.json = true;
    else if (argument === '--instance' || argument === '--public-key' || argument === '--state' || argument === '--archive' || argument === '--record') {
      const value = argv[++index];
      if (value === undefined) throw new UsageError(`${argument} needs a value`);
      if (argument === '--instance') parsed.instance = value;
      else if (argument === '--record') {
        if (!RECORD_REFERENCE.test(value)) throw new UsageError(`--record takes a record's reference, instance:seq (such as gw-1:42), not "${value}"`);
        parsed.record = value;
      } else if (argument === '--state') parsed.stateFile = value;
      else if (argument === '--archive') parsed.archiveFiles.push(value);
      else parsed.publicKeyFiles.push(value);
    } else throw new UsageError(`unexpected argument "${argument}"`);
  }
  return parsed;
}

/** Given the verification, returns what a person reads: one paragraph per instance. */
function report(verification: AuditVerification): string {
  if (verification.instances.length === 0 && verification.problems.length === 0)
    return 'No audit records, no checkpoints and no witnessed instance: nothing to verify.';
  const lines = verification.instances.map((result) => {
    const archived = result.archived ? ` (and ${result.archived} archived, crossed on their manifests)` : '';
    const stamped =
      result.timestamped === undefined ? '' : ` (${result.timestamped} time-stamped, ${result.untimestamped} without a token yet or covered by a later one)`;
    const summary = `instance ${result.instance}: ${result.records} sound record(s)${archived}, ${result.checkpoints} checkpoint(s)${stamped} up to seq ${result.lastCheckpointSeq}`;
    if (result.problem) {
      const where = result.problem.seq === null ? 'checkpoint file' : `seq ${result.problem.seq}`;
      return `${summary}\n  FIRST BAD RECORD: instance ${result.instance} ${where} (${result.problem.kind}): ${result.problem.message}`;
    }
    const unsealed = result.unsealed > 0 ? `; ${result.unsealed} record(s) after the last checkpoint are chained but not yet signed` : '';
    return `${summary}: sound${unsealed}`;
  });
  const problems = verification.problems.map((problem) => `NOT VERIFIED: ${problem}`);
  return [
    ...lines,
    ...problems,
    '',
    verification.sound ? 'The audit trail is sound.' : 'The audit trail has been tampered with or damaged, or could not be verified in whole.',
  ].join('\n');
}

async function main(): Promise<number> {
  const parsed = readCommandLine('audit:verify', USAGE, () => parseArguments(process.argv.slice(2)));
  if (typeof parsed === 'number') return parsed;
  const config = getConfig();
  const trust = pinnedTrust(config.audit);
  // Keys come from the configuration, or from files the operator names: never from beside the data.
  const named: CheckpointKey[] = parsed.publicKeyFiles.map((publicKeyFile) => loadVerificationKey({ publicKeyFile, signingKeyFile: publicKeyFile }));
  const trustedKeys = [...trust.trustedKeys, ...named];
  if (trustedKeys.length === 0) throw new Error("No trusted key: set AUDIT_TRUSTED_KEYS to the gateways' public keys (or name a --public-key file)");
  const stateFile = parsed.stateFile ?? config.audit.verifierStateFile;
  if (parsed.record !== null) return verifyRecord(config, parsed.record, named, readVerifierState(stateFile));
  const accepted = readVerifierState(stateFile);
  const db = connect(config.database, 'gateway');
  try {
    const startedAt = new Date();
    const archives = await new ArchiveRepository(db).manifests();
    const checked = await verifyAuditTrail({
      repository: new AuditRepository(db),
      checkpointDirectory: config.audit.checkpointDirectory,
      trustedKeys,
      witnesses: trust.witnesses.map((endpoint) => new WitnessClient(endpoint)),
      accepted,
      checkpointIntervalMs: config.audit.checkpointIntervalMs,
      graceMs: config.audit.graceMs,
      instance: parsed.instance,
      archives,
      timestamps: config.audit.timestamping ? timestampTrustOf(config.audit.timestamping) : null,
    });
    const fileProblems = await archiveFileProblems(parsed.archiveFiles, archives);
    const verification: AuditVerification = { ...checked, sound: checked.sound && fileProblems.length === 0, problems: [...checked.problems, ...fileProblems] };
    writeVerifierState(stateFile, nextVerifierState(accepted, verification));
    // The outcome, for the stewards' console: the last run and when, with a warning when it failed or is old.
    await recordVerificationRun(db, verification, { startedAt, instance: parsed.instance });
    process.stdout.write(`${parsed.json ? JSON.stringify(verification, null, 2) : report(verification)}\n`);
    return verification.sound ? 0 : 1;
  } finally {
    await db.destroy();
  }
}

/**
 * Given the configuration, a record's reference, the keys the operator named and the checkpoints this verifier
 * accepted, checks that record's proof (and that its tree extends the one accepted); returns the exit status.
 */
async function verifyRecord(config: Config, reference: string, named: readonly CheckpointKey[], accepted: ReadonlyMap<string, Checkpoint>): Promise<number> {
  const trust = proofTrustOf(config.audit);
  trust.gatewayKeys.push(...named.map((key) => publicKeyText(key.publicKey)));
  const separator = reference.lastIndexOf(':');
  const db = connect(config.database, 'gateway');
  try {
    if (!(await db.schema.hasTable('audit_tree_heads'))) {
      process.stdout.write(`NOT VERIFIED: the gateway database holds no audit tree yet (a gateway of this release migrates it at start)\n`);
      return 1;
    }
    const record = await new AuditRepository(db).recordAt(reference.slice(0, separator), Number(reference.slice(separator + 1)));
    if (record === null) {
      process.stdout.write(`NOT VERIFIED: the audit trail holds no record ${reference}\n`);
      return 1;
    }
    const checked = await checkRecordProof(record, new AccessProofs(db, () => trust), trust, accepted.get(record.instance) ?? null);
    process.stdout.write(`${checked.lines.join('\n')}\n`);
    return checked.verified ? 0 : 1;
  } finally {
    await db.destroy();
  }
}

runCommand(main);

import type { AuditCitizenRow, AuditFieldSetRow, AuditRecordRow } from '../../db/gatewayRows';
import type { AuditRepository } from './auditRepository';
import type { CheckpointKey, CheckpointLine } from './checkpoints';
import { checkpointFile, checkpointInstances, checkpointSignatureValid, readCheckpoints } from './checkpoints';
import { GENESIS_HASH, recordHash } from './hashChain';
import { indexRowsOf } from './records';
import type { Checkpoint } from './types';

/** What kind of damage a problem reveals. */
export type AuditProblemKind =
  /** A record's content no longer matches its hash. */
  | 'CHANGED'
  /** Records are missing from the middle of the chain. */
  | 'DELETED'
  /** Records that were never written by the gateway stand in the chain. */
  | 'INSERTED'
  /** Records stand at each other's places. */
  | 'REORDERED'
  /** The chain is consistent, but not the one a signed checkpoint sealed: rewritten, or rolled back and written again. */
  | 'REWRITTEN'
  /** Records a signed checkpoint sealed are gone from the end of the chain. */
  | 'TRUNCATED'
  /** A checkpoint line is unreadable, unsigned, or goes back. */
  | 'CHECKPOINT'
  /** The citizen index or the field set no longer matches the record it was derived from. */
  | 'INDEX';

/** The first bad record of an instance: where, and what is wrong. */
export interface AuditProblem {
  instance: string;
  /** The first record that is wrong (or missing); null when the problem is in the checkpoint file only. */
  seq: number | null;
  kind: AuditProblemKind;
  message: string;
}

export interface InstanceVerification {
  instance: string;
  /** Records read in chain order and found linked, up to the first break of the chain (all of them when there is none). */
  records: number;
  checkpoints: number;
  /** The highest seq a checkpoint sealed. */
  lastCheckpointSeq: number;
  /** Records after the last checkpoint: sound as a chain, but not yet sealed by a signature. */
  unsealed: number;
  problem: AuditProblem | null;
}

export interface AuditVerification {
  sound: boolean;
  instances: InstanceVerification[];
}

export interface VerifyOptions {
  repository: AuditRepository;
  checkpointDirectory: string;
  /** The gateway's public key (loadVerificationKey). */
  key: CheckpointKey;
  /** One instance only; every instance of the database and of the checkpoint directory when left out. */
  instance?: string | null;
  pageSize?: number;
}

/** How far from its place a moved record is looked for. */
const MOVE_WINDOW = 64;

/** Given a record, returns the seq it was written at if it has moved within the window, else null. */
function originalSeqOf(record: AuditRecordRow): number | null {
  for (let distance = 1; distance <= MOVE_WINDOW; distance += 1) {
    for (const seq of [record.seq + distance, record.seq - distance]) {
      if (seq >= 1 && recordHash({ ...record, seq }) === record.hash) return seq;
    }
  }
  return null;
}

function sameRows(expected: readonly string[], actual: readonly string[]): boolean {
  const a = [...expected].sort();
  const b = [...actual].sort();
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** Given rows, what to group them by and what to keep of each, returns the kept values per group. */
function groupBy<T, G>(rows: readonly T[], group: (row: T) => G, key: (row: T) => string): Map<G, string[]> {
  const groups = new Map<G, string[]>();
  for (const row of rows) {
    const name = group(row);
    const values = groups.get(name);
    if (values) values.push(key(row));
    else groups.set(name, [key(row)]);
  }
  return groups;
}

const citizenKey = (row: AuditCitizenRow) => `${row.national_id}@${row.recorded_at}`;
const fieldKey = (row: AuditFieldSetRow) => `${row.coordinate}=${row.effect}`;

class InstanceVerifier {
  private readonly file: string;

  constructor(
    private readonly options: VerifyOptions,
    private readonly instance: string,
    /** False when the database has no audit tables: no record was ever stored there. */
    private readonly tablesExist: boolean,
  ) {
    this.file = checkpointFile(options.checkpointDirectory, instance);
  }

  private problem(seq: number | null, kind: AuditProblemKind, message: string): AuditProblem {
    return { instance: this.instance, seq, kind, message };
  }

  /** Given the lines of the checkpoint file, returns the first problem with them, or null. */
  private checkpointProblem(lines: readonly CheckpointLine[]): AuditProblem | null {
    let previous: Checkpoint | null = null;
    for (const line of lines) {
      const where = `line ${line.line} of ${this.file}`;
      if (line.checkpoint === null) return this.problem(null, 'CHECKPOINT', `${where}: ${line.error}`);
      const checkpoint = line.checkpoint;
      if (checkpoint.instance !== this.instance) return this.problem(null, 'CHECKPOINT', `${where} names instance ${checkpoint.instance}, not ${this.instance}`);
      if (!checkpointSignatureValid(checkpoint, this.options.key)) {
        const why = checkpoint.keyId === this.options.key.keyId ? 'its signature does not verify: it was altered' : `it names key ${checkpoint.keyId}, not ${this.options.key.keyId}`;
        return this.problem(checkpoint.seq, 'CHECKPOINT', `the checkpoint on ${where} (seq ${checkpoint.seq}, ${checkpoint.at}) is not the gateway's: ${why}`);
      }
      if (previous !== null && checkpoint.seq < previous.seq) {
        return this.problem(
          checkpoint.seq,
          'REWRITTEN',
          `the checkpoint on ${where} seals seq ${checkpoint.seq}, after one that sealed seq ${previous.seq}: the database was rolled back and the chain written again`,
        );
      }
      if (previous !== null && previous.reason === 'STOP' && checkpoint.seq > previous.seq) {
        return this.problem(
          previous.seq + 1,
          'INSERTED',
          `records ${previous.seq + 1}..${checkpoint.seq} appeared while the gateway was stopped (between its stop at ${previous.at} and the checkpoint of ${checkpoint.at})`,
        );
      }
      previous = checkpoint;
    }
    return null;
  }

  /** Given a record at the place of the expected seq that does not follow the chain, says what happened to it. */
  private async diagnose(record: AuditRecordRow, expected: number): Promise<AuditProblem> {
    const { repository } = this.options;
    if (recordHash(record) !== record.hash) {
      const original = originalSeqOf(record);
      if (original !== null && original > expected) {
        const there = await repository.recordAt(this.instance, original);
        if (there !== null && recordHash({ ...there, seq: expected }) === there.hash) {
          return this.problem(expected, 'REORDERED', `record ${expected} was written as seq ${original}, and the record at seq ${original} as seq ${expected}: records were reordered`);
        }
        return this.problem(expected, 'DELETED', `record ${expected} was written as seq ${original}: ${original - expected} record(s) before it were deleted and the rest renumbered`);
      }
      if (original !== null && original < expected) {
        return this.problem(original, 'INSERTED', `the record at seq ${expected} was written as seq ${original}: ${expected - original} record(s) were inserted from seq ${original} on`);
      }
      return this.problem(expected, 'CHANGED', `the content of record ${expected} does not match its hash: a field was changed`);
    }
    if (expected === 1) return this.problem(1, 'CHANGED', 'record 1 does not start the chain: its previous hash is not the genesis hash');
    const next = await repository.recordAt(this.instance, expected + 1);
    if (next !== null && recordHash({ ...next, seq: expected }) === next.hash) {
      return this.problem(expected, 'INSERTED', `record ${expected} was inserted: the record written as seq ${expected} now stands at seq ${expected + 1}`);
    }
    return this.problem(expected - 1, 'CHANGED', `record ${expected - 1} was changed and its hash rewritten: record ${expected} links to another hash`);
  }

  async run(): Promise<InstanceVerification> {
    const lines = await readCheckpoints(this.file);
    const checkpoints = lines.flatMap((line) => (line.checkpoint ? [line.checkpoint] : []));
    const lastCheckpoint = checkpoints.reduce<Checkpoint | null>((last, checkpoint) => (last === null || checkpoint.seq >= last.seq ? checkpoint : last), null);
    const lastCheckpointSeq = lastCheckpoint?.seq ?? 0;
    const result: InstanceVerification = { instance: this.instance, records: 0, checkpoints: checkpoints.length, lastCheckpointSeq, unsealed: 0, problem: null };
    const done = (problem: AuditProblem | null) => ({ ...result, problem });

    const fileProblem = this.checkpointProblem(lines);
    if (fileProblem) return done(fileProblem);
    const sealedAt = new Map<number, Checkpoint[]>();
    for (const checkpoint of checkpoints) sealedAt.set(checkpoint.seq, [...(sealedAt.get(checkpoint.seq) ?? []), checkpoint]);

    const { repository } = this.options;
    const pageSize = this.options.pageSize ?? 1000;
    // An index that no longer matches its record may be the trace of a record that was inserted or moved,
    // which the chain reveals a few records later: the chain's finding wins unless it names a later record.
    let indexProblem: AuditProblem | null = null;
    const first = (problem: AuditProblem) => done(indexProblem !== null && indexProblem.seq! < (problem.seq ?? 0) ? indexProblem : problem);
    let expected = 1;
    let previousHash = GENESIS_HASH;
    let lastMatchedCheckpoint = 0;
    // Records above the index head have no index rows yet, or (indexed meanwhile by a running gateway) all of them.
    const indexHead = this.tablesExist ? await repository.indexHead(this.instance) : 0;
    while (this.tablesExist) {
      const page = await repository.chainPage(this.instance, expected - 1, pageSize);
      if (page.length === 0) break;
      const index = await repository.indexRows(this.instance, page[0]!.seq, page[page.length - 1]!.seq);
      const citizensBySeq = groupBy(index.citizens, (row) => row.seq, citizenKey);
      const fieldSets = groupBy(index.fieldSets, (row) => row.set_hash, fieldKey);
      for (const record of page) {
        if (record.seq !== expected) {
          const missing = record.seq - 1 === expected ? `record ${expected} is missing` : `records ${expected}..${record.seq - 1} are missing`;
          return first(this.problem(expected, 'DELETED', `${missing}: the chain goes from seq ${expected - 1} to seq ${record.seq}`));
        }
        if (recordHash(record) !== record.hash || record.previous_hash !== previousHash) return first(await this.diagnose(record, expected));
        const implied = indexRowsOf(record);
        const citizens = citizensBySeq.get(record.seq) ?? [];
        // A field set is shared: it may be there already for a record not indexed yet, but must then be its fields.
        const fields = record.field_set === null ? [] : (fieldSets.get(record.field_set) ?? []);
        const fieldsMatch = record.field_set === implied.fieldSet && sameRows(implied.fields.map(fieldKey), fields);
        const matches = sameRows(implied.citizens.map(citizenKey), citizens) && fieldsMatch;
        const notIndexedYet = record.seq > indexHead && citizens.length === 0 && record.field_set === implied.fieldSet && (fields.length === 0 || fieldsMatch);
        if (!matches && !notIndexedYet) {
          indexProblem ??= this.problem(record.seq, 'INDEX', `the citizen index or the field set of record ${record.seq} no longer matches the record: rows were added, changed or removed, or the record names another set`);
        }
        for (const checkpoint of sealedAt.get(record.seq) ?? []) {
          if (checkpoint.headHash !== record.hash) {
            // The checkpoint tells only that the chain up to here differs; the last one that matched bounds where it starts.
            return first(
              this.problem(
                lastMatchedCheckpoint + 1,
                'REWRITTEN',
                `record ${record.seq} is not the one the checkpoint of ${checkpoint.at} sealed: the chain from seq ${lastMatchedCheckpoint + 1} to ${record.seq} was rewritten, or the database was rolled back and written again`,
              ),
            );
          }
          lastMatchedCheckpoint = record.seq;
        }
        result.records += 1;
        previousHash = record.hash;
        expected += 1;
      }
    }
    const lastSeq = expected - 1;
    if (indexHead !== Number.POSITIVE_INFINITY && indexHead > lastSeq) {
      // Left by a chain removed while its head stayed: a gateway lowers it at start, until then it hides new records.
      indexProblem ??= this.problem(lastSeq + 1, 'INDEX', `the index head stands at seq ${indexHead}, above the chain's last record (seq ${lastSeq}): records written from seq ${lastSeq + 1} on would not be indexed`);
    }
    if (lastCheckpoint !== null && lastCheckpointSeq > lastSeq) {
      const missing = lastSeq + 1 === lastCheckpointSeq ? `record ${lastCheckpointSeq}` : `records ${lastSeq + 1}..${lastCheckpointSeq}`;
      return first(this.problem(lastSeq + 1, 'TRUNCATED', `${missing}, sealed by the checkpoint of ${lastCheckpoint.at}, are missing: the tail was cut or the database rolled back`));
    }
    const finalCheckpoint = checkpoints[checkpoints.length - 1];
    if (finalCheckpoint?.reason === 'STOP' && lastSeq > finalCheckpoint.seq) {
      // A clean stop seals every record written: nothing follows it until the gateway starts again.
      return first(
        this.problem(finalCheckpoint.seq + 1, 'INSERTED', `records ${finalCheckpoint.seq + 1}..${lastSeq} follow the gateway's stop at ${finalCheckpoint.at}, which sealed seq ${finalCheckpoint.seq}: they were added while it was stopped`),
      );
    }
    result.unsealed = lastSeq - lastCheckpointSeq;
    return done(indexProblem);
  }
}

/**
 * Given the audit store, the checkpoint directory and the gateway's public key, checks every instance's chain
 * (gapless seqs, each record's hash, each link) and its checkpoints (signatures, sealed heads present and
 * equal, nothing sealed missing), and the indexes derived from each record. Returns, per instance, the first
 * bad record and what is wrong with it.
 */
export async function verifyAuditTrail(options: VerifyOptions): Promise<AuditVerification> {
  const tablesExist = await options.repository.exists();
  const stored = tablesExist ? await options.repository.instances() : [];
  const instances = options.instance ? [options.instance] : [...new Set([...stored, ...checkpointInstances(options.checkpointDirectory)])].sort();
  const results: InstanceVerification[] = [];
  for (const instance of instances) results.push(await new InstanceVerifier(options, instance, tablesExist).run());
  return { sound: results.every((result) => result.problem === null), instances: results };
}

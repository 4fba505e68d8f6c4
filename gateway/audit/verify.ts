import type { AuditRecordRow } from '../../db/gatewayRows';
import type { SignedArchiveManifest } from './archives';
import { crossArchives } from './archives';
import type { AuditRepository } from './auditRepository';
import type { CheckpointKey, CheckpointLine } from './checkpoints';
import { checkpointFile, checkpointInstances, readCheckpoints, untrustedBecause } from './checkpoints';
import { GENESIS_HASH, recordHash } from './hashChain';
import type { SealedPoint } from './sealedPoints';
import { externalCheckpoints } from './sealedPoints';
import type { TimestampTrust } from './timestamp/tokenCheck';
import { verifyTimestamps } from './timestamp/verifyTimestamps';
import type { Checkpoint } from './types';
import { IndexCheck, pageIndexOf } from './verifyIndex';
import { TreeCheck } from './verifyTree';
import type { WitnessClient } from './witness/client';

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
  /** A checkpoint line is unreadable, unsigned, signed by a key that is not pinned, or goes back; or the file is gone. */
  | 'CHECKPOINT'
  /** An instance that a witness or this verifier knew has no records left. */
  | 'ERASED'
  /** Records have gone unsealed (by a witness, when there are witnesses) for longer than the checkpoint interval and the grace. */
  | 'UNSEALED'
  /** The citizen index or the field set no longer matches the record it was derived from. */
  | 'INDEX'
  /** An archive manifest that is not the gateway's, or does not match the chain around the records it says were archived. */
  | 'ARCHIVE'
  /** A checkpoint signed a Merkle tree head that the records do not give. */
  | 'TREE'
  /** With a TSA configured: a time-stamp token that does not verify for its checkpoint, or a checkpoint left without one. */
  | 'TIMESTAMP';

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
  /** The highest seq a checkpoint sealed: in the file, at a witness, or in this verifier's state. */
  lastCheckpointSeq: number;
  /** Records after the last checkpoint: sound as a chain, but not yet sealed by a signature. */
  unsealed: number;
  /** Records crossed in archived months, on their signed manifests (archives.ts); left out when none. */
  archived?: number;
  /** With a TSA configured: checkpoints holding a token that verifies, and those without one (still awaited, or covered by a later token). */
  timestamped?: number;
  untimestamped?: number;
  /** The highest checkpoint found in the chain, for the verifier to remember; null when the instance is not sound. */
  accepted: Checkpoint | null;
  problem: AuditProblem | null;
}

export interface AuditVerification {
  sound: boolean;
  instances: InstanceVerification[];
  /** What could not be checked, apart from any instance: a witness that cannot be asked, a checkpoint a witness holds signed by no pinned key. */
  problems: string[];
}

export interface VerifyOptions {
  repository: AuditRepository;
  checkpointDirectory: string;
  /** The pinned gateway keys (AUDIT_TRUSTED_KEYS): a checkpoint signed by any other is an error. */
  trustedKeys: readonly CheckpointKey[];
  /** The witnesses whose register (every instance they know, and its last checkpoint) the trail must hold. */
  witnesses?: readonly WitnessClient[];
  /** The last checkpoint this verifier accepted per instance (its state): the trail may not have gone back below it. */
  accepted?: ReadonlyMap<string, Checkpoint>;
  /** How often the gateway seals its head, and how late a checkpoint or an index row may be past that. */
  checkpointIntervalMs: number;
  graceMs: number;
  now?: () => Date;
  /** One instance only; every instance of the database, the checkpoint directory, the witnesses and the state when left out. */
  instance?: string | null;
  pageSize?: number;
  /** The signed manifests of archived months, whose ranges the chain crosses (archiveRepository.ts); none when left out. */
  archives?: readonly SignedArchiveManifest[];
  /** What the TSA's tokens are trusted with (AUDIT_TSA_CERTIFICATE); with it, every checkpoint must be time-stamped (timestamp/verifyTimestamps.ts). */
  timestamps?: TimestampTrust | null;
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

class InstanceVerifier {
  private readonly file: string;

  constructor(
    private readonly options: VerifyOptions,
    private readonly instance: string,
    /** False when the database has no audit tables: no record was ever stored there. */
    private readonly tablesExist: boolean,
    /** The checkpoints of this instance that the witnesses and this verifier's state hold, checked already. */
    private readonly external: readonly SealedPoint[],
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
      if (checkpoint.instance !== this.instance)
        return this.problem(null, 'CHECKPOINT', `${where} names instance ${checkpoint.instance}, not ${this.instance}`);
      const untrusted = untrustedBecause(checkpoint, this.options.trustedKeys);
      if (untrusted)
        return this.problem(
          checkpoint.seq,
          'CHECKPOINT',
          `the checkpoint on ${where} (seq ${checkpoint.seq}, ${checkpoint.at}) is not the gateway's: ${untrusted}`,
        );
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
          return this.problem(
            expected,
            'REORDERED',
            `record ${expected} was written as seq ${original}, and the record at seq ${original} as seq ${expected}: records were reordered`,
          );
        }
        return this.problem(
          expected,
          'DELETED',
          `record ${expected} was written as seq ${original}: ${original - expected} record(s) before it were deleted and the rest renumbered`,
        );
      }
      if (original !== null && original < expected) {
        return this.problem(
          original,
          'INSERTED',
          `the record at seq ${expected} was written as seq ${original}: ${expected - original} record(s) were inserted from seq ${original} on`,
        );
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
    const points: SealedPoint[] = [...checkpoints.map((checkpoint) => ({ checkpoint, source: this.file, witnessed: false })), ...this.external];
    const lastPoint = points.reduce<SealedPoint | null>((last, point) => (last === null || point.checkpoint.seq > last.checkpoint.seq ? point : last), null);
    const lastCheckpoint = lastPoint?.checkpoint ?? null;
    const lastCheckpointSeq = lastCheckpoint?.seq ?? 0;
    const result: InstanceVerification = {
      instance: this.instance,
      records: 0,
      checkpoints: checkpoints.length,
      lastCheckpointSeq,
      unsealed: 0,
      accepted: null,
      problem: null,
    };
    const done = (problem: AuditProblem | null) => ({ ...result, accepted: problem === null ? result.accepted : null, problem });

    const fileProblem = this.checkpointProblem(lines);
    if (fileProblem) return done(fileProblem);
    const now = (this.options.now ?? (() => new Date()))().getTime();
    if (this.options.timestamps) {
      const { trustedKeys, checkpointDirectory } = this.options;
      const stamps = await verifyTimestamps({ instance: this.instance, checkpointDirectory, checkpoints, trust: this.options.timestamps, trustedKeys, now });
      if (stamps.problem) return done(this.problem(stamps.problem.seq, 'TIMESTAMP', stamps.problem.message));
      Object.assign(result, { timestamped: stamps.timestamped, untimestamped: stamps.untimestamped });
    }
    const { repository } = this.options;
    if (lines.length === 0 && this.tablesExist && (await repository.chainPage(this.instance, 0, 1)).length > 0) {
      // A gateway seals the head it finds at every start before it writes a record: records without a file lost it.
      return done(
        this.problem(null, 'CHECKPOINT', `${this.file} is missing, yet the database holds records of instance ${this.instance}: the checkpoints were removed`),
      );
    }
    const sealedAt = new Map<number, SealedPoint[]>();
    for (const point of points) sealedAt.set(point.checkpoint.seq, [...(sealedAt.get(point.checkpoint.seq) ?? []), point]);
    // With witnesses, a record is sealed once a witness holds a checkpoint of it: the file alone is on the gateway's host.
    const witnessedOnly = (this.options.witnesses ?? []).length > 0;
    const sealing = witnessedOnly ? points.filter((point) => point.witnessed) : points;
    const sealedSeq = sealing.reduce((highest, point) => Math.max(highest, point.checkpoint.seq), 0);
    const lastSealingAt = sealing.reduce((latest, point) => Math.max(latest, Date.parse(point.checkpoint.at)), Number.NEGATIVE_INFINITY);
    let firstUnsealedAt: number | null = null;
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
    // An index row may lag behind its record by the grace, no more: records above the head are indexed at once.
    const indexCheck = new IndexCheck(indexHead, now - this.options.graceMs);
    const treeCheck = new TreeCheck(points);
    const emptyTree = treeCheck.start();
    if (emptyTree) return done(this.problem(1, 'TREE', emptyTree));
    // A gap that archived months' manifests cover exactly is crossed on them (archives.ts): the chain goes on from their end hash.
    const archives = (this.options.archives ?? []).filter((manifest) => manifest.instance === this.instance);
    const crossTo = (nextSeq: number | null): AuditProblem | null => {
      const checkpointsAt = (seq: number) => (sealedAt.get(seq) ?? []).map((point) => point.checkpoint);
      // One range at a time, so that the tree goes on from each one's signed frontier, checked by the heads signed at its end and after.
      for (;;) {
        const crossed = crossArchives({ manifests: archives, trustedKeys: this.options.trustedKeys, expected, previousHash, nextSeq, checkpointsAt, limit: 1 });
        if (crossed.problem) return this.problem(crossed.problem.seq, 'ARCHIVE', crossed.problem.message);
        if (crossed.records === 0 || crossed.treeFrontier === null) return null;
        result.archived = (result.archived ?? 0) + crossed.records;
        ({ expected, previousHash } = crossed);
        const wrongTree = treeCheck.continueFrom(expected - 1, crossed.treeFrontier);
        if (wrongTree) return this.problem(expected - 1, 'TREE', wrongTree);
      }
    };
    while (this.tablesExist) {
      const page = await repository.chainPage(this.instance, expected - 1, pageSize);
      if (page.length === 0) {
        const before = expected;
        const archiveProblem = crossTo(null);
        if (archiveProblem) return first(archiveProblem);
        if (expected === before) break;
        continue;
      }
      const index = pageIndexOf(await repository.indexRows(this.instance, page[0]!.seq, page[page.length - 1]!.seq));
      indexCheck.newPage();
      for (const record of page) {
        const archiveProblem = record.seq === expected ? null : crossTo(record.seq);
        if (archiveProblem) return first(archiveProblem);
        if (record.seq !== expected) {
          const missing = record.seq - 1 === expected ? `record ${expected} is missing` : `records ${expected}..${record.seq - 1} are missing`;
          return first(this.problem(expected, 'DELETED', `${missing}: the chain goes from seq ${expected - 1} to seq ${record.seq}`));
        }
        if (recordHash(record) !== record.hash || record.previous_hash !== previousHash) return first(await this.diagnose(record, expected));
        const wrongIndex = indexCheck.check(record, index);
        if (wrongIndex) indexProblem ??= this.problem(wrongIndex.seq, 'INDEX', wrongIndex.message);
        if (record.seq === sealedSeq + 1) firstUnsealedAt = Date.parse(record.recorded_at);
        for (const { checkpoint, source } of sealedAt.get(record.seq) ?? []) {
          if (checkpoint.headHash !== record.hash) {
            // The checkpoint tells only that the chain up to here differs; the last one that matched bounds where it starts.
            return first(
              this.problem(
                lastMatchedCheckpoint + 1,
                'REWRITTEN',
                `record ${record.seq} is not the one the checkpoint of ${checkpoint.at} (${source}) sealed: the chain from seq ${lastMatchedCheckpoint + 1} to ${record.seq} was rewritten, or the database was rolled back and written again`,
              ),
            );
          }
          lastMatchedCheckpoint = record.seq;
          if (result.accepted === null || checkpoint.seq > result.accepted.seq) result.accepted = checkpoint;
        }
        const wrongTree = treeCheck.add(record);
        if (wrongTree) return first(this.problem(record.seq, 'TREE', wrongTree));
        result.records += 1;
        previousHash = record.hash;
        expected += 1;
      }
    }
    const lastSeq = expected - 1;
    if (indexHead !== Number.POSITIVE_INFINITY && indexHead > lastSeq) {
      // Left by a chain removed while its head stayed: a gateway lowers it at start, until then it hides new records.
      indexProblem ??= this.problem(
        lastSeq + 1,
        'INDEX',
        `the index head stands at seq ${indexHead}, above the chain's last record (seq ${lastSeq}): records written from seq ${lastSeq + 1} on would not be indexed`,
      );
    }
    if (lastCheckpoint !== null && lastSeq === 0 && lastCheckpointSeq > 0) {
      return done(
        this.problem(
          1,
          'ERASED',
          `instance ${this.instance} has no records, yet the checkpoint of ${lastCheckpoint.at} (${lastPoint!.source}) sealed seq ${lastCheckpointSeq}: its trail was erased`,
        ),
      );
    }
    if (lastCheckpoint !== null && lastCheckpointSeq > lastSeq) {
      const missing = lastSeq + 1 === lastCheckpointSeq ? `record ${lastCheckpointSeq}` : `records ${lastSeq + 1}..${lastCheckpointSeq}`;
      return first(
        this.problem(
          lastSeq + 1,
          'TRUNCATED',
          `${missing}, sealed by the checkpoint of ${lastCheckpoint.at} (${lastPoint!.source}), are missing: the tail was cut or the database rolled back`,
        ),
      );
    }
    const finalCheckpoint = checkpoints[checkpoints.length - 1];
    if (finalCheckpoint?.reason === 'STOP' && lastSeq > finalCheckpoint.seq) {
      // A clean stop seals every record written: nothing follows it until the gateway starts again.
      return first(
        this.problem(
          finalCheckpoint.seq + 1,
          'INSERTED',
          `records ${finalCheckpoint.seq + 1}..${lastSeq} follow the gateway's stop at ${finalCheckpoint.at}, which sealed seq ${finalCheckpoint.seq}: they were added while it was stopped`,
        ),
      );
    }
    result.unsealed = lastSeq - lastCheckpointSeq;
    const overdue = now - this.options.checkpointIntervalMs - this.options.graceMs;
    if (firstUnsealedAt !== null && firstUnsealedAt < overdue && lastSealingAt < overdue) {
      const by = witnessedOnly ? 'countersigned by no witness' : 'sealed by no checkpoint';
      return first(
        this.problem(
          sealedSeq + 1,
          'UNSEALED',
          `records ${sealedSeq + 1}..${lastSeq} have been ${by} for longer than the checkpoint interval and its grace (${this.options.checkpointIntervalMs} + ${this.options.graceMs} ms): ` +
            'the gateway stopped sealing them, or its checkpoints stopped reaching the witnesses',
        ),
      );
    }
    return done(indexProblem);
  }
}

/**
 * Given the audit store, the checkpoint directory, the pinned gateway keys, the witnesses and this verifier's
 * state, checks every instance's chain (gapless seqs, each record's hash, each link), its checkpoints (signed
 * by a pinned key, sealed heads present and equal, the Merkle tree heads they sign those of the records, nothing
 * sealed missing, the file present while there are records, nothing left unsealed for long, and with a TSA each
 * one time-stamped), that every instance
 * a witness or the state knows still has its trail, and the indexes derived from every record. Returns, per instance, the first bad record and what is
 * wrong with it, and the checkpoint to remember.
 */
export async function verifyAuditTrail(options: VerifyOptions): Promise<AuditVerification> {
  const tablesExist = await options.repository.exists();
  const stored = tablesExist ? await options.repository.instances() : [];
  const { byInstance, problems } = await externalCheckpoints(options.trustedKeys, options.witnesses ?? [], options.accepted ?? new Map());
  const instances = options.instance
    ? [options.instance]
    : [...new Set([...stored, ...checkpointInstances(options.checkpointDirectory), ...byInstance.keys()])].sort();
  const results: InstanceVerification[] = [];
  for (const instance of instances) results.push(await new InstanceVerifier(options, instance, tablesExist, byInstance.get(instance) ?? []).run());
  return { sound: problems.length === 0 && results.every((result) => result.problem === null), instances: results, problems };
}

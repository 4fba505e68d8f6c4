import fs from 'node:fs';
import type { Knex } from 'knex';
import { isMysql } from '../../db/connection';
import type { AuditRecordRow } from '../../db/gatewayRows';
import type { ArchiveManifest, SignedArchiveManifest } from './archives';
import { ARCHIVE_FILE_FORMAT, fileDigest, signArchiveManifest } from './archives';
import { ArchiveRepository } from './archiveRepository';
import { auditPartitions, monthOf, partitionName } from './auditPartitions';
import type { CheckpointKey } from './checkpoints';
import { AuditRepository } from './auditRepository';
import { GENESIS_HASH, canonicalJson, recordHash } from './hashChain';
import { TreeAppender } from './merkle';
import { recordLeafHash } from './recordLeaf';

/** Why a month is not archived: nothing was written or removed. */
export class ArchiveRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveRefused';
  }
}

export interface ArchiveMonthOptions {
  /** YYYY-MM, before the current month. */
  month: string;
  /** Where the archive file is written; an existing file is never overwritten. */
  file: string;
  /** The gateway's audit key, which signs the manifests as it signs checkpoints. */
  key: CheckpointKey;
  now?: Date;
}

export interface ArchivedMonth {
  month: string;
  file: string;
  fileDigest: string;
  manifests: SignedArchiveManifest[];
}

/** Given a month's records (by instance and seq), returns each instance's run of them; throws unless each is a sound, gapless run. */
function runsOf(records: readonly AuditRecordRow[]): AuditRecordRow[][] {
  const runs = new Map<string, AuditRecordRow[]>();
  for (const record of records) {
    const run = runs.get(record.instance) ?? [];
    const before = run[run.length - 1];
    if (before && record.seq !== before.seq + 1)
      throw new ArchiveRefused(
        `instance ${record.instance} has seqs ${before.seq} and ${record.seq} in the month but not those between: run npm run audit:verify`,
      );
    if (recordHash(record) !== record.hash || (before && record.previous_hash !== before.hash))
      throw new ArchiveRefused(`record ${record.instance}:${record.seq} does not follow its chain: run npm run audit:verify before archiving`);
    run.push(record);
    runs.set(record.instance, run);
  }
  return [...runs.values()];
}

const FRONTIER_PAGE = 1000;

/**
 * Given an instance's run of a month's records and the manifests archived before, returns the Merkle tree's frontier
 * (hex) after the run's last record: continued from the last archived range before it, or from the empty tree, over
 * the records the database holds between, then over the run. Throws when a record between is missing.
 */
async function treeFrontierAfter(db: Knex, run: readonly AuditRecordRow[], archived: readonly SignedArchiveManifest[]): Promise<string[]> {
  const first = run[0]!;
  const before = archived
    .filter((manifest) => manifest.instance === first.instance && manifest.lastSeq < first.seq)
    .reduce<SignedArchiveManifest | null>((latest, manifest) => (latest === null || manifest.lastSeq > latest.lastSeq ? manifest : latest), null);
  const appender = before
    ? new TreeAppender(
        before.lastSeq,
        before.treeFrontier.map((hash) => Buffer.from(hash, 'hex')),
      )
    : new TreeAppender(0, []);
  const records = new AuditRepository(db);
  while (appender.size < first.seq - 1) {
    const page = await records.chainPage(first.instance, appender.size, Math.min(FRONTIER_PAGE, first.seq - 1 - appender.size));
    for (const record of page) {
      if (record.seq !== appender.size + 1) break;
      appender.append(recordLeafHash(record));
    }
    if (page.length === 0 || page[page.length - 1]!.seq !== appender.size)
      throw new ArchiveRefused(`instance ${first.instance} lacks record ${appender.size + 1} before the month: run npm run audit:verify before archiving`);
  }
  for (const record of run) appender.append(recordLeafHash(record));
  return appender.frontierHashes().map((hash) => hash.toString('hex'));
}

/**
 * Given the gateway database and a month before the current one, archives it: writes its records to an archive
 * file (a header line, then one canonical JSON line per record, by instance and seq; their citizens' rows are
 * derived from the records), stores one manifest per instance signed with the gateway's audit key (seqs, the
 * chain's hash before and at the end, count, the file's SHA-256), then removes the month from the database (its
 * partition, on MySQL). Refuses, before anything is written, a month that is current or later, a month without
 * its partition (MySQL), or records that are not a sound run continuing what comes before them.
 */
export async function archiveAuditMonth(db: Knex, options: ArchiveMonthOptions): Promise<ArchivedMonth> {
  const { month, file } = options;
  if (!/^\d{4}-\d{2}$/.test(month)) throw new ArchiveRefused(`the month must be YYYY-MM, got "${month}"`);
  const now = options.now ?? new Date();
  if (month >= monthOf(now)) throw new ArchiveRefused(`${month} is not over: only a month before ${monthOf(now)} is archived`);
  if (isMysql(db) && !(await auditPartitions(db)).some((partition) => partition.table === 'audit_records' && partition.name === partitionName(month)))
    throw new ArchiveRefused(`audit_records has no partition ${partitionName(month)}: the month was archived already, or is not partitioned`);
  if (fs.existsSync(file)) throw new ArchiveRefused(`${file} exists: an archive file is never overwritten`);
  const repository = new ArchiveRepository(db);
  const archived = await repository.manifests();
  const already = archived.find((manifest) => manifest.month === month);
  if (already) throw new ArchiveRefused(`${month} was archived already, on ${already.archivedAt}`);
  const runs = runsOf(await repository.monthRecords(month));
  for (const run of runs) {
    const first = run[0]!;
    const before =
      first.seq === 1
        ? GENESIS_HASH
        : ((await repository.hashAt(first.instance, first.seq - 1)) ??
          archived.find((manifest) => manifest.instance === first.instance && manifest.lastSeq === first.seq - 1)?.endHash);
    if (before !== first.previous_hash)
      throw new ArchiveRefused(`record ${first.instance}:${first.seq} does not continue the record before it: run npm run audit:verify before archiving`);
  }

  const lines = [JSON.stringify({ format: ARCHIVE_FILE_FORMAT, month }), ...runs.flat().map((record) => canonicalJson(record))];
  const handle = fs.openSync(file, 'wx', 0o600);
  try {
    fs.writeFileSync(handle, `${lines.join('\n')}\n`, 'utf8');
    fs.fsyncSync(handle);
  } finally {
    fs.closeSync(handle);
  }
  const digest = await fileDigest(file);
  const archivedAt = now.toISOString();
  const frontiers = new Map<string, string[]>();
  for (const run of runs) frontiers.set(run[0]!.instance, await treeFrontierAfter(db, run, archived));
  const manifests = runs.map((run) => {
    const first = run[0]!;
    const last = run[run.length - 1]!;
    const manifest: ArchiveManifest = {
      instance: first.instance,
      month,
      firstSeq: first.seq,
      lastSeq: last.seq,
      startHash: first.previous_hash,
      endHash: last.hash,
      records: run.length,
      fileDigest: digest,
      treeFrontier: frontiers.get(first.instance)!,
      archivedAt,
    };
    return signArchiveManifest(manifest, options.key);
  });
  // The manifests are stored before the records go: a removal cut short leaves records a manifest also covers, which verify as they are.
  await repository.insert(manifests);
  await repository.remove(
    month,
    manifests.map(({ instance, firstSeq, lastSeq }) => ({ instance, firstSeq, lastSeq })),
  );
  return { month, file, fileDigest: digest, manifests };
}

import type { Knex } from 'knex';
import { isMysql } from '../../db/connection';
import type { AuditArchiveRow, AuditRecordRow } from '../../db/gatewayRows';
import type { SignedArchiveManifest } from './archives';
import { monthAfter, partitionName } from './auditPartitions';
import { normalizeAuditRecord } from './auditRepository';

const ARCHIVES = 'audit_archives';

function manifestOf(row: AuditArchiveRow): SignedArchiveManifest {
  return {
    instance: row.instance,
    month: row.month,
    firstSeq: Number(row.first_seq),
    lastSeq: Number(row.last_seq),
    startHash: row.start_hash,
    endHash: row.end_hash,
    records: Number(row.record_count),
    fileDigest: row.file_digest,
    treeFrontier: JSON.parse(row.tree_frontier) as string[],
    archivedAt: row.archived_at,
    keyId: row.key_id,
    signature: row.signature,
  };
}

function rowOf(manifest: SignedArchiveManifest): AuditArchiveRow {
  return {
    instance: manifest.instance,
    month: manifest.month,
    first_seq: manifest.firstSeq,
    last_seq: manifest.lastSeq,
    start_hash: manifest.startHash,
    end_hash: manifest.endHash,
    record_count: manifest.records,
    file_digest: manifest.fileDigest,
    tree_frontier: JSON.stringify(manifest.treeFrontier),
    archived_at: manifest.archivedAt,
    key_id: manifest.keyId,
    signature: manifest.signature,
  };
}

/** The archived months' manifests and the records a month's archiving takes out: the only SQL of the archives. */
export class ArchiveRepository {
  constructor(private readonly db: Knex) {}

  /** Returns every manifest, by instance and first seq; none when the table does not exist (a database never migrated). */
  async manifests(): Promise<SignedArchiveManifest[]> {
    if (!(await this.db.schema.hasTable(ARCHIVES))) return [];
    const rows = await this.db<AuditArchiveRow>(ARCHIVES).orderBy([{ column: 'instance' }, { column: 'first_seq' }]);
    return rows.map(manifestOf);
  }

  /** Given manifests, stores them together; one already stored the same is kept. */
  async insert(manifests: readonly SignedArchiveManifest[]): Promise<void> {
    if (manifests.length === 0) return;
    await this.db.transaction(async (transaction) => {
      for (const manifest of manifests) {
        const stored = await transaction<AuditArchiveRow>(ARCHIVES).where({ instance: manifest.instance, month: manifest.month }).first();
        if (stored) continue;
        await transaction(ARCHIVES).insert(rowOf(manifest));
      }
    });
  }

  /**
   * Given a month, returns its records by instance and seq: on MySQL those of its partition (the first one also
   * holds everything before it), on SQLite those recorded in it.
   */
  async monthRecords(month: string): Promise<AuditRecordRow[]> {
    const query = isMysql(this.db)
      ? this.db<AuditRecordRow>(this.db.raw(`audit_records partition (${partitionName(month)})`))
      : this.db<AuditRecordRow>('audit_records').where('recorded_at', '>=', month).where('recorded_at', '<', monthAfter(month));
    const rows = await query.orderBy([{ column: 'instance' }, { column: 'seq' }]);
    return rows.map(normalizeAuditRecord);
  }

  /** Given an instance and a seq, returns the hash of the record there, or null when the database does not hold it. */
  async hashAt(instance: string, seq: number): Promise<string | null> {
    const row = (await this.db('audit_records').where({ instance, seq }).first('hash')) as { hash: string } | undefined;
    return row?.hash ?? null;
  }

  /**
   * Given a month and the ranges it held per instance, removes its records and their citizens: on MySQL by dropping
   * the month's partition of both tables, on SQLite by deleting the ranges.
   */
  async remove(month: string, ranges: ReadonlyArray<{ instance: string; firstSeq: number; lastSeq: number }>): Promise<void> {
    if (isMysql(this.db)) {
      for (const table of ['audit_citizens', 'audit_records']) await this.db.raw(`alter table ?? drop partition ${partitionName(month)}`, [table]);
      return;
    }
    await this.db.transaction(async (transaction) => {
      for (const { instance, firstSeq, lastSeq } of ranges) {
        await transaction('audit_citizens').where('instance', instance).whereBetween('seq', [firstSeq, lastSeq]).delete();
        await transaction('audit_records').where('instance', instance).whereBetween('seq', [firstSeq, lastSeq]).delete();
      }
    });
  }
}

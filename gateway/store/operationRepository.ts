import type { Knex } from 'knex';
import type { AgencyOperationModeRow, OperationListRow, RegisteredOperationRow } from '../../db/gatewayRows';
import type {
  AgencyOperations,
  ApprovedOperation,
  ApprovedOperations,
  ManifestFormat,
  OperationListVersion,
  OperationMode,
  OperationType,
  RegisteredOperation,
} from '../operations/types';

/** Rows per insert: keeps each statement under SQLite's limit on bound parameters. */
const INSERT_BATCH = 100;

const toOperation = (row: RegisteredOperationRow): RegisteredOperation => ({
  id: row.operation_id,
  name: row.name,
  type: row.type as OperationType,
  body: row.body,
});

/** The approved operations' queries: the only module of them that holds SQL. */
export class OperationRepository {
  constructor(private readonly db: Knex) {}

  /** The id of each application's latest list version: the lists in force. */
  private currentListIds(): Knex.QueryBuilder {
    return this.db('operation_lists').max('id').groupBy(['agency_code', 'application']);
  }

  /** Returns every agency's mode and the operations of its applications' current lists, by id. */
  async approvedOperations(): Promise<ApprovedOperations> {
    const [modes, rows] = await Promise.all([
      this.db<AgencyOperationModeRow>('agency_operation_modes'),
      this.db('registered_operations as o')
        .join('operation_lists as l', 'l.id', 'o.list_id')
        .whereIn('l.id', this.currentListIds())
        .orderBy([{ column: 'l.agency_code' }, { column: 'l.application' }])
        .select<Array<RegisteredOperationRow & { agency_code: string; application: string }>>('o.*', 'l.agency_code', 'l.application'),
    ]);
    const byAgency = new Map<string, { mode: OperationMode; byId: Map<string, ApprovedOperation> }>();
    const entry = (code: string) => {
      let found = byAgency.get(code);
      if (!found) byAgency.set(code, (found = { mode: 'off', byId: new Map() }));
      return found;
    };
    for (const row of modes) entry(row.agency_code).mode = row.mode as OperationMode;
    // Two applications of one agency may list the same document: the first application (by name) is named.
    for (const row of rows)
      if (!entry(row.agency_code).byId.has(row.operation_id))
        entry(row.agency_code).byId.set(row.operation_id, { ...toOperation(row), application: row.application });
    return byAgency as ReadonlyMap<string, AgencyOperations>;
  }

  /** Given an agency code or null for all, returns every list version, newest first per application. */
  async listVersions(agencyCode: string | null, application: string | null = null): Promise<OperationListVersion[]> {
    const query = this.db<OperationListRow>('operation_lists').orderBy([
      { column: 'agency_code' },
      { column: 'application' },
      { column: 'version', order: 'desc' },
    ]);
    if (agencyCode !== null) query.where('agency_code', agencyCode);
    if (application !== null) query.where('application', application);
    const rows = await query;
    const latest = new Map<string, number>();
    for (const row of rows)
      latest.set(`${row.agency_code}\n${row.application}`, Math.max(latest.get(`${row.agency_code}\n${row.application}`) ?? 0, row.version));
    return rows.map((row) => ({
      agencyCode: row.agency_code,
      application: row.application,
      version: row.version,
      format: row.format as ManifestFormat,
      operationCount: row.operation_count,
      changeId: Number(row.change_id),
      createdAt: row.created_at,
      current: latest.get(`${row.agency_code}\n${row.application}`) === row.version,
    }));
  }

  /** Given an agency and an application, returns the operations of one version (the current one when left out), or null. */
  async operationsOf(agencyCode: string, application: string, version: number | null = null): Promise<RegisteredOperation[] | null> {
    const query = this.db<OperationListRow>('operation_lists').where({ agency_code: agencyCode, application });
    const list = await (version === null ? query.orderBy('version', 'desc').first() : query.where('version', version).first());
    if (!list) return null;
    return (await this.db<RegisteredOperationRow>('registered_operations').where('list_id', list.id).orderBy('operation_id')).map(toOperation);
  }

  /** Given an agency and an application, returns the number its next list version takes. */
  async nextVersion(agencyCode: string, application: string): Promise<number> {
    const row = (await this.db('operation_lists').where({ agency_code: agencyCode, application }).max({ version: 'version' }).first()) as
      { version: number | string | null } | undefined;
    return Number(row?.version ?? 0) + 1;
  }

  /** Given a new list version and its operations, stores both. */
  async insertList(
    list: { agencyCode: string; application: string; version: number; format: ManifestFormat; changeId: number; createdAt: string },
    operations: readonly RegisteredOperation[],
  ): Promise<void> {
    const [id] = await this.db<OperationListRow>('operation_lists').insert({
      agency_code: list.agencyCode,
      application: list.application,
      version: list.version,
      format: list.format,
      operation_count: operations.length,
      change_id: list.changeId,
      created_at: list.createdAt,
    });
    const rows: RegisteredOperationRow[] = operations.map((operation) => ({
      list_id: Number(id),
      operation_id: operation.id,
      name: operation.name,
      type: operation.type,
      body: operation.body,
    }));
    for (let start = 0; start < rows.length; start += INSERT_BATCH) await this.db('registered_operations').insert(rows.slice(start, start + INSERT_BATCH));
  }

  /** Given an agency code, returns its mode: off when none was set. */
  async modeOf(agencyCode: string): Promise<OperationMode> {
    const row = await this.db<AgencyOperationModeRow>('agency_operation_modes').where('agency_code', agencyCode).first();
    return (row?.mode as OperationMode | undefined) ?? 'off';
  }

  /** Given an agency code and a mode, sets it. */
  async setMode(agencyCode: string, mode: OperationMode, now: string): Promise<void> {
    const updated = await this.db<AgencyOperationModeRow>('agency_operation_modes').where('agency_code', agencyCode).update({ mode, updated_at: now });
    if (updated === 0) await this.db<AgencyOperationModeRow>('agency_operation_modes').insert({ agency_code: agencyCode, mode, updated_at: now });
  }
}

import type { Knex } from 'knex';
import type { AgencyQuotaRow } from '../../db/gatewayRows';
import type { QuotaSetting } from '../quotas/quotaTypes';

const nullableNumber = (value: number | string | null): number | null => (value === null ? null : Number(value));

const toSetting = (row: AgencyQuotaRow): QuotaSetting => ({
  agencyCode: row.agency_code,
  credentialId: row.credential_id === '' ? null : row.credential_id,
  requestsPerMinute: nullableNumber(row.requests_per_minute),
  costPerMinute: nullableNumber(row.cost_per_minute),
  updatedAt: row.updated_at,
});

/** The quotas' queries on the gateway database: the only module that holds their SQL. */
export class QuotaRepository {
  constructor(private readonly db: Knex) {}

  /** Given an agency code or null for every agency, returns the settings, by agency and then credential. */
  async settings(agencyCode: string | null = null): Promise<QuotaSetting[]> {
    const query = this.db<AgencyQuotaRow>('agency_quotas').orderBy([{ column: 'agency_code' }, { column: 'credential_id' }]);
    if (agencyCode !== null) query.where('agency_code', agencyCode);
    return (await query).map(toSetting);
  }

  async setting(agencyCode: string, credentialId: string | null): Promise<QuotaSetting | null> {
    const row = await this.db<AgencyQuotaRow>('agency_quotas')
      .where({ agency_code: agencyCode, credential_id: credentialId ?? '' })
      .first();
    return row ? toSetting(row) : null;
  }

  /** Given a setting, stores it in place of the one for the same agency and credential, if any. */
  async put(setting: QuotaSetting): Promise<void> {
    await this.db<AgencyQuotaRow>('agency_quotas')
      .insert({
        agency_code: setting.agencyCode,
        credential_id: setting.credentialId ?? '',
        requests_per_minute: setting.requestsPerMinute,
        cost_per_minute: setting.costPerMinute,
        updated_at: setting.updatedAt,
      })
      .onConflict(['agency_code', 'credential_id'])
      .merge(['requests_per_minute', 'cost_per_minute', 'updated_at']);
  }

  async remove(agencyCode: string, credentialId: string | null): Promise<void> {
    await this.db<AgencyQuotaRow>('agency_quotas')
      .where({ agency_code: agencyCode, credential_id: credentialId ?? '' })
      .delete();
  }
}

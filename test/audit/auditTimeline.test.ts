import { AuditTrail } from '../../gateway/audit/auditTrail';
import { bucketStart, bucketStarts, timelinePeriod } from '../../gateway/audit/timeline';
import { roleFor } from '../../gateway/console/permissions';
import type { AuditFixture } from './auditHelpers';
import { HOSPITAL, LAND_OFFICE, auditInput, createAuditFixture, decided } from './auditHelpers';

const NOW = new Date('2026-03-10T12:00:00.000Z');

describe('the audit trail counted over time', () => {
  let fixture: AuditFixture;
  let trail: AuditTrail;
  const statements: string[] = [];

  beforeAll(async () => {
    fixture = await createAuditFixture();
    const log = await fixture.startLog('gw-timeline');
    const append = (at: string, overrides: Parameters<typeof auditInput>[0] = {}) => log.append(auditInput({ at: new Date(at), citizenIds: [], ...overrides }));
    // 23:30 and 00:30 in Viet Nam: two days there, one day in UTC.
    await append('2026-03-01T16:30:00.000Z');
    await append('2026-03-01T17:30:00.000Z');
    await append('2026-03-01T17:45:00.000Z', { agency: HOSPITAL, purpose: 'MEDICAL_TREATMENT' });
    await append('2026-03-01T17:50:00.000Z', { outcome: 'DENIED', errorCode: 'FORBIDDEN', fields: [decided('Citizen.ethnicity', 'DENY')] });
    await append('2026-03-02T09:10:00.000Z', { agency: HOSPITAL, purpose: 'MEDICAL_TREATMENT', outcome: 'FILTERED' });
    // Outside every period below but the default one.
    await append('2026-03-09T09:00:00.000Z');
    await log.stop();
    trail = new AuditTrail({ repository: fixture.repository, deferredAgencies: [], deferralDays: 0, now: () => NOW });
    fixture.db.on('query', (query: { sql: string }) => statements.push(query.sql));
  });

  afterAll(async () => {
    await fixture?.destroy();
  });

  it("counts by day of Viet Nam's calendar for a period over 2 days, per agency, the denied apart, with every day on the axis", async () => {
    const timeline = await trail.countsOverTime({ from: '2026-03-01', to: '2026-03-04' });
    expect(timeline).toMatchObject({ bucket: 'DAY', from: '2026-03-01T00:00:00.000Z', to: '2026-03-04T00:00:00.000Z', truncated: false });
    expect(timeline.buckets).toEqual(['2026-02-28T17:00:00.000Z', '2026-03-01T17:00:00.000Z', '2026-03-02T17:00:00.000Z', '2026-03-03T17:00:00.000Z']);
    expect(timeline.points).toEqual([
      { start: '2026-02-28T17:00:00.000Z', agencyCode: LAND_OFFICE.code, requests: 1, denied: 0 },
      { start: '2026-03-01T17:00:00.000Z', agencyCode: HOSPITAL.code, requests: 2, denied: 1 },
      { start: '2026-03-01T17:00:00.000Z', agencyCode: LAND_OFFICE.code, requests: 2, denied: 1 },
    ]);
  });

  it('counts by hour for a period of up to 2 days, and narrows by the same filter as the search', async () => {
    const timeline = await trail.countsOverTime({ from: '2026-03-01T16:00:00.000Z', to: '2026-03-02T16:00:00.000Z', agencyCode: LAND_OFFICE.code });
    expect(timeline.bucket).toBe('HOUR');
    expect(timeline.buckets).toHaveLength(24);
    expect(timeline.points).toEqual([
      { start: '2026-03-01T16:00:00.000Z', agencyCode: LAND_OFFICE.code, requests: 1, denied: 0 },
      { start: '2026-03-01T17:00:00.000Z', agencyCode: LAND_OFFICE.code, requests: 2, denied: 1 },
    ]);
    const denied = await trail.countsOverTime({ from: '2026-03-01T16:00:00.000Z', to: '2026-03-02T16:00:00.000Z', deniedOnly: true });
    expect(denied.points.map((point) => [point.start, point.agencyCode, point.requests])).toEqual([
      ['2026-03-01T17:00:00.000Z', LAND_OFFICE.code, 1],
      ['2026-03-02T09:00:00.000Z', HOSPITAL.code, 1],
    ]);
  });

  it('reads the last 30 days when no period is named, in one grouped statement whatever the number of records', async () => {
    statements.length = 0;
    const timeline = await trail.countsOverTime({});
    expect(timeline).toMatchObject({ bucket: 'DAY', from: '2026-02-08T12:00:00.000Z', to: NOW.toISOString() });
    expect(timeline.buckets).toHaveLength(31);
    expect(timeline.points.reduce((sum, point) => sum + point.requests, 0)).toBe(6);
    expect(statements.filter((sql) => /group by/i.test(sql) && /audit_records/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /audit_records/.test(sql) && !/group by/i.test(sql) && /select/i.test(sql) && /r\.\*/.test(sql))).toEqual([]);
  });

  it('refuses a period over 400 days, an empty one and a malformed one with BAD_USER_INPUT', async () => {
    await expect(trail.countsOverTime({ from: '2025-01-01', to: '2026-03-01' })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    await expect(trail.countsOverTime({ from: '2026-03-02', to: '2026-03-01' })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    await expect(trail.countsOverTime({ from: 'hôm qua' })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(() => timelinePeriod(null, '2026-03-01T00:00:00.000Z', NOW)).not.toThrow();
  });

  it('starts a day at midnight in Viet Nam and an hour on the hour, and lists each bucket a period touches', () => {
    expect(new Date(bucketStart(Date.parse('2026-03-01T16:59:59.999Z'), 'DAY')).toISOString()).toBe('2026-02-28T17:00:00.000Z');
    expect(new Date(bucketStart(Date.parse('2026-03-01T17:00:00.000Z'), 'DAY')).toISOString()).toBe('2026-03-01T17:00:00.000Z');
    expect(new Date(bucketStart(Date.parse('2026-03-01T17:42:10.000Z'), 'HOUR')).toISOString()).toBe('2026-03-01T17:00:00.000Z');
    expect(bucketStarts('2026-03-01T17:30:00.000Z', '2026-03-01T19:00:00.000Z', 'HOUR')).toEqual(['2026-03-01T17:00:00.000Z', '2026-03-01T18:00:00.000Z']);
  });

  it('is for auditors only, as the rest of the audit trail', () => {
    for (const coordinate of ['Query.auditCountsOverTime', 'Query.auditVerification']) {
      expect(roleFor({ roles: ['AUDITOR'] }, coordinate)).toBe('AUDITOR');
      for (const role of ['POLICY_STEWARD', 'KEY_OFFICER', 'ADMINISTRATOR'] as const) expect(roleFor({ roles: [role] }, coordinate)).toBeNull();
    }
  });
});

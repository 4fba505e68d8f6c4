import { CITIZEN_ID_PROBE } from '../../gateway/audit/citizenProbe';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, startSeededPlatform } from '../helpers/platform';

describe('auditPlugin, after the policy plugin', () => {
  let seeded: SeededPlatform;
  let nationalId: string;

  beforeAll(async () => {
    seeded = await startSeededPlatform(30, { policyMode: 'filter' });
    nationalId = (await seeded.databases.databases.population('citizens').orderBy('national_id').first()).national_id as string;
  });

  afterAll(async () => {
    await seeded?.stop();
  });

  /** Returns the records written since the given seq, once the database holds them. */
  async function recordsAfter(seq: number) {
    await seeded.platform.auditLog.indexed();
    return seeded.databases.databases.gateway('audit_records').where('instance', seeded.platform.auditLog.instance).where('seq', '>', seq).orderBy('seq');
  }

  it('probes the document the policy filtered: the citizen is recorded though the caller did not select its ID, and the answer carries no probe', async () => {
    const before = seeded.platform.auditLog.chainHead().seq;
    const query = 'query Mixed($id: ID!) { citizen(nationalId: $id) { fullName landParcels { parcelNumber } } }';
    const response = await postGraphQL(
      seeded.platform.gateway.url,
      query,
      { id: nationalId },
      asAgency(seeded.demoKeys.get('H56.15.01')!, 'MEDICAL_TREATMENT'),
    );
    // Filter mode: the parcels are refused in place, the name answered.
    expect(response.data?.citizen).toEqual({ fullName: expect.any(String), landParcels: null });
    expect(errorCodes(response)).toContain('FORBIDDEN');
    expect(JSON.stringify(response)).not.toContain(CITIZEN_ID_PROBE);
    const [record, ...others] = await recordsAfter(before);
    expect(others).toEqual([]);
    expect(record).toMatchObject({ outcome: 'FILTERED', agency_code: 'H56.15.01' });
    expect(JSON.parse(record.citizen_ids_json)).toEqual([nationalId]);
  });

  it('records introspection alone, with no data subjects, and every other operation once', async () => {
    const before = seeded.platform.auditLog.chainHead().seq;
    const introspection = await postGraphQL(seeded.platform.gateway.url, '{ __schema { queryType { name } } }');
    expect(introspection.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    // Personal data is answered once its record is durable, after any record appended before it.
    const personal = await postGraphQL(
      seeded.platform.gateway.url,
      'query Name($id: ID!) { citizen(nationalId: $id) { fullName } }',
      { id: nationalId },
      asAgency(seeded.demoKeys.get('H56.01')!, 'INVESTIGATION'),
    );
    expect(personal.errors).toBeUndefined();
    const records = await recordsAfter(before);
    expect(records.map((record) => record.operation_name)).toEqual([null, 'Name']);
    expect(JSON.parse(records[0].citizen_ids_json)).toEqual([]);
  });
});

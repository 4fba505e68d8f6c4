import { Authenticator } from '../../gateway/store/authenticator';
import { errorCodes } from '../helpers/graphql';
import type { Steward, SharingWorld } from './sharingPlatform';
import { startSharingWorld } from './sharingPlatform';

const DEACTIVATE = 'mutation ($code: String!) { deactivateAgency(code: $code) { code active deactivatedAt } }';
const REACTIVATE = 'mutation ($code: String!) { reactivateAgency(code: $code) { code active } }';

describe('deactivated agencies', () => {
  let world: SharingWorld;
  let steward: Steward;

  beforeAll(async () => {
    world = await startSharingWorld();
    steward = await world.steward(['POLICY_STEWARD']);
  }, 120_000);

  afterAll(async () => {
    await world?.stop();
  });

  it('refuses every API key of a deactivated agency at once with 401 AGENCY_DEACTIVATED, drops its grants, and keeps its history', async () => {
    const landKey = world.seeded.demoKeys.get('H56.20')!;
    const query = '{ citizen(nationalId: "' + world.nationalId + '") { fullName } }';
    expect(errorCodes(await world.graphql(landKey, 'LAND_REGISTRATION', query))).toEqual([]);
    const other = await world.steward(['KEY_OFFICER']);
    expect(errorCodes(await world.admin(other, DEACTIVATE, { code: 'H56.20' }))).toEqual(['FORBIDDEN']);
    const deactivated = await world.admin(steward, DEACTIVATE, { code: 'H56.20' });
    expect(deactivated.data?.deactivateAgency).toMatchObject({ code: 'H56.20', active: false });
    expect(errorCodes(await world.admin(steward, DEACTIVATE, { code: 'H56.20' }))).toEqual(['CONFLICT']);
    // No wait for a poll: the change reloads this gateway's policy.
    const refused = await world.graphql(landKey, 'LAND_REGISTRATION', query);
    expect({ status: refused.status, codes: errorCodes(refused) }).toEqual({ status: 401, codes: ['AGENCY_DEACTIVATED'] });
    // A key made after the deactivation does not work either.
    const officer = await world.steward(['KEY_OFFICER']);
    const made = await world.admin(officer, 'mutation { createApiKey(agencyCode: "H56.20") { key } }');
    const fresh = made.data!.createApiKey.key as string;
    expect(errorCodes(await world.graphql(fresh, 'LAND_REGISTRATION', query))).toEqual(['AGENCY_DEACTIVATED']);
    // Its grants no longer apply: the decision stewards are shown denies the field.
    const explained = await world.admin(steward, 'query ($q: String!) { explain(agencyCode: "H56.20", purpose: "LAND_REGISTRATION", query: $q) { allowed } }', {
      q: query,
    });
    expect(explained.data?.explain).toEqual({ allowed: false });
    expect((await world.admin(steward, '{ grants(agencyCode: "H56.20") { id } }')).data?.grants.length).toBeGreaterThan(0);

    expect((await world.admin(steward, REACTIVATE, { code: 'H56.20' })).data?.reactivateAgency).toEqual({ code: 'H56.20', active: true });
    expect(errorCodes(await world.graphql(landKey, 'LAND_REGISTRATION', query))).toEqual([]);
    const history = await world.admin(steward, '{ policyChanges(entityType: "AGENCY", entityId: "H56.20", limit: 2) { action actorRole } }');
    expect(history.data?.policyChanges).toEqual([
      { action: 'REACTIVATE_AGENCY', actorRole: 'POLICY_STEWARD' },
      { action: 'DEACTIVATE_AGENCY', actorRole: 'POLICY_STEWARD' },
    ]);
  });

  it("refuses a deactivated steward agency's key on /admin, and its sharing requests", async () => {
    const stewardKey = world.seeded.demoKeys.get('H56.10')!;
    expect(errorCodes(await world.adminWithKey(stewardKey, '{ policyVersion }'))).toEqual([]);
    await world.admin(steward, DEACTIVATE, { code: 'H56.10' });
    const refused = await world.adminWithKey(stewardKey, '{ policyVersion }');
    expect({ status: refused.status, codes: errorCodes(refused) }).toEqual({ status: 401, codes: ['AGENCY_DEACTIVATED'] });
    await world.admin(steward, REACTIVATE, { code: 'H56.10' });

    const hospitalKey = world.seeded.demoKeys.get('H56.15.01')!;
    await world.admin(steward, DEACTIVATE, { code: 'H56.15.01' });
    const filing = await world.graphql(
      hospitalKey,
      null,
      'mutation { fileSharingRequest(input: { fields: ["LandParcel.areaSquareMeters"], purposes: ["MEDICAL_TREATMENT"], legalBasis: "47/2020/NĐ-CP", procedure: "Khám bệnh" }) { id } }',
    );
    expect(errorCodes(filing)).toEqual(['AGENCY_DEACTIVATED']);
    await world.admin(steward, REACTIVATE, { code: 'H56.15.01' });
  });

  it('refuses an agency token (JWT) of a deactivated agency with the same code', async () => {
    const authenticator = new Authenticator({
      jwt: null,
      tokenVerifier: { verify: () => Promise.resolve({ agencyCode: 'H56.20', subject: 'canbo', tokenId: 'jti-1' }) },
    });
    const snapshot = await world.refresh();
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjYW5ibyJ9.c2ln';
    expect(await authenticator.authenticate(`Bearer ${token}`, snapshot as never)).toMatchObject({ kind: 'AGENCY' });
    await world.admin(steward, DEACTIVATE, { code: 'H56.20' });
    const after = await authenticator.authenticate(`Bearer ${token}`, (await world.refresh()) as never);
    expect(after).toMatchObject({ extensions: { code: 'AGENCY_DEACTIVATED', http: { status: 401 } } });
    await world.admin(steward, REACTIVATE, { code: 'H56.20' });
  });
});

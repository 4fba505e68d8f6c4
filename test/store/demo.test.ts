import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deriveApiKey } from '../../gateway/store/apiKeys';
import { DEMO_CREDENTIALS_FILE, DEMO_KEY_SECRET, seedDemoAgencies } from '../../gateway/store/demo';
import { describeTarget } from '../../gateway/store/stewardship';
import type { TestStore } from './storeHelpers';
import { createTestStore } from './storeHelpers';

describe('seedDemoAgencies', () => {
  let store: TestStore;
  let directory: string;

  beforeAll(async () => {
    store = await createTestStore();
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-demo-'));
  });

  afterAll(async () => {
    await store?.destroy();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('refuses in production and writes nothing', async () => {
    await expect(seedDemoAgencies(store.stewardship, { dataDirectory: directory, production: true })).rejects.toThrow(/never seeded in production/);
    expect(await store.stewardship.version()).toBe(0);
    expect(fs.existsSync(path.join(directory, DEMO_CREDENTIALS_FILE))).toBe(false);
  });

  it('registers the demo agencies, grants and derived keys, and writes the keys to the data directory', async () => {
    const credentials = await seedDemoAgencies(store.stewardship, { dataDirectory: directory, production: false });
    expect((await store.stewardship.listAgencies()).map((agency) => [agency.code, agency.sector, agency.steward, agency.unitCodes])).toEqual([
      ['H56.01', 'population', false, []],
      ['H56.10', null, true, []],
      ['H56.15.01', 'health', false, []],
      ['H56.20', 'land', false, []],
      ['H56.99.40778', null, false, ['40778']],
    ]);
    const grants = await store.stewardship.listGrants();
    const summary = (code: string) => grants.filter((grant) => grant.agencyCode === code).map((grant) => [describeTarget(grant.target), grant.purposes, grant.scopeUnitCodes, grant.masks]);
    expect(summary('H56.10')).toEqual([]);
    expect(summary('H56.20')).toEqual([
      [
        'CLASSIFICATION SHARED/BASIC',
        ['LAND_REGISTRATION'],
        null,
        [
          { coordinate: 'Citizen.dateOfBirth', mask: 'YEAR_ONLY' },
          { coordinate: 'Citizen.nationalId', mask: 'PARTIAL_ID' },
        ],
      ],
    ]);
    expect(summary('H56.15.01').map(([target, purposes]) => [target, purposes])).toEqual(
      ['Query.citizen', 'Citizen.nationalId', 'Citizen.fullName', 'Citizen.dateOfBirth', 'Citizen.sex', 'Citizen.currentResidence', 'Residence.addressLine', 'Residence.unit'].map(
        (coordinate) => [`FIELD ${coordinate}`, ['MEDICAL_TREATMENT', 'HEALTH_INSURANCE']],
      ),
    );
    expect(summary('H56.99.40778').map(([target, purposes, scope]) => [target, purposes, scope])).toEqual(
      [
        ...['Query.citizen', 'Query.citizensByCommune', 'Query.household', 'Query.landParcel', 'Query.landParcelsByCommune'].map((field) => `FIELD ${field}`),
        ...['Citizen', 'Residence', 'Household', 'HouseholdMembership', 'LandParcel', 'LandOwnership', 'HealthInsuranceCard', 'Enrollment'].map((type) => `TYPE ${type}`),
      ].map((target) => [target, ['PUBLIC_SERVICE'], ['40778']]),
    );
    expect(grants.every((grant) => grant.legalBasis.length > 0 && grant.status === 'ACTIVE')).toBe(true);

    expect(credentials.map((credential) => credential.apiKey)).toEqual(credentials.map((credential) => deriveApiKey(DEMO_KEY_SECRET, credential.agencyCode).key));
    const written = JSON.parse(fs.readFileSync(path.join(directory, DEMO_CREDENTIALS_FILE), 'utf8'));
    expect(written.credentials).toEqual(credentials);
    const snapshot = await store.repository.loadSnapshot();
    for (const credential of credentials) {
      expect(await store.authenticator.authenticate(`Bearer ${credential.apiKey}`, snapshot)).toMatchObject({ kind: 'AGENCY', agency: { code: credential.agencyCode } });
    }
  });

  it('adds nothing when run again, and gives the same keys', async () => {
    const version = await store.stewardship.version();
    const first = JSON.parse(fs.readFileSync(path.join(directory, DEMO_CREDENTIALS_FILE), 'utf8'));
    const again = await seedDemoAgencies(store.stewardship, { dataDirectory: directory, production: false });
    expect(await store.stewardship.version()).toBe(version);
    expect(again).toEqual(first.credentials);
  });

  it('leaves a demo key a steward revoked revoked', async () => {
    const [police] = (await store.stewardship.listApiKeys('H56.01')) ?? [];
    await store.stewardship.revokeApiKey({ kind: 'CLI', osUser: 'tester' }, police!.id);
    const again = await seedDemoAgencies(store.stewardship, { dataDirectory: directory, production: false });
    expect(again.find((credential) => credential.agencyCode === 'H56.01')?.status).toBe('REVOKED');
    expect(await store.stewardship.listApiKeys('H56.01')).toHaveLength(1);
  });

  it('explains the land office\'s masked access as the design describes', async () => {
    const decision = await store.stewardship.explain({
      agencyCode: 'H56.20',
      purpose: 'LAND_REGISTRATION',
      query: '{ citizen(nationalId: "038085001234") { nationalId fullName dateOfBirth } }',
    });
    expect(decision.allowed).toBe(true);
    expect(decision.fields.map((field) => [field.coordinate, field.effect, field.mask])).toEqual([
      ['Citizen.dateOfBirth', 'MASK', 'YEAR_ONLY'],
      ['Citizen.fullName', 'ALLOW', null],
      ['Citizen.nationalId', 'MASK', 'PARTIAL_ID'],
      ['Query.citizen', 'ALLOW', null],
    ]);
  });
});

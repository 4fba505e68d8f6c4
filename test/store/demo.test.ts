import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCatalog } from '../../gateway/policy/catalog';
import { decide } from '../../gateway/policy/decide';
import { PURPOSES } from '../../gateway/policy/types';
import type { PolicySnapshot, Purpose } from '../../gateway/policy/types';
import { deriveApiKey } from '../../gateway/store/apiKeys';
import { DEMO_CREDENTIALS_FILE, DEMO_KEY_SECRET, seedDemoAgencies } from '../../gateway/store/demo';
import { describeTarget } from '../../gateway/store/stewardship';
import type { TestStore } from './storeHelpers';
import { createTestStore } from './storeHelpers';
import { SUPERGRAPH_PATH } from '../../schema/load';

describe('seedDemoAgencies', () => {
  let store: TestStore;
  let directory: string;

  beforeAll(async () => {
    store = await createTestStore({}, { units: false });
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
    const summary = (code: string) =>
      grants.filter((grant) => grant.agencyCode === code).map((grant) => [describeTarget(grant.target), grant.purposes, grant.scopeUnitCodes, grant.masks]);
    expect(summary('H56.10')).toEqual([]);
    expect(summary('H56.01').map(([target, purposes]) => [target, purposes])).toEqual([
      ['CLASSIFICATION SHARED/BASIC in sector land', ['INVESTIGATION']],
      ['CLASSIFICATION SHARED/NONE in sector land', ['INVESTIGATION']],
    ]);
    expect(summary('H56.20')).toEqual([
      [
        'CLASSIFICATION SHARED/BASIC in sector population on types Citizen, Residence',
        ['LAND_REGISTRATION'],
        null,
        [
          { coordinate: 'Citizen.dateOfBirth', mask: 'YEAR_ONLY' },
          { coordinate: 'Citizen.nationalId', mask: 'PARTIAL_ID' },
        ],
      ],
      ['FIELD Query.citizen', ['LAND_REGISTRATION'], null, []],
    ]);
    expect(summary('H56.15.01').map(([target, purposes]) => [target, purposes])).toEqual(
      [
        'Query.citizen',
        'Citizen.nationalId',
        'Citizen.fullName',
        'Citizen.dateOfBirth',
        'Citizen.sex',
        'Citizen.currentResidence',
        'Residence.addressLine',
        'Residence.unit',
      ].map((coordinate) => [`FIELD ${coordinate}`, ['MEDICAL_TREATMENT', 'HEALTH_INSURANCE']]),
    );
    expect(summary('H56.99.40778').map(([target, purposes, scope]) => [target, purposes, scope])).toEqual([
      [
        'CLASSIFICATION SHARED/BASIC in sector population on types Citizen, Household, HouseholdMembership, Residence',
        ['PUBLIC_SERVICE', 'SOCIAL_SUPPORT'],
        ['40778'],
      ],
      ...['Query.citizen', 'Query.citizensByCommune', 'Query.household'].map((field) => [`FIELD ${field}`, ['PUBLIC_SERVICE', 'SOCIAL_SUPPORT'], ['40778']]),
      ['CLASSIFICATION SHARED/NONE in sector land', ['PUBLIC_SERVICE'], ['40778']],
      ['CLASSIFICATION SHARED/BASIC in sector land', ['PUBLIC_SERVICE'], ['40778']],
      ['FIELD Citizen.healthInsurance', ['SOCIAL_SUPPORT'], ['40778']],
      ['TYPE HealthInsuranceCard', ['SOCIAL_SUPPORT'], ['40778']],
    ]);
    expect(grants.every((grant) => grant.legalBasis.length > 0 && grant.status === 'ACTIVE')).toBe(true);

    expect(credentials.map((credential) => credential.apiKey)).toEqual(
      credentials.map((credential) => deriveApiKey(DEMO_KEY_SECRET, credential.agencyCode).key),
    );
    const written = JSON.parse(fs.readFileSync(path.join(directory, DEMO_CREDENTIALS_FILE), 'utf8'));
    expect(written.credentials).toEqual(credentials);
    const snapshot = await store.repository.loadSnapshot();
    for (const credential of credentials) {
      expect(await store.authenticator.authenticate(`Bearer ${credential.apiKey}`, snapshot)).toMatchObject({
        kind: 'AGENCY',
        agency: { code: credential.agencyCode },
      });
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

  it("explains the land office's masked access as the design describes", async () => {
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

  it("revokes the grants an older demo seeded that this one no longer gives, and leaves a steward's own grants alone", async () => {
    const older = await store.stewardship.createGrant(
      { kind: 'SYSTEM', task: 'demo-seed' },
      {
        agencyCode: 'H56.20',
        target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC' },
        purposes: ['LAND_REGISTRATION'],
        legalBasis: 'Luật Đất đai 2024',
        legalInstruments: ['31/2024/QH15'],
      },
    );
    const stewards = await store.stewardship.createGrant(
      { kind: 'CLI', osUser: 'tester' },
      {
        agencyCode: 'H56.15.01',
        target: { kind: 'FIELD', coordinate: 'Citizen.nationality' },
        purposes: ['MEDICAL_TREATMENT'],
        legalBasis: 'Luật Khám bệnh, chữa bệnh 2023',
        legalInstruments: ['15/2023/QH15'],
      },
    );
    await seedDemoAgencies(store.stewardship, { dataDirectory: directory, production: false });
    expect((await store.stewardship.grant(older.id))!.status).toBe('REVOKED');
    expect((await store.stewardship.grant(stewards.id))!.status).toBe('ACTIVE');
    const version = await store.stewardship.version();
    await seedDemoAgencies(store.stewardship, { dataDirectory: directory, production: false });
    expect(await store.stewardship.version()).toBe(version);
  });
});

describe('the demo grants: each agency reads what its procedures need, and no more', () => {
  const catalog = buildCatalog(fs.readFileSync(SUPERGRAPH_PATH, 'utf8'));
  const coordinates = [...catalog.fields.keys()];
  let store: TestStore;
  let directory: string;
  let snapshot: PolicySnapshot;

  /** Given an agency code and a purpose, returns the fields of other sectors, not open, that it reads for that purpose. */
  const readsElsewhere = (code: string, purpose: Purpose): string[] => {
    const agency = snapshot.agencies.get(code)!;
    const decision = decide({
      principal: { kind: 'AGENCY', agency, credentialId: 'demo', userId: null },
      purpose,
      fields: coordinates,
      snapshot,
      catalog,
      now: new Date(),
    });
    return decision.fields
      .filter((field) => field.effect !== 'DENY' && field.rule === 'GRANT')
      .map((field) => field.coordinate)
      .sort();
  };
  const everyPurpose = (code: string) => [...new Set(PURPOSES.flatMap((purpose) => readsElsewhere(code, purpose)))].sort();
  const sectorOf = (coordinate: string) => catalog.fields.get(coordinate)!.owner;

  beforeAll(async () => {
    store = await createTestStore({}, { units: false });
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-demo-'));
    await seedDemoAgencies(store.stewardship, { dataDirectory: directory, production: false });
    snapshot = await store.repository.loadSnapshot();
  });

  afterAll(async () => {
    await store?.destroy();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it("the land office reads owners' identity and residence for land registration, never health or education data", () => {
    expect(everyPurpose('H56.20')).toEqual(readsElsewhere('H56.20', 'LAND_REGISTRATION'));
    expect(readsElsewhere('H56.20', 'LAND_REGISTRATION')).toEqual([
      'Citizen.currentResidence',
      'Citizen.dateOfBirth',
      'Citizen.dateOfDeath',
      'Citizen.fullName',
      'Citizen.householdMembership',
      'Citizen.nationalId',
      'Citizen.nationality',
      'Citizen.permanentResidence',
      'Citizen.sex',
      'Citizen.status',
      'Query.citizen',
      'Residence.addressLine',
      'Residence.unit',
    ]);
    for (const coordinate of ['Citizen.healthInsurance', 'Citizen.diplomas', 'Citizen.enrollments', 'Query.healthInsuranceCard', 'Query.diploma']) {
      expect(everyPurpose('H56.20')).not.toContain(coordinate);
    }
  });

  it("the hospital reads a patient's identity, never land or education data", () => {
    expect(everyPurpose('H56.15.01')).toEqual([
      'Citizen.currentResidence',
      'Citizen.dateOfBirth',
      'Citizen.fullName',
      'Citizen.nationalId',
      'Citizen.sex',
      'Query.citizen',
      'Residence.addressLine',
      'Residence.unit',
    ]);
    expect(everyPurpose('H56.15.01')).not.toContain('Citizen.landParcels');
  });

  it('the police read the land register for investigations, never health or education data', () => {
    expect(new Set(everyPurpose('H56.01').map(sectorOf))).toEqual(new Set(['land']));
    expect(everyPurpose('H56.01')).toEqual(readsElsewhere('H56.01', 'INVESTIGATION'));
    expect(everyPurpose('H56.01')).toEqual(expect.arrayContaining(['Citizen.landParcels', 'LandOwnership.owner', 'Query.landParcel']));
  });

  it('the ward office reads residents and parcels for public services, health-insurance cards for social support only, never education data', () => {
    const publicService = readsElsewhere('H56.99.40778', 'PUBLIC_SERVICE');
    expect(new Set(publicService.map(sectorOf))).toEqual(new Set(['population', 'land']));
    expect(publicService).not.toContain('Query.citizensByNamePrefix');
    const socialSupport = readsElsewhere('H56.99.40778', 'SOCIAL_SUPPORT');
    expect(socialSupport.filter((coordinate) => sectorOf(coordinate) === 'health')).toEqual(
      expect.arrayContaining(['Citizen.healthInsurance', 'HealthInsuranceCard.benefitLevel']),
    );
    expect(socialSupport.filter((coordinate) => sectorOf(coordinate) === 'land')).toEqual([]);
    expect(everyPurpose('H56.99.40778').filter((coordinate) => sectorOf(coordinate) === 'education')).toEqual([]);
  });

  it("no demo agency reads another sector's data for STATISTICS, and the steward reads none at all", () => {
    for (const code of ['H56.01', 'H56.20', 'H56.15.01', 'H56.99.40778']) expect(readsElsewhere(code, 'STATISTICS')).toEqual([]);
    expect(everyPurpose('H56.10')).toEqual([]);
  });
});

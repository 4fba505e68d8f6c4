import fs from 'node:fs';
import path from 'node:path';
import { getConfig } from '../../common/config';
import { administrativeUnitRows } from '../../db/seed/units';
import { deriveApiKey } from './apiKeys';
import type { Grant, GrantTarget } from '../policy/types';
import { actorColumns, describeTarget } from './stewardship';
import type { AgencyInput, CredentialStatus, GrantInput, Stewardship, UnitInput } from './stewardship';
import type { Actor } from './types';

/**
 * The fixed secret the demo keys are derived from. It is public (it is in this file), so the keys are
 * public too: demo data only, which is why seeding refuses to run in production.
 */
export const DEMO_KEY_SECRET = 'thanh-hoa-data-sharing-demo: public, never for production';

/** The ward the demo commune agency serves: phường Hạc Thành. */
export const DEMO_COMMUNE_CODE = '40778';

/** The file, in the data directory, where the demo keys are written for a person to try them. */
export const DEMO_CREDENTIALS_FILE = 'demo-credentials.json';

const DEMO_ACTOR: Actor = { kind: 'SYSTEM', task: 'demo-seed' };

/** What a hospital needs to admit a patient: who they are and where they live, looked up by national ID. */
const HOSPITAL_FIELDS = [
  'Query.citizen',
  'Citizen.nationalId',
  'Citizen.fullName',
  'Citizen.dateOfBirth',
  'Citizen.sex',
  'Citizen.currentResidence',
  'Residence.addressLine',
  'Residence.unit',
];

const DECREE_47 = 'Nghị định 47/2020/NĐ-CP sửa đổi bởi Nghị định 194/2025/NĐ-CP';
/** Decree 47/2020 on sharing between state agencies and the decree that amended it, by their numbers in the legal register. */
const DECREE_47_INSTRUMENTS = ['47/2020/NĐ-CP', '194/2025/NĐ-CP'];
const LAND_LAW = { legalBasis: 'Luật Đất đai 2024; Nghị định 101/2024/NĐ-CP', legalInstruments: ['31/2024/QH15', '101/2024/NĐ-CP'] };
/**
 * The hospital's grants were made in 2025 on Decree 13/2023, which Law 91/2025 and Decree 356/2025 replaced
 * from 1 January 2026: the demo shows how such grants are listed for review.
 */
const HOSPITAL_BASIS = {
  legalBasis: 'Luật Khám bệnh, chữa bệnh 2023; Nghị định 13/2023/NĐ-CP',
  legalInstruments: ['15/2023/QH15', '13/2023/NĐ-CP'],
  validFrom: '2025-03-01',
};

type DemoGrant = Omit<GrantInput, 'agencyCode' | 'target'> & { target: GrantTarget };

/**
 * A ward's one-stop office (PUBLIC_SERVICE): residents, their residence and households, and the ward's land
 * parcels with their owners, to confirm them; for SOCIAL_SUPPORT, residents and their health-insurance cards
 * (the ward lists the households whose cards the state pays). Its own ward's rows only; no school, diploma
 * or health record.
 */
function communeGrants(communeCode: string): DemoGrant[] {
  const scoped = { legalBasis: DECREE_47, legalInstruments: DECREE_47_INSTRUMENTS, scopeUnitCodes: [communeCode] };
  const residents = { ...scoped, purposes: ['PUBLIC_SERVICE', 'SOCIAL_SUPPORT'] };
  const parcels = { ...scoped, purposes: ['PUBLIC_SERVICE'] };
  const cards = {
    ...scoped,
    purposes: ['SOCIAL_SUPPORT'],
    legalBasis: `Luật Bảo hiểm y tế 2008 sửa đổi 2024; ${DECREE_47}`,
    legalInstruments: ['25/2008/QH12', '51/2024/QH15', ...DECREE_47_INSTRUMENTS],
  };
  return [
    {
      ...residents,
      target: {
        kind: 'CLASSIFICATION',
        sharing: 'SHARED',
        personal: 'BASIC',
        sector: 'population',
        typeNames: ['Citizen', 'Household', 'HouseholdMembership', 'Residence'],
      },
    },
    ...['Query.citizen', 'Query.citizensByCommune', 'Query.household'].map((coordinate): DemoGrant => ({
      ...residents,
      target: { kind: 'FIELD', coordinate },
    })),
    { ...parcels, target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'NONE', sector: 'land' } },
    { ...parcels, target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', sector: 'land' } },
    { ...cards, target: { kind: 'FIELD', coordinate: 'Citizen.healthInsurance' } },
    { ...cards, target: { kind: 'TYPE', typeName: 'HealthInsuranceCard' } },
  ];
}

export interface DemoAgency {
  agency: AgencyInput;
  grants: DemoGrant[];
}

/**
 * The agencies and grants of the demo, each agency with what its procedures need and no more: the police
 * (which owns population) the land register's parcels and owners for investigations; the land office the
 * owners' identity and residence for land registration, masked; the hospital the identity of a patient
 * looked up by national ID; the ward office its own residents, households and parcels, and their
 * health-insurance cards for social support. No demo agency reads another sector's data for STATISTICS.
 */
export const DEMO_AGENCIES: readonly DemoAgency[] = [
  { agency: { code: 'H56.10', name: 'Trung tâm Dữ liệu tỉnh Thanh Hóa', sector: null, unitCodes: [], steward: true }, grants: [] },
  {
    agency: { code: 'H56.01', name: 'Công an tỉnh Thanh Hóa', sector: 'population', unitCodes: [] },
    grants: (['BASIC', 'NONE'] as const).map((personal) => ({
      target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal, sector: 'land' },
      purposes: ['INVESTIGATION'],
      legalBasis: `Bộ luật Tố tụng hình sự 2015; ${DECREE_47}`,
      legalInstruments: ['101/2015/QH13', ...DECREE_47_INSTRUMENTS],
    })),
  },
  {
    agency: { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai tỉnh Thanh Hóa', sector: 'land', unitCodes: [] },
    grants: [
      {
        target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', sector: 'population', typeNames: ['Citizen', 'Residence'] },
        purposes: ['LAND_REGISTRATION'],
        ...LAND_LAW,
        masks: [
          { coordinate: 'Citizen.dateOfBirth', mask: 'YEAR_ONLY' },
          { coordinate: 'Citizen.nationalId', mask: 'PARTIAL_ID' },
        ],
      },
      { target: { kind: 'FIELD', coordinate: 'Query.citizen' }, purposes: ['LAND_REGISTRATION'], ...LAND_LAW },
    ],
  },
  {
    agency: { code: 'H56.15.01', name: 'Bệnh viện Đa khoa tỉnh Thanh Hóa', sector: 'health', unitCodes: [] },
    grants: HOSPITAL_FIELDS.map((coordinate) => ({
      target: { kind: 'FIELD', coordinate },
      purposes: ['MEDICAL_TREATMENT', 'HEALTH_INSURANCE'],
      ...HOSPITAL_BASIS,
    })),
  },
  {
    agency: { code: `H56.99.${DEMO_COMMUNE_CODE}`, name: 'UBND phường Hạc Thành', sector: null, unitCodes: [DEMO_COMMUNE_CODE] },
    grants: communeGrants(DEMO_COMMUNE_CODE),
  },
];

/** The administrative units of the demo: the seed's, which the population database holds too. */
export function demoUnits(): UnitInput[] {
  return administrativeUnitRows().map((row) => ({
    code: row.code,
    name: row.name,
    level: row.level,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    replacedBy: row.replaced_by_code,
  }));
}

/** A demo agency's key, as written to demo-credentials.json. */
export interface DemoCredential {
  agencyCode: string;
  agencyName: string;
  keyId: string;
  apiKey: string;
  /** A steward may have revoked a demo key; seeding again does not bring it back. */
  status: CredentialStatus;
}

/**
 * Given the steward operations, a demo agency's grants in force and the grants the demo gives it now, revokes
 * those an earlier demo seeded that the demo no longer gives (the broad grants of older versions), so that a
 * data directory seeded before still shows least privilege. A steward's own grants are left alone.
 */
async function retireOutdatedGrants(stewardship: Stewardship, existing: readonly Grant[], wanted: readonly DemoGrant[]): Promise<void> {
  const targets = new Set(wanted.map((grant) => describeTarget(grant.target)));
  const seedActor = actorColumns(DEMO_ACTOR).actor;
  for (const grant of existing) {
    if (targets.has(describeTarget(grant.target))) continue;
    const [created] = await stewardship
      .changes({ entityType: 'GRANT', entityId: grant.id, limit: 500 })
      .then((changes) => changes.filter((change) => change.action === 'CREATE_GRANT'));
    if (created?.actor === seedActor) await stewardship.revokeGrant(DEMO_ACTOR, grant.id);
  }
}

/**
 * Given the steward operations and the data directory, registers the demo agencies, their grants and one
 * API key each, derived from DEMO_KEY_SECRET and the agency code, and writes the keys to
 * <dataDirectory>/demo-credentials.json. Running it again adds only what is missing, and revokes the grants an
 * older demo seeded that this one no longer gives. Refuses in production.
 */
export async function seedDemoAgencies(stewardship: Stewardship, options: { dataDirectory: string; production?: boolean }): Promise<DemoCredential[]> {
  if (options.production ?? getConfig().production) throw new Error('demo agencies and their public keys are never seeded in production');
  await stewardship.loadUnits(DEMO_ACTOR, demoUnits());
  const credentials: DemoCredential[] = [];
  for (const { agency, grants } of DEMO_AGENCIES) {
    if (!(await stewardship.agency(agency.code))) await stewardship.createAgency(DEMO_ACTOR, agency);
    const existing = await stewardship.listGrants({ agencyCode: agency.code });
    await retireOutdatedGrants(stewardship, existing, grants);
    for (const grant of grants) {
      if (existing.some((current) => describeTarget(current.target) === describeTarget(grant.target))) continue;
      await stewardship.createGrant(DEMO_ACTOR, { ...grant, agencyCode: agency.code });
    }
    const material = deriveApiKey(DEMO_KEY_SECRET, agency.code);
    let key = (await stewardship.listApiKeys(agency.code)).find((credential) => credential.id === material.id);
    key ??= (await stewardship.createApiKey(DEMO_ACTOR, { agencyCode: agency.code, label: 'demo' }, material)).credential;
    credentials.push({ agencyCode: agency.code, agencyName: agency.name, keyId: material.id, apiKey: material.key, status: key.status });
  }
  fs.mkdirSync(options.dataDirectory, { recursive: true });
  const file = path.join(options.dataDirectory, DEMO_CREDENTIALS_FILE);
  fs.writeFileSync(
    file,
    `${JSON.stringify({ note: 'Demo keys: public, for trying the platform only. Send as "Authorization: Bearer <apiKey>".', credentials }, null, 2)}\n`,
    { mode: 0o600 },
  );
  return credentials;
}

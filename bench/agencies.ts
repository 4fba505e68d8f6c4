import fs from 'node:fs';
import type { Knex } from 'knex';
import type { DatabaseConfig } from '../common/config';
import { connect, ensureDatabases } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { buildCatalog } from '../gateway/policy/catalog';
import type { Purpose } from '../gateway/policy/types';
import { deriveApiKey } from '../gateway/store/apiKeys';
import type { DemoAgency } from '../gateway/store/demo';
import { DEMO_AGENCIES, demoUnits } from '../gateway/store/demo';
import { PolicyRepository } from '../gateway/store/policyRepository';
import { Stewardship, describeTarget } from '../gateway/store/stewardship';
import type { Actor } from '../gateway/store/types';
import { SUPERGRAPH_PATH } from '../schema/load';
import type { HeaderSet } from './targets/started';

/** Who the load calls a target with policy as: the rotation of Q6 (its first one for Q1–Q5), the land office (Q7), the ward office (Q8). */
export interface BenchCallers {
  rotation: HeaderSet[];
  landOffice: HeaderSet;
  wardOffice: HeaderSet;
}

const BENCH_ACTOR: Actor = { kind: 'SYSTEM', task: 'bench' };
const BENCH_KEY_SECRET = 'data-sharing-platform bench agencies: public, bench databases only';

/** The agencies Q6 rotates through: each may read every field a non-owner may, for its own purpose. */
const ROTATION_AGENCIES: ReadonlyArray<{ code: string; name: string; purpose: Purpose }> = [
  { code: 'H56.B1', name: 'Bench: one-stop office', purpose: 'PUBLIC_SERVICE' },
  { code: 'H56.B2', name: 'Bench: social support', purpose: 'SOCIAL_SUPPORT' },
  { code: 'H56.B3', name: 'Bench: statistics office', purpose: 'STATISTICS' },
  { code: 'H56.B4', name: 'Bench: admissions office', purpose: 'EDUCATION_ADMISSION' },
];

/** Given a demo agency's code, returns its definition: the bench's land and ward offices are the demo's. */
function demoAgency(matches: (agency: DemoAgency) => boolean, what: string): DemoAgency {
  const found = DEMO_AGENCIES.find(matches);
  if (!found) throw new Error(`the demo agencies hold no ${what}`);
  return found;
}

/**
 * Given a ward's commune code, returns the demo's ward office moved to that ward: the same grants, scoped to
 * that commune, under the code H56.99.<commune> (so that each data set's ward is an agency of its own).
 */
export function wardOfficeFor(communeCode: string): DemoAgency {
  const demo = demoAgency((candidate) => (candidate.agency.unitCodes?.length ?? 0) > 0, 'ward office');
  return {
    agency: { ...demo.agency, code: `H56.99.${communeCode}`, unitCodes: [communeCode] },
    grants: demo.grants.map((grant) => ({ ...grant, scopeUnitCodes: [communeCode] })),
  };
}

/** The demo's land office: its grant masks owners' national IDs (PARTIAL_ID) and dates of birth (YEAR_ONLY). */
export function landOffice(): DemoAgency {
  return demoAgency((candidate) => candidate.agency.sector === 'land', 'land office');
}

/** Given the steward operations and an agency with its grants, registers what is missing; returns the agency's headers. */
async function register(stewardship: Stewardship, { agency, grants }: DemoAgency, purpose: string): Promise<HeaderSet> {
  if (!(await stewardship.agency(agency.code))) await stewardship.createAgency(BENCH_ACTOR, agency);
  const existing = await stewardship.listGrants({ agencyCode: agency.code });
  for (const grant of grants) {
    if (existing.some((current) => describeTarget(current.target) === describeTarget(grant.target))) continue;
    await stewardship.createGrant(BENCH_ACTOR, { ...grant, agencyCode: agency.code });
  }
  const material = deriveApiKey(BENCH_KEY_SECRET, agency.code);
  if (!(await stewardship.listApiKeys(agency.code)).some((key) => key.id === material.id)) {
    await stewardship.createApiKey(BENCH_ACTOR, { agencyCode: agency.code, label: 'bench' }, material);
  }
  return { authorization: `Bearer ${material.key}`, 'x-purpose': purpose };
}

/**
 * Given the supergraph, returns the rotation agencies with one grant per classification they read and a field
 * grant per sensitive field, which sensitive data requires.
 */
export function rotationAgencies(supergraphSdl: string): Array<{ definition: DemoAgency; purpose: Purpose }> {
  const catalog = buildCatalog(supergraphSdl);
  const sensitive = [...catalog.fields.values()].filter(
    (facts) => facts.classification.sharing !== 'INTERNAL' && facts.classification.personal === 'SENSITIVE',
  );
  return ROTATION_AGENCIES.map(({ code, name, purpose }) => {
    const grant = { purposes: [purpose], legalBasis: 'Benchmark fixture', legalInstruments: ['47/2020/NĐ-CP'] };
    return {
      purpose,
      definition: {
        agency: { code, name, sector: null, unitCodes: [] },
        grants: [
          ...(['NONE', 'BASIC'] as const).map((personal) => ({ ...grant, target: { kind: 'CLASSIFICATION' as const, sharing: 'SHARED' as const, personal } })),
          ...sensitive.map((facts) => ({ ...grant, target: { kind: 'FIELD' as const, coordinate: facts.coordinate } })),
        ],
      },
    };
  });
}

/**
 * Given a gateway database, registers the bench's callers in it (what is missing only: the database is reused)
 * and returns their headers: the rotation agencies, the land office and the office of the given ward, whose
 * grants are the demo's. Their keys derive from a public secret: bench databases only.
 */
export async function registerBenchCallersIn(db: Knex, wardCommune: string): Promise<BenchCallers> {
  const supergraphSdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  const stewardship = new Stewardship({ repository: new PolicyRepository(db), supergraphSdl });
  // Unit codes are checked against the administrative units the store holds: the seed's, as the demo loads them.
  await stewardship.loadUnits(BENCH_ACTOR, demoUnits());
  const rotation: HeaderSet[] = [];
  for (const { definition, purpose } of rotationAgencies(supergraphSdl)) rotation.push(await register(stewardship, definition, purpose));
  return {
    rotation,
    landOffice: await register(stewardship, landOffice(), 'LAND_REGISTRATION'),
    wardOffice: await register(stewardship, wardOfficeFor(wardCommune), 'PUBLIC_SERVICE'),
  };
}

/** Given the data set's database configuration and the ward, opens its gateway database and registers the bench's callers. */
export async function registerBenchCallers(database: DatabaseConfig, wardCommune: string): Promise<BenchCallers> {
  await ensureDatabases(database, ['gateway']);
  const db = connect(database, 'gateway');
  try {
    await migrateLatest(db, 'gateway');
    return await registerBenchCallersIn(db, wardCommune);
  } finally {
    await db.destroy();
  }
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QueryPlanner } from '@apollo/query-planner';
import { byBuiltInSector } from '../../common/sectors';
import { loadConfig } from '../../common/config';
import { operationId } from '../../gateway/operations/manifest';
import type { Purpose } from '../../gateway/policy/types';
import { DEMO_COMMUNE_CODE } from '../../gateway/store/demo';
import type { Actor } from '../../gateway/store/types';
import type { RunningGateway } from '../../system/platform';
import { startGatewayService } from '../../system/platform';
import type { GraphQLResponse } from '../helpers/graphql';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, createFullAccessAgency, startSeededPlatform, testAuditConfig } from '../helpers/platform';
import type { ScopeWorld } from '../helpers/scopeWorld';
import { readScopeWorld } from '../helpers/scopeWorld';

const STEWARD: Actor = { kind: 'SYSTEM', task: 'test' };
const LAND_OFFICE = 'H56.20';
const WARD_OFFICE = `H56.99.${DEMO_COMMUNE_CODE}`;
const FULL_ACCESS = 'H56.98';

/** Masked for the land office (nationalId, dateOfBirth): only the audit's probe rewrites it. */
const IDENTITY = 'query CitizenIdentity($id: ID!) { citizen(nationalId: $id) { nationalId fullName dateOfBirth } }';
/** The land office may not read a household membership's fields: filter mode removes relationshipToHead. */
const HOUSEHOLD = 'query CitizenHousehold($id: ID!) { citizen(nationalId: $id) { fullName householdMembership { relationshipToHead } } }';
/** A ward parcel's owners by key alone: the ward office's row scope adds the probe that asks population about each. */
const OWNERS = `query ParcelOwners($commune: String!, $sheet: Int!, $number: Int!) {
  landParcel(communeCode: $commune, mapSheetNumber: $sheet, parcelNumber: $number) { communeCode owners { sharePercent owner { nationalId } } }
}`;
const UNREGISTERED = 'query NotRegistered($id: ID!) { citizen(nationalId: $id) { fullName } }';

function apolloManifest(bodies: string[]): string {
  return JSON.stringify({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: bodies.map((body) => ({ id: operationId(body), name: /query (\w+)/.exec(body)![1], type: 'query', body })),
  });
}

/** Given a gateway and a request's body, posts it as an agency for a purpose and returns the status with the parsed answer. */
async function post(url: string, body: Record<string, unknown>, apiKey: string, purpose: Purpose): Promise<GraphQLResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...asAgency(apiKey, purpose) },
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse, 'status'>) };
}

describe('registered operations planned ahead into the query-plan cache', () => {
  let seeded: SeededPlatform;
  let world: ScopeWorld;
  let url: string;
  let member: string;
  let parcel: { commune: string; sheet: number; number: number; owners: Array<{ nationalId: string; inWard: boolean }> };
  const keys = new Map<string, string>();
  // Every plan the process builds, whichever gateway and whoever asks: planning ahead included.
  const planned = jest.spyOn(QueryPlanner.prototype, 'buildQueryPlan');
  const directories: string[] = [];
  const started: RunningGateway[] = [];

  const identity = (id: string) => ({ query: IDENTITY, operationName: 'CitizenIdentity', variables: { id } });
  const household = (id: string) => ({ query: HOUSEHOLD, operationName: 'CitizenHousehold', variables: { id } });
  const owners = () => ({ query: OWNERS, operationName: 'ParcelOwners', variables: { commune: parcel.commune, sheet: parcel.sheet, number: parcel.number } });

  beforeAll(async () => {
    // Seed 3 holds ward parcels with an owner living elsewhere (test/gateway/scopeMatrix.test.ts reads them too).
    seeded = await startSeededPlatform(600, { randomSeed: 3, policyMode: 'filter' });
    url = seeded.platform.gateway.url;
    world = await readScopeWorld(seeded.databases.databases);
    const inWard = (nationalId: string) => world.citizens.get(nationalId)!.current_unit_code === DEMO_COMMUNE_CODE;
    const crossing = world.shares.find((share) => world.parcels.get(share.parcel_id)!.commune_code === DEMO_COMMUNE_CODE && !inWard(share.national_id))!;
    const row = world.parcels.get(crossing.parcel_id)!;
    const shares = world.shares.filter((share) => share.parcel_id === row.id);
    parcel = {
      commune: row.commune_code,
      sheet: row.map_sheet_number,
      number: row.parcel_number,
      owners: shares.map((share) => ({ nationalId: share.national_id, inWard: inWard(share.national_id) })),
    };
    member = world.members[0]!.national_id;
    keys.set(FULL_ACCESS, await createFullAccessAgency(seeded.platform.stewardship, FULL_ACCESS));
    for (const code of [LAND_OFFICE, WARD_OFFICE]) keys.set(code, seeded.demoKeys.get(code)!);
    const { operations } = seeded.platform;
    await operations.register(STEWARD, { agencyCode: LAND_OFFICE, application: 'land-web', manifest: apolloManifest([IDENTITY, HOUSEHOLD]) });
    // The same text for an agency whose row scope rewrites it and for one whose policy leaves it as it is.
    await operations.register(STEWARD, { agencyCode: WARD_OFFICE, application: 'one-stop', manifest: apolloManifest([OWNERS]) });
    await operations.register(STEWARD, { agencyCode: FULL_ACCESS, application: 'statistics', manifest: apolloManifest([OWNERS]) });
    await operations.setMode(STEWARD, WARD_OFFICE, 'enforce');
  }, 180_000);

  afterAll(async () => {
    planned.mockRestore();
    for (const gateway of started) await gateway.stop();
    await seeded?.stop();
    for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
  });

  beforeEach(() => planned.mockClear());

  /** Given a ward parcel's owners as a caller read them, returns who was answered about. */
  const ownerIds = (answer: GraphQLResponse) =>
    (answer.data!.landParcel.owners as Array<{ owner: { nationalId: string } | null }>).map((share) => share.owner?.nationalId ?? null).sort();

  it('reaches the private fields of the installed @apollo/gateway', async () => {
    expect(seeded.platform.planWarmer.unavailable()).toBeNull();
    const report = await seeded.platform.planWarmer.idle();
    expect(report).toMatchObject({ unavailable: null, failed: 0, leftOut: 0 });
  });

  it('answers the first request of each registered operation without planning it, with or without its name', async () => {
    const land = await post(url, identity(member), keys.get(LAND_OFFICE)!, 'LAND_REGISTRATION');
    expect(land.errors).toBeUndefined();
    expect(land.data!.citizen.nationalId).toMatch(/^\d{3}\*+\d{2}$/);
    expect(land.data!.citizen.dateOfBirth).toMatch(/^\d{4}$/);
    const unnamed = await post(url, { query: IDENTITY, variables: { id: member } }, keys.get(LAND_OFFICE)!, 'LAND_REGISTRATION');
    expect(unnamed.data).toEqual(land.data);
    // Filter mode: the field the land office may not read is removed from what is sent, and the rest answered.
    const filtered = await post(url, household(member), keys.get(LAND_OFFICE)!, 'LAND_REGISTRATION');
    expect(filtered.data!.citizen.fullName).toBe(world.citizens.get(member)!.full_name);
    expect(filtered.data!.citizen.householdMembership?.relationshipToHead ?? null).toBeNull();
    expect(filtered.errors?.map((error) => error.extensions?.code)).toContain('FORBIDDEN');
    expect(planned).not.toHaveBeenCalled();
  });

  it('gives an agency whose row scope rewrites the document its own plan, and one without scope its own', async () => {
    // The agency without scope first: a plan without the probe, were it the ward's, would answer every owner.
    const full = await post(url, owners(), keys.get(FULL_ACCESS)!, 'STATISTICS');
    expect(full.errors).toBeUndefined();
    expect(ownerIds(full)).toEqual(parcel.owners.map((owner) => owner.nationalId).sort());
    const ward = await post(url, { documentId: operationId(OWNERS), variables: owners().variables }, keys.get(WARD_OFFICE)!, 'PUBLIC_SERVICE');
    expect(ward.errors).toBeUndefined();
    const expected = parcel.owners.map((owner) => (owner.inWard ? owner.nationalId : null));
    expect(expected).toContain(null);
    expect(ownerIds(ward)).toEqual(expected.sort());
    // The other way round too, each still answered from its own plan, and none built.
    expect(ownerIds(await post(url, owners(), keys.get(FULL_ACCESS)!, 'STATISTICS'))).toEqual(ownerIds(full));
    expect(planned).not.toHaveBeenCalled();
  });

  it('still plans an operation nobody registered, once', async () => {
    const first = await post(url, { query: UNREGISTERED, variables: { id: member } }, keys.get(LAND_OFFICE)!, 'LAND_REGISTRATION');
    expect(first.errors).toBeUndefined();
    expect(planned).toHaveBeenCalledTimes(1);
    await post(url, { query: UNREGISTERED, variables: { id: member } }, keys.get(LAND_OFFICE)!, 'LAND_REGISTRATION');
    expect(planned).toHaveBeenCalledTimes(1);
  });

  it('plans again when a grant changes the document the policy sends', async () => {
    const before = seeded.platform.policyCache.current().version;
    await seeded.platform.stewardship.createGrant(STEWARD, {
      agencyCode: LAND_OFFICE,
      target: { kind: 'TYPE', typeName: 'HouseholdMembership' },
      purposes: ['LAND_REGISTRATION'],
      legalBasis: 'Luật Đất đai 2024 (test)',
      legalInstruments: ['31/2024/QH15'],
    });
    const report = await seeded.platform.planWarmer.idle();
    expect(report!.policyVersion).toBeGreaterThan(before);
    expect(report!.planned).toBeGreaterThan(0);
    planned.mockClear();
    const answer = await post(url, household(member), keys.get(LAND_OFFICE)!, 'LAND_REGISTRATION');
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.citizen.householdMembership.relationshipToHead).toBe(world.members[0]!.relationship);
    expect(planned).not.toHaveBeenCalled();
  });

  it('plans every registered operation ahead when a gateway starts, in deny mode too', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-warm-'));
    directories.push(directory);
    const second = await startGatewayService(
      seeded.databases.databases.gateway,
      byBuiltInSector((sector) => seeded.platform.subgraphs[sector].url),
      {
        host: '127.0.0.1',
        gatewayPort: 0,
        subgraphTimeoutMs: 5000,
        queryLimits: loadConfig({}).queryLimits,
        signingKey: seeded.signingKey,
        policy: { mode: 'deny', refreshMs: 60_000 },
        jwt: null,
        audit: testAuditConfig(directory, 'gateway-warm'),
        production: false,
      },
    );
    started.push(second);
    const report = await second.planWarmer.idle();
    expect(report).toMatchObject({ unavailable: null, failed: 0, leftOut: 0 });
    expect(report!.planned).toBeGreaterThan(0);
    planned.mockClear();
    const land = await post(second.gateway.url, identity(member), keys.get(LAND_OFFICE)!, 'LAND_REGISTRATION');
    expect(land.data!.citizen.nationalId).toMatch(/^\d{3}\*+\d{2}$/);
    const ward = await post(second.gateway.url, owners(), keys.get(WARD_OFFICE)!, 'PUBLIC_SERVICE');
    expect(ownerIds(ward)).toEqual(parcel.owners.map((owner) => (owner.inWard ? owner.nationalId : null)).sort());
    expect(planned).not.toHaveBeenCalled();
  });
});

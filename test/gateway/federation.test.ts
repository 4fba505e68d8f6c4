import { getIntrospectionQuery } from 'graphql';
import type { BuiltInSector } from '../../common/sectors';
import { BUILT_IN_SECTORS, byBuiltInSector } from '../../common/sectors';
import { loadConfig } from '../../common/config';
import type { RunningServer } from '../../common/subgraphServer';
import { connect } from '../../db/connection';
import { startGateway } from '../../gateway/server';
import { startSubgraph } from '../../subgraphs';
import { countStatements } from '../helpers/database';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, createFullAccessAgency, startSeededPlatform, startSilentServer, unusedUrl } from '../helpers/platform';
import { Authenticator } from '../../gateway/store/authenticator';

const CITIZEN_360 = `query Citizen360($id: ID!) {
  citizen(nationalId: $id) {
    nationalId fullName dateOfBirth
    currentResidence { addressLine unit { name } }
    landParcels { id mapSheetNumber parcelNumber landUsePurpose commune { name } owners { sharePercent owner { fullName } } }
    healthInsurance { socialInsuranceNumber benefitLevel primaryCareFacility { name } }
    vaccinations { vaccine }
    enrollments { schoolYear grade school { name } }
    diplomas { serial type }
  }
}`;

describe('federated gateway', () => {
  let seeded: SeededPlatform;
  let gatewayUrl: string;
  let adultId: string;
  let pupilId: string;
  let fullAccessKey: string;
  // Federation itself is under test here: a caller granted every field a non-owner may read.
  const ask = (url: string, query: string, variables: Record<string, unknown> = {}) =>
    postGraphQL(url, query, variables, asAgency(fullAccessKey, 'STATISTICS'));

  beforeAll(async () => {
    seeded = await startSeededPlatform(600);
    gatewayUrl = seeded.platform.gateway.url;
    fullAccessKey = await createFullAccessAgency(seeded.platform.stewardship);
    const { land, health, education } = seeded.databases.databases;
    const owners = new Set((await land('ownership_shares').distinct('national_id')).map((row) => row.national_id as string));
    const insured = new Set((await health('insurance_cards').distinct('national_id')).map((row) => row.national_id as string));
    const graduates = (await education('diplomas').distinct('national_id')).map((row) => row.national_id as string);
    adultId = graduates.find((id) => owners.has(id) && insured.has(id))!;
    pupilId = (await education('enrollments').distinct('national_id')).map((row) => row.national_id as string).find((id) => insured.has(id))!;
    expect(adultId).toBeDefined();
    expect(pupilId).toBeDefined();
  });

  afterAll(async () => {
    await seeded?.stop();
  });

  it('answers the citizen 360 view from all four subgraphs, matching the databases', async () => {
    const { population, land, health, education } = seeded.databases.databases;
    const response = await ask(gatewayUrl, CITIZEN_360, { id: adultId });
    expect(response.errors).toBeUndefined();
    const citizen = response.data!.citizen;
    const row = await population('citizens').where('national_id', adultId).first();
    expect(citizen.fullName).toBe(row.full_name);
    expect(citizen.dateOfBirth).toBe(row.date_of_birth);
    const parcelIds = (await land('ownership_shares').where('national_id', adultId).select('parcel_id')).map((share) => String(share.parcel_id));
    expect(citizen.landParcels.map((parcel: { id: string }) => parcel.id).sort()).toEqual(parcelIds.sort());
    for (const parcel of citizen.landParcels) {
      expect(parcel.commune.name).toEqual(expect.any(String));
      expect(parcel.owners.map((owner: { owner: { fullName: string } }) => owner.owner.fullName)).toContain(row.full_name);
      expect(parcel.owners.reduce((sum: number, owner: { sharePercent: number }) => sum + owner.sharePercent, 0)).toBeCloseTo(100);
    }
    const cards = await health('insurance_cards').where('national_id', adultId).select('social_insurance_number');
    expect(cards.map((card) => card.social_insurance_number)).toContain(citizen.healthInsurance.socialInsuranceNumber);
    expect(citizen.healthInsurance.primaryCareFacility.name).toEqual(expect.any(String));
    const diplomas = await education('diplomas').where('national_id', adultId).select('serial');
    expect(citizen.diplomas.map((diploma: { serial: string }) => diploma.serial).sort()).toEqual(diplomas.map((diploma) => diploma.serial).sort());
  });

  it('shows a pupil enrolled in a school of the commune they live in', async () => {
    const { education } = seeded.databases.databases;
    const response = await ask(
      gatewayUrl,
      `query ($id: ID!) { citizen(nationalId: $id) { currentResidence { unit { code } } enrollments { schoolYear grade school { code commune { code } } } } }`,
      { id: pupilId },
    );
    expect(response.errors).toBeUndefined();
    const citizen = response.data!.citizen;
    const enrollments = await education('enrollments').where('national_id', pupilId);
    expect(citizen.enrollments).toHaveLength(enrollments.length);
    const current = citizen.enrollments.find((enrollment: { schoolYear: string }) => enrollment.schoolYear === '2025-2026');
    expect(current.school.commune.code).toBe(citizen.currentResidence.unit.code);
  });

  it("pages through a commune's parcels with the owners' names from another subgraph", async () => {
    const { land } = seeded.databases.databases;
    const busiest = (await land('parcels').select('commune_code').count({ total: '*' }).groupBy('commune_code').orderBy('total', 'desc').first()) as {
      commune_code: string;
      total: number | string;
    };
    const { commune_code: communeCode, total } = busiest;
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const response: any = await ask(
        gatewayUrl,
        `query ($commune: String!, $after: String) { landParcelsByCommune(communeCode: $commune, first: 3, after: $after) {
          nodes { id owners { owner { nationalId fullName } } } pageInfo { hasNextPage endCursor } } }`,
        { commune: communeCode, after },
      );
      expect(response.errors).toBeUndefined();
      const connection = response.data.landParcelsByCommune;
      for (const parcel of connection.nodes) {
        seen.push(parcel.id);
        for (const { owner } of parcel.owners) expect(owner.fullName).toEqual(expect.any(String));
      }
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after !== null);
    expect(seen).toHaveLength(Number(total));
    expect(new Set(seen).size).toBe(Number(total));
  });

  it('costs a number of SQL statements per subgraph that does not grow with the page size', async () => {
    const counters = byBuiltInSector((sector) => countStatements(seeded.databases.databases[sector]));
    const query = `query ($first: Int!) { citizensByNamePrefix(prefix: "nguyen", first: $first) { nodes {
      fullName currentResidence { unit { name } } householdMembership { relationshipToHead }
      landParcels { parcelNumber certificates { serial } owners { owner { fullName } } }
      healthInsurance { benefitLevel primaryCareFacility { name } } vaccinations { vaccine facility { name } }
      enrollments { grade school { name } } diplomas { type school { name } } } } }`;
    const statementsFor = async (first: number) => {
      BUILT_IN_SECTORS.forEach((sector) => counters[sector].reset());
      const response = await ask(gatewayUrl, query, { first });
      expect(response.errors).toBeUndefined();
      expect(response.data!.citizensByNamePrefix.nodes).toHaveLength(first);
      return byBuiltInSector((sector) => counters[sector].count);
    };
    // One statement per batch function the query reaches in each subgraph. A lookup that two lists feed
    // (schools of enrolments and of diplomas) may run as one batch or two, as the lists' queries finish, or none
    // when the rows it wants were read with a list (a card's facility, an enrolment's school).
    const batchFunctions = { population: 4, land: 3, health: 4, education: 4 };
    const small = await statementsFor(4);
    const large = await statementsFor(60);
    for (const sector of BUILT_IN_SECTORS) {
      expect(small[sector]).toBeGreaterThanOrEqual(2);
      expect(large[sector]).toBeLessThanOrEqual(batchFunctions[sector]);
    }
  });

  it.each([
    ['a malformed national ID', '{ citizen(nationalId: "38-123") { fullName } }', /Malformed national ID/],
    ['a malformed parcel identifier', '{ landParcel(communeCode: "ab", mapSheetNumber: 1, parcelNumber: 1) { id } }', /commune code/],
    ['a malformed cursor', '{ landParcelsByCommune(communeCode: "40778", after: "!!") { nodes { id } } }', /Malformed cursor/],
    ['a page size over the maximum', '{ schoolsByCommune(communeCode: "40778", first: 500) { nodes { code } } }', /between 1 and 100/],
    ['an unknown filter value', '{ landParcelsByCommune(communeCode: "40778", landUsePurpose: "XYZ") { nodes { id } } }', /XYZ/],
  ])('answers %s with BAD_USER_INPUT, never a 500 or SQL', async (_case, query, message) => {
    const response = await ask(gatewayUrl, query);
    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors![0]!.message).toMatch(message);
    expect(JSON.stringify(response)).not.toMatch(/select|from `|stack|at .*\.ts/i);
  });

  it('returns null for an unknown but well-formed national ID', async () => {
    const response = await ask(gatewayUrl, CITIZEN_360, { id: '038099999999' });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ citizen: null });
  });

  it.each([
    ['malformed JSON', '/graphql', '{bad json', 400, 'BAD_REQUEST'],
    ['an empty body', '/graphql', '', 400, 'BAD_REQUEST'],
    ['an unknown path', '/elsewhere', '{}', 404, 'NOT_FOUND'],
    ['a body over 1 MiB', '/graphql', JSON.stringify({ query: `{ __typename } #${'x'.repeat(1024 * 1024)}` }), 413, 'PAYLOAD_TOO_LARGE'],
  ])('answers %s with a JSON error and a stable code, never HTML or a stack', async (_case, path, body, status, code) => {
    const response = await fetch(new URL(path, gatewayUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const text = await response.text();
    expect(JSON.parse(text).errors[0].extensions.code).toBe(code);
    expect(text).not.toMatch(/at .*\(|node_modules|SyntaxError/);
  });

  it.each([
    [
      'too deep',
      `{ citizen(nationalId: "038085001234") { householdMembership { household { members { citizen { householdMembership { household { members { citizen { householdMembership { household { members { citizen { fullName } } } } } } } } } } } } } }`,
      'depth',
      14,
    ],
    [
      'too many aliases',
      `{ ${Array.from({ length: 40 }, (_, index) => `a${index}: citizen(nationalId: "038085001234") { fullName }`).join(' ')} }`,
      'aliases',
      40,
    ],
  ])('refuses an operation %s before calling any subgraph', async (_case, query, limit, found) => {
    const counters = byBuiltInSector((sector) => countStatements(seeded.databases.databases[sector]));
    const response = await ask(gatewayUrl, query);
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(response.errors![0]!.extensions).toMatchObject({ limit, found });
    expect(response.data).toBeUndefined();
    expect(BUILT_IN_SECTORS.map((sector) => counters[sector].count)).toEqual([0, 0, 0, 0]);
  });

  it('answers the standard introspection query that explorers send', async () => {
    const response = await ask(gatewayUrl, getIntrospectionQuery());
    expect(response.errors).toBeUndefined();
    const queryType = response.data!.__schema.types.find((type: { name: string }) => type.name === 'Query');
    expect(queryType.fields.map((field: { name: string }) => field.name)).toEqual(
      expect.arrayContaining(['citizen', 'landParcel', 'healthFacility', 'school']),
    );
  });

  it('refuses batched HTTP requests', async () => {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(response.status).toBe(400);
  });

  describe('when a subgraph fails', () => {
    const running: RunningServer[] = [];
    const closers: Array<() => Promise<void>> = [];
    afterAll(async () => {
      await Promise.all(running.map((server) => server.stop()));
      await Promise.all(closers.map((close) => close()));
    });

    async function gatewayWith(overrides: Partial<Record<BuiltInSector, string>>, subgraphTimeoutMs = 5000): Promise<string> {
      const gateway = await startGateway({
        subgraphTimeoutMs,
        queryLimits: loadConfig({}).queryLimits,
        signingKey: seeded.signingKey,
        enforcement: {
          authenticator: new Authenticator({ jwt: null }),
          policy: { mode: 'deny', current: () => seeded.platform.policyCache.current() },
          audit: seeded.platform.auditLog,
        },
        subgraphUrls: byBuiltInSector((sector) => overrides[sector] ?? seeded.platform.subgraphs[sector].url),
      });
      running.push(gateway);
      return gateway.url;
    }

    it("returns the other subgraphs' data and an error naming the one that is down", async () => {
      const url = await gatewayWith({ land: await unusedUrl() });
      const response = await ask(url, CITIZEN_360, { id: adultId });
      expect(response.data!.citizen.fullName).toEqual(expect.any(String));
      expect(response.data!.citizen.healthInsurance).not.toBeNull();
      expect(response.data!.citizen.diplomas.length).toBeGreaterThan(0);
      expect(response.data!.citizen.landParcels).toBeNull();
      expect(response.errors).toEqual([
        {
          message: 'The land subgraph is unavailable',
          path: ['citizen', 'landParcels'],
          extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'land' },
        },
      ]);
    });

    it('names the path of every field a failed root call leaves null', async () => {
      const url = await gatewayWith({ education: await unusedUrl() });
      const response = await postGraphQL(
        url,
        '{ first: school(code: "00000001") { name } second: school(code: "00000002") { name } unit: administrativeUnit(code: "38") { name } }',
      );
      expect(response.status).toBe(200);
      expect(response.data).toEqual({ first: null, second: null, unit: { name: 'Thanh Hóa' } });
      expect(response.errors!.map((error) => [error.path, error.extensions?.code])).toEqual([
        [['first'], 'SUBGRAPH_UNAVAILABLE'],
        [['second'], 'SUBGRAPH_UNAVAILABLE'],
      ]);
    });

    it("tells a subgraph that refuses the gateway's signature from one that is down", async () => {
      const otherKey = await startSubgraph('health', {
        db: seeded.databases.databases.health,
        signingKey: Buffer.from('another key of 32 characters or more'),
      });
      running.push(otherKey);
      const url = await gatewayWith({ health: otherKey.url });
      const response = await ask(url, CITIZEN_360, { id: adultId });
      expect(response.data!.citizen.fullName).toEqual(expect.any(String));
      expect(response.data!.citizen.healthInsurance).toBeNull();
      expect(response.data!.citizen.vaccinations).toBeNull();
      expect(response.errors).toEqual(
        ['healthInsurance', 'vaccinations'].map((field) => ({
          message: "The health subgraph refused the gateway's signature",
          path: ['citizen', field],
          extensions: { code: 'SUBGRAPH_AUTHENTICATION_FAILED', serviceName: 'health' },
        })),
      );
      expect(JSON.stringify(response.errors)).not.toMatch(/verify|signature does not|401/);
    });

    it('places the errors of a failed entity call at each entity of a list', async () => {
      const { current_unit_code: commune } = await seeded.databases.databases.population('citizens').where('national_id', adultId).first();
      const url = await gatewayWith({ health: await unusedUrl() });
      const response = await ask(
        url,
        'query ($commune: String!) { citizensByCommune(communeCode: $commune, first: 3) { nodes { nationalId healthInsurance { benefitLevel } vaccinations { vaccine } } } }',
        { commune },
      );
      const nodes = response.data!.citizensByCommune.nodes as Array<{ nationalId: string; healthInsurance: unknown }>;
      expect(nodes.length).toBeGreaterThan(1);
      expect(nodes.every((node) => node.healthInsurance === null)).toBe(true);
      const expected = nodes.flatMap((_node, index) => ['healthInsurance', 'vaccinations'].map((field) => ['citizensByCommune', 'nodes', index, field]));
      expect(response.errors!.map((error) => error.path)).toEqual(expected);
      expect(new Set(errorCodes(response))).toEqual(new Set(['SUBGRAPH_UNAVAILABLE']));
    });

    it('gives up on a subgraph that does not answer within the timeout', async () => {
      const silent = await startSilentServer();
      closers.push(silent.stop);
      const url = await gatewayWith({ health: silent.url }, 300);
      const started = Date.now();
      const response = await ask(url, CITIZEN_360, { id: adultId });
      expect(Date.now() - started).toBeLessThan(4000);
      expect(response.data!.citizen.landParcels.length).toBeGreaterThan(0);
      expect(response.data!.citizen.healthInsurance).toBeNull();
      expect(response.errors).toEqual(
        ['healthInsurance', 'vaccinations'].map((field) => ({
          message: 'The health subgraph did not answer within 300 ms',
          path: ['citizen', field],
          extensions: { code: 'SUBGRAPH_TIMEOUT', serviceName: 'health' },
        })),
      );
    });

    it('reports a database that is down with a stable code from its subgraph, and answers with the rest', async () => {
      const config = seeded.databases.config;
      const unreachable = connect(
        config.engine === 'mysql' ? { ...config, port: 1 } : { engine: 'sqlite', dataDirectory: '/nonexistent/dsp-test' },
        'education',
      );
      closers.push(() => unreachable.destroy());
      const education = await startSubgraph('education', { db: unreachable, signingKey: seeded.signingKey });
      running.push(education);
      const url = await gatewayWith({ education: education.url });
      const response = await ask(url, CITIZEN_360, { id: adultId });
      expect(response.data!.citizen.fullName).toEqual(expect.any(String));
      expect(response.data!.citizen.landParcels.length).toBeGreaterThan(0);
      expect(response.data!.citizen.diplomas).toBeNull();
      expect(errorCodes(response).every((code) => code === 'DATABASE_UNAVAILABLE')).toBe(true);
      expect(response.errors![0]).toMatchObject({ message: 'The education database is unavailable', extensions: { serviceName: 'education' } });
      expect(JSON.stringify(response.errors)).not.toMatch(/ECONNREFUSED|directory|sqlite|mysql/i);
    });
  });
});

import { randomBytes } from 'node:crypto';
import { getIntrospectionQuery } from 'graphql';
import { ACCESS_CONTEXT_HEADER, ACCESS_CONTEXT_LIFETIME_MS } from '../../common/accessContext';
import type { BuiltInSector } from '../../common/sectors';
import { BUILT_IN_SECTORS } from '../../common/sectors';
import type { RunningServer } from '../../common/subgraphServer';
import { startSubgraph } from '../../subgraphs';
import type { TestDatabases } from '../helpers/database';
import { countStatements, createTestDatabases } from '../helpers/database';
import { citizenFixture } from '../helpers/fixtures';
import type { GraphQLResponse } from '../helpers/graphql';
import { TEST_SIGNING_KEY, accessHeader, bodyOf, postRaw, postToSubgraph } from '../helpers/subgraphClient';

/** One root query per subgraph that would read its database if it ran. */
const ROOT_QUERY: Record<BuiltInSector, string> = {
  population: '{ citizen(nationalId: "038080100000") { nationalId fullName } }',
  land: '{ landUseCertificate(serial: "CS 01234567") { serial } }',
  health: '{ healthInsuranceCard(socialInsuranceNumber: "3800000001") { benefitLevel } }',
  education: '{ diploma(serial: "THPT0000001") { type } }',
};

/** What the gateway asks of every subgraph: a citizen's part, by key (population reads its database for it). */
const CITIZEN_ENTITIES = 'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Citizen { nationalId } } }';
const REPRESENTATIONS = { representations: [{ __typename: 'Citizen', nationalId: citizenFixture(0).national_id }] };

/** Given a response, expects a refusal with HTTP 401, UNAUTHENTICATED, the reason, and nothing else. */
function expectRefused(response: GraphQLResponse, reason: RegExp): void {
  expect(response.status).toBe(401);
  expect(response.data).toBeUndefined();
  expect(response.errors).toHaveLength(1);
  const [error] = response.errors!;
  expect(error!.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: expect.stringMatching(reason) });
  expect(error!.message).toBe(`${error!.message.split(':')[0]}: ${error!.extensions!.reason}`);
  expect(error!.message).toMatch(/^The \w+ subgraph answers only requests signed by the gateway: /);
}

describe('signed access context, on every subgraph', () => {
  let databases: TestDatabases;
  const servers = {} as Record<BuiltInSector, RunningServer>;
  const counters = {} as Record<BuiltInSector, ReturnType<typeof countStatements>>;

  beforeAll(async () => {
    databases = await createTestDatabases();
    for (const sector of BUILT_IN_SECTORS) {
      servers[sector] = await startSubgraph(sector, { db: databases.databases[sector], signingKey: TEST_SIGNING_KEY });
      counters[sector] = countStatements(databases.databases[sector]);
    }
  });

  afterAll(async () => {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
    await databases?.destroy();
  });

  beforeEach(() => BUILT_IN_SECTORS.forEach((sector) => counters[sector].reset()));

  describe.each(BUILT_IN_SECTORS)('%s', (sector) => {
    it.each([
      ['a root query', ROOT_QUERY[sector], {}],
      ['_service { sdl }', '{ _service { sdl } }', {}],
      ['_entities', CITIZEN_ENTITIES, REPRESENTATIONS],
      ['introspection', getIntrospectionQuery(), {}],
    ])('refuses %s without a signature, before touching the database', async (_case, query, variables) => {
      const response = await postRaw(servers[sector].url, bodyOf(query, variables));
      expectRefused(response, /^the request carries no gateway signature$/);
      expect(counters[sector].count).toBe(0);
    });

    it('answers _service and _entities when the gateway signed them', async () => {
      const service = await postToSubgraph(servers[sector], sector, '{ _service { sdl } }');
      expect(service.status).toBe(200);
      expect(service.data?._service.sdl).toContain('type Citizen');
      const entities = await postToSubgraph(servers[sector], sector, CITIZEN_ENTITIES, REPRESENTATIONS);
      expect(entities.errors).toBeUndefined();
      // No citizen in the population database: null there; other subgraphs vouch for the key alone.
      expect(entities.data?._entities).toEqual([sector === 'population' ? null : { nationalId: citizenFixture(0).national_id }]);
    });

    it.each<[string, (body: string) => Record<string, string>, RegExp]>([
      ['a request signed with another key', (body) => accessHeader(sector, body, { key: randomBytes(32) }), /does not verify/],
      [
        'a request signed for another subgraph',
        (body) => accessHeader(sector, body, { audience: BUILT_IN_SECTORS.find((other) => other !== sector)! }),
        /for another subgraph/,
      ],
      ['a request signed for another body', (body) => accessHeader(sector, `${body} `), /for another request body/],
      ['an expired signature', (body) => accessHeader(sector, body, { now: Date.now() - ACCESS_CONTEXT_LIFETIME_MS - 1000 }), /has expired/],
      ['a signature issued in the future', (body) => accessHeader(sector, body, { now: Date.now() + 60_000 }), /issued in the future/],
      ['a malformed signature', () => ({ [ACCESS_CONTEXT_HEADER]: 'not-a-signature' }), /malformed/],
      [
        'claims changed after signing',
        (body) => {
          const [payload, signature] = accessHeader(sector, body, { access: { scope: ['40778'] } })[ACCESS_CONTEXT_HEADER]!.split('.');
          const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
          const widened = Buffer.from(JSON.stringify({ ...claims, scope: null }), 'utf8').toString('base64url');
          return { [ACCESS_CONTEXT_HEADER]: `${widened}.${signature}` };
        },
        /does not verify/,
      ],
    ])('refuses %s', async (_case, headerFor, reason) => {
      const body = bodyOf(ROOT_QUERY[sector]);
      const response = await postRaw(servers[sector].url, body, headerFor(body));
      expectRefused(response, reason);
      expect(counters[sector].count).toBe(0);
    });

    it('refuses a replayed request: the same header and body the second time', async () => {
      const body = bodyOf(ROOT_QUERY[sector]);
      const header = accessHeader(sector, body);
      const first = await postRaw(servers[sector].url, body, header);
      expect(first.status).toBe(200);
      expect(first.errors).toBeUndefined();
      counters[sector].reset();
      const second = await postRaw(servers[sector].url, body, header);
      expectRefused(second, /was used already/);
      expect(counters[sector].count).toBe(0);
    });

    it('refuses a GET request, whose operation in the URL no signature covers', async () => {
      const url = new URL(servers[sector].url);
      url.searchParams.set('query', ROOT_QUERY[sector]);
      const response = await fetch(url, { headers: { 'apollo-require-preflight': 'true', ...accessHeader(sector, '') } });
      expectRefused({ status: response.status, ...((await response.json()) as object) }, /only POST requests are signed, got GET/);
      expect(counters[sector].count).toBe(0);
    });

    it('refuses a signed context whose content is not an access context', async () => {
      const body = bodyOf(ROOT_QUERY[sector]);
      const header = accessHeader(sector, body, { access: { masks: { 'Citizen.fullName': 'SHOUT' as never } } });
      expectRefused(await postRaw(servers[sector].url, body, header), /malformed access context/);
    });
  });
});

import { operationId } from '../../gateway/operations/manifest';
import type { UnknownOperationEvent } from '../../gateway/operations/types';
import type { Actor } from '../../gateway/store/types';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import type { GraphQLResponse } from '../helpers/graphql';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, startSeededPlatform } from '../helpers/platform';

const STEWARD: Actor = { kind: 'SYSTEM', task: 'test' };
const LAND_OFFICE = 'H56.20';
const HOSPITAL = 'H56.15.01';
const POLICE = 'H56.01';
const STEWARD_AGENCY = 'H56.10';

const IDENTITY = 'query CitizenIdentity($id: ID!) { citizen(nationalId: $id) { nationalId fullName dateOfBirth } }';
const CARD = 'query CitizenCard($id: ID!) { citizen(nationalId: $id) { fullName healthInsurance { benefitLevel } } }';
const OTHER = 'query NotRegistered($id: ID!) { citizen(nationalId: $id) { fullName } }';

function apolloManifest(bodies: string[]): string {
  return JSON.stringify({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: bodies.map((body) => ({ id: operationId(body), name: /query (\w+)/.exec(body)![1], type: 'query', body })),
  });
}

/** Given a body, posts it raw to the gateway and returns the status with the parsed answer. */
async function post(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse, 'status'>) };
}

/** Given parameters, sends them as a GET, as Apollo clients may for queries, and returns the status with the parsed answer. */
async function get(url: string, parameters: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const search = new URLSearchParams(Object.entries(parameters).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]));
  const response = await fetch(`${url}?${search}`, { headers: { 'apollo-require-preflight': 'true', ...headers } });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse, 'status'>) };
}

const byHash = (body: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: operationId(body) } } });

describe('approved operations at the gateway', () => {
  let seeded: SeededPlatform;
  let url: string;
  let adminUrl: string;
  let nationalId: string;
  const unknown: UnknownOperationEvent[] = [];
  const as = (agency: string, purpose: Parameters<typeof asAgency>[1]) => asAgency(seeded.demoKeys.get(agency)!, purpose);

  beforeAll(async () => {
    seeded = await startSeededPlatform(40, { onUnknownOperation: (event) => unknown.push(event) });
    url = seeded.platform.gateway.url;
    adminUrl = new URL('/admin', url).toString();
    nationalId = (await seeded.databases.databases.population('citizens').first('national_id')).national_id as string;
    const { operations } = seeded.platform;
    await operations.register(STEWARD, { agencyCode: LAND_OFFICE, application: 'land-web', manifest: apolloManifest([IDENTITY]) });
    await operations.register(STEWARD, { agencyCode: HOSPITAL, application: 'his', manifest: JSON.stringify({ [operationId(CARD)]: CARD }) });
    await operations.setMode(STEWARD, LAND_OFFICE, 'enforce');
    await operations.setMode(STEWARD, HOSPITAL, 'log-unknown');
  }, 120_000);

  afterAll(() => seeded?.stop());

  describe('an agency in enforce mode', () => {
    const land = () => as(LAND_OFFICE, 'LAND_REGISTRATION');

    it('runs its registered operation sent whole, by persisted-query hash, or by documentId', async () => {
      const whole = await post(url, { query: IDENTITY, variables: { id: nationalId } }, land());
      const hashed = await post(url, { ...byHash(IDENTITY), variables: { id: nationalId } }, land());
      const documentId = await post(url, { documentId: `sha256:${operationId(IDENTITY)}`, variables: { id: nationalId } }, land());
      for (const answer of [whole, hashed, documentId]) {
        expect(answer.status).toBe(200);
        expect(answer.errors).toBeUndefined();
        expect(answer.data!.citizen.fullName).toEqual(expect.any(String));
        // The policy still decides: the land office reads the ID masked.
        expect(answer.data!.citizen.nationalId).toMatch(/^\d{3}\*+\d{2}$/);
      }
    });

    it('refuses a new document sent inline, with or without an APQ hash, and registers nothing', async () => {
      const inline = await post(url, { query: OTHER, variables: { id: nationalId } }, land());
      expect(inline.status).toBe(400);
      expect(errorCodes(inline)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect(inline.data).toBeUndefined();
      const registration = await post(url, { query: OTHER, ...byHash(OTHER), variables: { id: nationalId } }, land());
      expect(registration.status).toBe(400);
      expect(errorCodes(registration)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      // A new document under a registered operation's hash: the text's own hash decides, and it is not registered.
      const hijack = await post(url, { query: OTHER, ...byHash(IDENTITY), variables: { id: nationalId } }, land());
      expect(hijack.status).toBe(400);
      expect(errorCodes(hijack)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      // Another agency, which may use APQ, finds nothing under that hash: the refused registration was not kept.
      const lookup = await post(url, { ...byHash(OTHER), variables: { id: nationalId } }, as(POLICE, 'INVESTIGATION'));
      expect(errorCodes(lookup)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect(lookup.data).toBeUndefined();
    });

    it("cannot run another agency's registered operation by its hash or documentId", async () => {
      const hashed = await post(url, { ...byHash(CARD), variables: { id: nationalId } }, land());
      const documentId = await post(url, { documentId: operationId(CARD), variables: { id: nationalId } }, land());
      for (const answer of [hashed, documentId]) {
        expect(answer.status).toBe(400);
        expect(errorCodes(answer)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
        expect(answer.data).toBeUndefined();
      }
    });

    it('holds GET requests to the same rules', async () => {
      const hashed = await get(url, { ...byHash(IDENTITY), variables: { id: nationalId } }, land());
      expect(hashed.errors).toBeUndefined();
      expect(hashed.data!.citizen.fullName).toEqual(expect.any(String));
      const documentId = await get(url, { documentId: operationId(IDENTITY), variables: { id: nationalId } }, land());
      expect(documentId.errors).toBeUndefined();
      const inline = await get(url, { query: OTHER, variables: { id: nationalId } }, land());
      expect(inline.status).toBe(400);
      expect(errorCodes(inline)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      const anonymous = await get(url, { query: '{ __typename }', ...byHash('{ __typename }') });
      expect(anonymous.status).toBe(403);
      expect(errorCodes(anonymous)).toEqual(['PERSISTED_QUERY_REGISTRATION_REFUSED']);
    });

    it('refuses a documentId that is not the hash of the query sent beside it', async () => {
      const answer = await post(url, { query: IDENTITY, documentId: operationId(CARD), variables: { id: nationalId } }, land());
      expect(answer.status).toBe(400);
      expect(errorCodes(answer)).toEqual(['BAD_REQUEST']);
    });
  });

  describe('automatic persisted queries', () => {
    it('refuses an anonymous registration, and keeps nothing of it', async () => {
      const query = '{ schoolsByCommune(communeCode: "40778", first: 1) { nodes { code } } }';
      const registration = await post(url, { query, ...byHash(query) });
      expect(registration.status).toBe(403);
      expect(errorCodes(registration)).toEqual(['PERSISTED_QUERY_REGISTRATION_REFUSED']);
      const lookup = await post(url, byHash(query));
      expect(errorCodes(lookup)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      // The same query without the hash answers the anonymous caller as ever.
      const plain = await postGraphQL(url, query);
      expect(plain.errors).toBeUndefined();
    });

    it('lets an authenticated agency that is off register and run by hash', async () => {
      const query = '{ schoolsByCommune(communeCode: "40779", first: 1) { nodes { code } } }';
      const police = as(POLICE, 'INVESTIGATION');
      expect(errorCodes(await post(url, byHash(query), police))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      const registration = await post(url, { query, ...byHash(query) }, police);
      expect(registration.errors).toBeUndefined();
      const lookup = await post(url, byHash(query), police);
      expect(lookup.errors).toBeUndefined();
      expect(lookup.data).toEqual(registration.data);
    });

    it('gives no agency a document by the id of a list that is not its own', async () => {
      // The police are off: a documentId must name one of their own registered operations.
      const answer = await post(url, { documentId: operationId(IDENTITY), variables: { id: nationalId } }, as(POLICE, 'INVESTIGATION'));
      expect(answer.status).toBe(400);
      expect(errorCodes(answer)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      const anonymous = await post(url, { documentId: operationId(IDENTITY), variables: { id: nationalId } });
      expect(anonymous.status).toBe(400);
      expect(errorCodes(anonymous)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    });
  });

  describe('an agency in log-unknown mode', () => {
    const hospital = () => as(HOSPITAL, 'MEDICAL_TREATMENT');

    it('runs an unregistered operation, reporting it once, and a registered one without a report', async () => {
      unknown.length = 0;
      const registered = await post(url, { query: CARD, variables: { id: nationalId } }, hospital());
      expect(registered.errors).toBeUndefined();
      expect(unknown).toEqual([]);
      const other = await post(url, { query: OTHER, variables: { id: nationalId } }, hospital());
      expect(other.errors).toBeUndefined();
      expect(other.data!.citizen.fullName).toEqual(expect.any(String));
      expect(unknown).toEqual([{ agencyCode: HOSPITAL, operationId: operationId(OTHER), operationName: 'NotRegistered' }]);
    });

    it("does not run another agency's registered operation by its hash", async () => {
      const answer = await post(url, { ...byHash(IDENTITY), variables: { id: nationalId } }, hospital());
      expect(errorCodes(answer)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect(answer.data).toBeUndefined();
    });
  });

  describe('registration through /admin', () => {
    const steward = () => ({ authorization: `Bearer ${seeded.demoKeys.get(STEWARD_AGENCY)!}` });

    it('refuses a malformed manifest with a 400 and OPERATION_MANIFEST_INVALID, and keeps the list in force', async () => {
      const before = await seeded.platform.operations.lists({ agencyCode: LAND_OFFICE });
      const mutation =
        'mutation Register($manifest: String!) { registerOperations(agencyCode: "H56.20", application: "land-web", manifest: $manifest) { list { version } } }';
      const bad = [
        'not json',
        '[]',
        JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 2, operations: [] }),
        JSON.stringify({
          format: 'apollo-persisted-query-manifest',
          version: 1,
          operations: [{ id: '0'.repeat(64), name: 'CitizenIdentity', type: 'query', body: IDENTITY }],
        }),
        JSON.stringify({ [operationId('{ nosuchField }')]: '{ nosuchField }' }),
      ];
      for (const manifest of bad) {
        const answer = await postGraphQL(adminUrl, mutation, { manifest }, steward());
        expect(answer.status).toBe(400);
        expect(errorCodes(answer)).toEqual(['OPERATION_MANIFEST_INVALID']);
        expect(answer.errors![0]!.extensions!.problems.length).toBeGreaterThan(0);
      }
      expect(await seeded.platform.operations.lists({ agencyCode: LAND_OFFICE })).toEqual(before);
      // The registered operation still runs.
      const still = await post(url, { ...byHash(IDENTITY), variables: { id: nationalId } }, as(LAND_OFFICE, 'LAND_REGISTRATION'));
      expect(still.errors).toBeUndefined();
    });

    it('registers a new version, in force at once, recorded in the history, and plans it', async () => {
      const mutation = `mutation Register($manifest: String!) {
        registerOperations(agencyCode: "H56.20", application: "land-web", manifest: $manifest) {
          list { version current operationCount changeId } plans { name allowedPurposes masked { purpose fields } }
        }
      }`;
      const answer = await postGraphQL(adminUrl, mutation, { manifest: apolloManifest([IDENTITY, OTHER]) }, steward());
      expect(answer.errors).toBeUndefined();
      const { list, plans } = answer.data!.registerOperations;
      expect(list).toMatchObject({ version: 2, current: true, operationCount: 2 });
      expect(plans.find((plan: { name: string }) => plan.name === 'CitizenIdentity')).toEqual({
        name: 'CitizenIdentity',
        allowedPurposes: ['LAND_REGISTRATION'],
        masked: [{ purpose: 'LAND_REGISTRATION', fields: ['Citizen.dateOfBirth as YEAR_ONLY', 'Citizen.nationalId as PARTIAL_ID'] }],
      });
      const [change] = await seeded.platform.stewardship.changes({ entityType: 'OPERATIONS', entityId: 'H56.20/land-web', limit: 1 });
      expect(change).toMatchObject({ id: list.changeId, action: 'REGISTER_OPERATIONS', actor: STEWARD_AGENCY, before: { version: 1 } });
      const now = await post(url, { query: OTHER, variables: { id: nationalId } }, as(LAND_OFFICE, 'LAND_REGISTRATION'));
      expect(now.errors).toBeUndefined();
      const versions = await seeded.platform.operations.lists({ agencyCode: LAND_OFFICE, application: 'land-web' });
      expect(versions.map((version) => [version.version, version.current])).toEqual([
        [2, true],
        [1, false],
      ]);
    });

    it('previews the impact of revoking the grant a registered operation rests on, changing nothing', async () => {
      const grants = await seeded.platform.stewardship.listGrants({ agencyCode: LAND_OFFICE });
      const classification = grants.find((grant) => grant.target.kind === 'CLASSIFICATION')!;
      const query = `query Impact($ids: [ID!]) { operationImpact(agencyCode: "H56.20", revokeGrantIds: $ids) { name purpose change fields { coordinate before after } } }`;
      const answer = await postGraphQL(adminUrl, query, { ids: [classification.id] }, steward());
      expect(answer.errors).toBeUndefined();
      const impacts = answer.data!.operationImpact as Array<{ name: string; purpose: string; change: string }>;
      expect(impacts.map(({ name, purpose, change }) => `${name} ${purpose} ${change}`).sort()).toEqual([
        'CitizenIdentity LAND_REGISTRATION DENIED',
        'NotRegistered LAND_REGISTRATION DENIED',
      ]);
      // A mask loosened by a proposed grant shows as a mask change.
      const loosen = await seeded.platform.operations.impact({
        agencyCode: LAND_OFFICE,
        addGrants: [
          {
            agencyCode: LAND_OFFICE,
            target: { kind: 'FIELD', coordinate: 'Citizen.dateOfBirth' },
            purposes: ['LAND_REGISTRATION'],
            legalBasis: 'Thử',
            legalInstruments: ['47/2020/NĐ-CP'],
          },
        ],
      });
      expect(loosen).toEqual([
        expect.objectContaining({
          name: 'CitizenIdentity',
          change: 'MASK_CHANGED',
          fields: [{ coordinate: 'Citizen.dateOfBirth', before: 'MASK YEAR_ONLY', after: 'ALLOW' }],
        }),
      ]);
      expect((await seeded.platform.stewardship.listGrants({ agencyCode: LAND_OFFICE })).length).toBe(grants.length);
      const unknownGrant = await postGraphQL(adminUrl, query, { ids: ['999999'] }, steward());
      expect(errorCodes(unknownGrant)).toEqual(['NOT_FOUND']);
    });

    it('refuses an unknown mode and keeps the one set', async () => {
      const answer = await postGraphQL(adminUrl, 'mutation { setOperationsMode(agencyCode: "H56.20", mode: "strict") { mode } }', {}, steward());
      expect(errorCodes(answer)).toEqual(['BAD_USER_INPUT']);
      expect(await seeded.platform.operations.mode(LAND_OFFICE)).toBe('enforce');
    });

    it('keeps the approved operations from an agency that is not a steward', async () => {
      const answer = await postGraphQL(adminUrl, '{ operationLists { application } }', {}, { authorization: `Bearer ${seeded.demoKeys.get(LAND_OFFICE)!}` });
      expect(answer.status).toBe(403);
      expect(errorCodes(answer)).toEqual(['FORBIDDEN']);
    });
  });
});

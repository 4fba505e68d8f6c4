import { startHttpServer } from '../../common/httpServer';
import type { HttpServerHandle } from '../../common/httpServer';
import { getLogger } from '../../common/logger';
import { createAdminRoute } from '../../gateway/admin';
import { demoUnits } from '../../gateway/store/demo';
import { PolicyCache } from '../../gateway/store/policyCache';
import type { GraphQLResponse } from '../helpers/graphql';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import type { TestStore } from '../store/storeHelpers';
import { TEST_ACTOR, createTestStore } from '../store/storeHelpers';

const CREATE_GRANT = `mutation ($input: CreateGrantInput!) {
  createGrant(input: $input) { id agencyCode target { kind coordinate typeName sharing personal description } purposes legalBasis scopeUnitCodes masks { coordinate mask } validFrom validTo status }
}`;

describe('admin API', () => {
  let store: TestStore;
  let cache: PolicyCache;
  let handle: HttpServerHandle;
  let url: string;
  let stewardKey: string;
  let stewardKeyId: string;
  let landKey: string;

  const asSteward = <T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, key = stewardKey): Promise<GraphQLResponse<T>> =>
    postGraphQL<T>(url, query, variables, { authorization: `Bearer ${key}` });

  /** Given a response that must fail, checks it carries one error with the code and message, and no stack. */
  function expectError(response: GraphQLResponse, code: string, message: RegExp): void {
    expect(errorCodes(response)).toEqual([code]);
    expect(response.errors![0]!.message).toMatch(message);
    expect(JSON.stringify(response)).not.toMatch(/stacktrace|\.ts:\d+|at [A-Za-z]+ \(/);
  }

  beforeAll(async () => {
    store = await createTestStore({ onChange: () => cache?.refreshNow() });
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.10', name: 'Trung tâm Dữ liệu tỉnh Thanh Hóa', steward: true });
    await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai tỉnh Thanh Hóa', sector: 'land' });
    ({
      key: stewardKey,
      credential: { id: stewardKeyId },
    } = await store.stewardship.createApiKey(TEST_ACTOR, { agencyCode: 'H56.10' }));
    ({ key: landKey } = await store.stewardship.createApiKey(TEST_ACTOR, { agencyCode: 'H56.20' }));
    // A long interval: every change below must be seen through onChange, not through polling.
    cache = new PolicyCache({ repository: store.repository, refreshMs: 5000 });
    await cache.start();
    const route = createAdminRoute({ stewardship: store.stewardship, authenticator: store.authenticator, policyCache: cache });
    handle = await startHttpServer([route], { port: 0, host: '127.0.0.1' }, getLogger('test'));
    url = new URL('admin', handle.baseUrl).toString();
  });

  afterAll(async () => {
    cache?.stop();
    await handle?.stop();
    await store?.destroy();
  });

  describe('who may call it', () => {
    it('refuses an anonymous caller with 401 UNAUTHENTICATED, introspection included', async () => {
      for (const query of ['{ agencies { code } }', '{ __schema { types { name } } }']) {
        const response = await postGraphQL(url, query);
        expect(response.status).toBe(401);
        expect(response.data).toBeUndefined();
        expectError(response, 'UNAUTHENTICATED', /needs a steward agency's credential/);
      }
    });

    it('refuses an agency that is not a steward with 403 FORBIDDEN', async () => {
      const response = await asSteward('{ agencies { code } }', {}, landKey);
      expect(response.status).toBe(403);
      expectError(response, 'FORBIDDEN', /H56.20 is not a steward/);
    });

    it('refuses a malformed or unknown key with 401 UNAUTHENTICATED, without quoting it', async () => {
      const unknown = `dsp_zzzzzzzz_${'s'.repeat(43)}`;
      const response = await asSteward('{ agencies { code } }', {}, unknown);
      expect(response.status).toBe(401);
      expectError(response, 'UNAUTHENTICATED', /zzzzzzzz is not recognised/);
      expect(JSON.stringify(response)).not.toContain('s'.repeat(43));
    });

    it('suggests no field or argument a steward did not write', async () => {
      const response = await asSteward('{ agencie { code } agencies { cod } }');
      expect(response.status).toBe(400);
      expect(response.errors!.map((error) => error.message)).toEqual([
        'Cannot query field "agencie" on type "Query".',
        'Cannot query field "cod" on type "Agency".',
      ]);
      expect(JSON.stringify(response)).not.toMatch(/Did you mean/);
    });

    it('serves no landing page', async () => {
      const response = await fetch(url, { headers: { accept: 'text/html' } });
      expect(response.headers.get('content-type')).not.toMatch(/html/);
    });
  });

  describe('for a steward', () => {
    it('lists agencies and the policy version', async () => {
      const response = await asSteward('{ policyVersion agencies { code name sector unitCodes steward } }');
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({
        policyVersion: await store.stewardship.version(),
        agencies: [
          { code: 'H56.10', name: 'Trung tâm Dữ liệu tỉnh Thanh Hóa', sector: null, unitCodes: [], steward: true },
          { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai tỉnh Thanh Hóa', sector: 'land', unitCodes: [], steward: false },
        ],
      });
    });

    it('creates an agency and its key; the key is recognised at once and the change names the steward', async () => {
      const created = await asSteward(
        'mutation { createAgency(input: { code: "H56.15.01", name: "Bệnh viện Đa khoa", sector: "health" }) { code sector steward } }',
      );
      expect(created.data?.createAgency).toEqual({ code: 'H56.15.01', sector: 'health', steward: false });
      const issued = await asSteward<{ createApiKey: { key: string; apiKey: { id: string; agencyCode: string; status: string } } }>(
        'mutation { createApiKey(agencyCode: "H56.15.01", label: "HIS") { key apiKey { id agencyCode status label } } }',
      );
      const { key, apiKey } = issued.data!.createApiKey;
      expect(key).toMatch(new RegExp(`^dsp_${apiKey.id}_[A-Za-z0-9_-]{43}$`));
      expect(apiKey).toMatchObject({ agencyCode: 'H56.15.01', status: 'ACTIVE' });
      // Known (not UNAUTHENTICATED) but not a steward: the new key works without waiting for a poll.
      expect(errorCodes(await asSteward('{ agencies { code } }', {}, key))).toEqual(['FORBIDDEN']);

      const listed = await asSteward('{ apiKeys(agencyCode: "H56.15.01") { id label status } }');
      expect(listed.data?.apiKeys).toEqual([{ id: apiKey.id, label: 'HIS', status: 'ACTIVE' }]);
      expect(JSON.stringify(listed)).not.toContain(key.slice(13));

      const changes = await asSteward('{ policyChanges(limit: 2) { actor credentialId action entityType entityId before after } }');
      expect(changes.data?.policyChanges).toEqual([
        {
          actor: 'H56.10',
          credentialId: stewardKeyId,
          action: 'CREATE_KEY',
          entityType: 'CREDENTIAL',
          entityId: apiKey.id,
          before: null,
          after: expect.any(String),
        },
        {
          actor: 'H56.10',
          credentialId: stewardKeyId,
          action: 'CREATE_AGENCY',
          entityType: 'AGENCY',
          entityId: 'H56.15.01',
          before: null,
          after: expect.any(String),
        },
      ]);
      expect(JSON.parse(changes.data!.policyChanges[1].after)).toEqual({
        code: 'H56.15.01',
        name: 'Bệnh viện Đa khoa',
        sector: 'health',
        unitCodes: [],
        steward: false,
      });
    });

    it('creates a grant, explains a decision with it, and revokes it', async () => {
      const input = {
        agencyCode: 'H56.20',
        target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC' },
        purposes: ['LAND_REGISTRATION'],
        legalBasis: 'Luật Đất đai 2024; Nghị định 101/2024/NĐ-CP',
        legalInstruments: ['31/2024/QH15', '101/2024/NĐ-CP'],
        masks: [{ coordinate: 'Citizen.nationalId', mask: 'PARTIAL_ID' }],
      };
      const created = await asSteward(CREATE_GRANT, { input });
      expect(created.errors).toBeUndefined();
      const grant = created.data!.createGrant;
      expect(grant).toMatchObject({
        agencyCode: 'H56.20',
        target: { kind: 'CLASSIFICATION', coordinate: null, typeName: null, sharing: 'SHARED', personal: 'BASIC', description: 'CLASSIFICATION SHARED/BASIC' },
        masks: [{ coordinate: 'Citizen.nationalId', mask: 'PARTIAL_ID' }],
        scopeUnitCodes: null,
        validTo: null,
        status: 'ACTIVE',
      });

      const explained = await asSteward(
        `query ($query: String!) { explain(agencyCode: "H56.20", purpose: "LAND_REGISTRATION", query: $query) {
          allowed purposeRequired policyVersion purpose fields { coordinate effect rule grantId mask reason neededGrant scopeUnitCodes }
          scope { population land health education } } }`,
        { query: '{ citizen(nationalId: "038085001234") { nationalId ethnicity } }' },
      );
      expect(explained.errors).toBeUndefined();
      const decision = explained.data!.explain;
      expect(decision).toMatchObject({ allowed: false, purposeRequired: true, policyVersion: await store.stewardship.version(), purpose: 'LAND_REGISTRATION' });
      expect(decision.scope).toEqual({ population: null, land: null, health: null, education: null });
      expect(decision.fields.map((field: Record<string, unknown>) => [field.coordinate, field.effect, field.rule, field.grantId, field.mask])).toEqual([
        ['Citizen.ethnicity', 'DENY', 'SENSITIVE_NEEDS_FIELD_GRANT', null, null],
        ['Citizen.nationalId', 'MASK', 'GRANT', grant.id, 'PARTIAL_ID'],
        ['Query.citizen', 'ALLOW', 'GRANT', grant.id, null],
      ]);
      expect(decision.fields.map((field: Record<string, unknown>) => field.scopeUnitCodes)).toEqual([null, null, null]);

      const conflict = await asSteward(CREATE_GRANT, { input });
      expectError(conflict, 'CONFLICT', new RegExp(`Grant ${grant.id} already gives H56.20`));

      const revoked = await asSteward('mutation ($id: ID!) { revokeGrant(id: $id) { id status revokedAt } }', { id: grant.id });
      expect(revoked.data?.revokeGrant).toMatchObject({ id: grant.id, status: 'REVOKED' });
      expect(cache.current().grantsByAgency.get('H56.20') ?? []).toEqual([]);
      const listed = await asSteward('{ active: grants(agencyCode: "H56.20") { id } all: grants(agencyCode: "H56.20", includeRevoked: true) { id status } }');
      expect(listed.data).toEqual({ active: [], all: [{ id: grant.id, status: 'REVOKED' }] });
    });

    it('creates a classification grant limited to a sector and types, scoped to a ward, and explains with variables', async () => {
      const input = {
        agencyCode: 'H56.20',
        target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', sector: 'population', typeNames: ['Residence', 'Query', 'Citizen'] },
        purposes: ['STATISTICS'],
        legalBasis: 'Luật Thống kê 2015',
        legalInstruments: ['89/2015/QH13'],
        scopeUnitCodes: ['40778'],
      };
      const created = await asSteward(
        'mutation ($input: CreateGrantInput!) { createGrant(input: $input) { id scopeUnitCodes target { kind sharing personal sector typeNames description } } }',
        { input },
      );
      expect(created.errors).toBeUndefined();
      const grant = created.data!.createGrant;
      expect(grant).toMatchObject({
        scopeUnitCodes: ['40778'],
        target: {
          kind: 'CLASSIFICATION',
          sharing: 'SHARED',
          personal: 'BASIC',
          sector: 'population',
          typeNames: ['Citizen', 'Query', 'Residence'],
          description: 'CLASSIFICATION SHARED/BASIC in sector population on types Citizen, Query, Residence',
        },
      });
      const explain = (variables: string) =>
        asSteward(
          'query ($query: String!, $variables: String) { explain(agencyCode: "H56.20", purpose: "STATISTICS", query: $query, variables: $variables) { allowed fields { coordinate effect reason } } }',
          {
            query: 'query ($card: Boolean!) { citizen(nationalId: "038085001234") { fullName healthInsurance @include(if: $card) { benefitLevel } } }',
            variables,
          },
        );
      const withoutCard = (await explain('{"card": false}')).data!.explain;
      expect(withoutCard.allowed).toBe(true);
      expect(withoutCard.fields.find((field: { coordinate: string }) => field.coordinate === 'Citizen.fullName').reason).toContain(
        'in sector population on types Citizen, Query, Residence',
      );
      const withCard = (await explain('{"card": true}')).data!.explain;
      expect(withCard.allowed).toBe(false);
      expect(withCard.fields.filter((field: { effect: string }) => field.effect === 'DENY').map((field: { coordinate: string }) => field.coordinate)).toEqual([
        'Citizen.healthInsurance',
        'HealthInsuranceCard.benefitLevel',
      ]);
      await asSteward('mutation ($id: ID!) { revokeGrant(id: $id) { id } }', { id: grant.id });
    });

    it('loads the administrative units, and a second time changes nothing', async () => {
      const load = (units: unknown[]) =>
        asSteward('mutation ($units: [AdministrativeUnitInput!]!) { loadAdministrativeUnits(units: $units) { units communesInForce changed } }', { units });
      const units = [
        { code: '38', name: 'Thanh Hóa', level: 'PROVINCE', validFrom: '1975-01-01' },
        { code: '40778', name: 'Hạc Thành', level: 'COMMUNE', validFrom: '2025-07-01' },
        { code: '14755', name: 'Đông Hải', level: 'COMMUNE', validFrom: '1975-01-01', validTo: '2025-06-30', replacedBy: '40778' },
      ];
      const before = await store.db('administrative_units').select('code').orderBy('code');
      try {
        expect((await load(units)).data!.loadAdministrativeUnits).toEqual({ units: 3, communesInForce: 1, changed: true });
        expect((await load(units)).data!.loadAdministrativeUnits).toEqual({ units: 3, communesInForce: 1, changed: false });
        const refused = await asSteward('mutation { createAgency(input: { code: "H56.41", name: "x", unitCodes: ["40779"] }) { code } }');
        expectError(refused, 'BAD_USER_INPUT', /40779 is not an administrative unit/);
      } finally {
        await store.stewardship.loadUnits(TEST_ACTOR, demoUnits());
      }
      expect(await store.db('administrative_units').select('code').orderBy('code')).toEqual(before);
    });

    it.each([
      ['BAD_USER_INPUT', 'mutation { createAgency(input: { code: "H56.40", name: "x", unitCodes: ["123"] }) { code } }', /Malformed unit codes "123"/],
      ['BAD_USER_INPUT', 'mutation { createApiKey(agencyCode: "H56.20", expiresAt: "yesterday") { key } }', /"yesterday" is not a date/],
      ['NOT_FOUND', 'mutation { updateAgency(code: "H56.77", input: { name: "x" }) { code } }', /Unknown agency "H56.77"/],
      ['NOT_FOUND', 'mutation { revokeApiKey(id: "zzzzzzzz") { id } }', /Unknown API key "zzzzzzzz"/],
      ['CONFLICT', 'mutation { createAgency(input: { code: "H56.20", name: "again" }) { code } }', /exists already/],
      ['BAD_USER_INPUT', '{ explain(agencyCode: "H56.20", purpose: "GOSSIP", query: "{ __typename }") { allowed } }', /Unknown purpose "GOSSIP"/],
      ['BAD_USER_INPUT', '{ policyChanges(limit: 1000) { id } }', /limit must be from 1 to 500/],
      [
        'BAD_USER_INPUT',
        'mutation { createAgency(input: { code: "H56.40", name: "x", unitCodes: ["99999"] }) { code } }',
        /^Invalid unit codes: 99999 is not an administrative unit$/,
      ],
      [
        'BAD_USER_INPUT',
        'mutation { createGrant(input: { agencyCode: "H56.20", target: { kind: "FIELD", coordinate: "Citizen.fullName" }, purposes: ["LAND_REGISTRATION"], legalInstruments: ["31/2024/QH15"], scopeUnitCodes: ["40778", "99999"] }) { id } }',
        /^Invalid scope unit codes: 99999 is not an administrative unit$/,
      ],
      [
        'BAD_USER_INPUT',
        'mutation { createGrant(input: { agencyCode: "H56.20", target: { kind: "CLASSIFICATION", sharing: "SHARED", personal: "BASIC", sector: "finance" }, purposes: ["LAND_REGISTRATION"], legalInstruments: ["31/2024/QH15"] }) { id } }',
        /Unknown sector "finance"/,
      ],
      [
        'BAD_USER_INPUT',
        'mutation { loadAdministrativeUnits(units: [{ code: "40778", name: "Hạc Thành", level: "HAMLET", validFrom: "2025-07-01" }]) { units } }',
        /unknown level "HAMLET"/,
      ],
      ['BAD_USER_INPUT', '{ explain(agencyCode: "H56.20", query: "{ __typename }", variables: "{nope") { allowed } }', /variables are not JSON/],
    ])('answers %s to %s', async (code, query, message) => {
      const versionBefore = await store.stewardship.version();
      const response = await asSteward(query);
      expectError(response, code, message);
      expect(await store.stewardship.version()).toBe(versionBefore);
    });

    it("takes a steward's rights away at once: a revoked key and a demoted agency are refused on the next request", async () => {
      await asSteward('mutation { createAgency(input: { code: "H56.11", name: "Sở Thông tin", steward: true }) { code } }');
      const second = (await asSteward('mutation { createApiKey(agencyCode: "H56.11") { key apiKey { id } } }')).data!.createApiKey;
      expect((await asSteward('{ policyVersion }', {}, second.key)).errors).toBeUndefined();

      await asSteward('mutation { updateAgency(code: "H56.11", input: { steward: false }) { steward } }');
      expect(errorCodes(await asSteward('{ policyVersion }', {}, second.key))).toEqual(['FORBIDDEN']);

      await asSteward('mutation { updateAgency(code: "H56.11", input: { steward: true }) { steward } }');
      const revoked = await asSteward('mutation ($id: String!) { revokeApiKey(id: $id) { status } }', { id: second.apiKey.id });
      expect(revoked.data?.revokeApiKey).toEqual({ status: 'REVOKED' });
      const refused = await asSteward('{ policyVersion }', {}, second.key);
      expect(refused.status).toBe(401);
      expectError(refused, 'UNAUTHENTICATED', /has been revoked/);
    });

    it('rotates a key and hands out the successor once', async () => {
      const first = (await asSteward('mutation { createApiKey(agencyCode: "H56.20") { key apiKey { id } } }')).data!.createApiKey;
      const rotated = await asSteward('mutation ($id: String!) { rotateApiKey(id: $id, graceSeconds: 0) { key apiKey { id status } } }', {
        id: first.apiKey.id,
      });
      const successor = rotated.data!.rotateApiKey;
      expect(successor.key).not.toBe(first.key);
      expect(errorCodes(await asSteward('{ policyVersion }', {}, first.key))).toEqual(['UNAUTHENTICATED']);
      expect(errorCodes(await asSteward('{ policyVersion }', {}, successor.key))).toEqual(['FORBIDDEN']);
    });
  });
});

import type { SeededPlatform } from '../helpers/platform';
import { asAgency, startSeededPlatform } from '../helpers/platform';
import type { GraphQLResponse } from '../helpers/graphql';
import { errorCodes, postGraphQL } from '../helpers/graphql';

const MY_ACCESS = `{ myAccess { agencyCode agencyName ownSector policyVersion expiringWithinDays
  grants { id covers fields types purposes legalBasis rowScope masks { field mask } validFrom validTo valid expiresInDays expiringSoon }
  expiringSoon { id } } }`;

const EXPLAIN = `query ($query: String!, $purpose: String) {
  explainOperation(query: $query, purpose: $purpose) {
    allowed purposeRequired purpose policyVersion
    fields { coordinate effect rule grantId reason mask neededGrant scopeUnitCodes }
    scope { population land health education }
  }
}`;

const PARCELS_OF_A_CITIZEN = '{ citizen(nationalId: "038085001234") { fullName landParcels { id } } }';

describe('agency self-service on /graphql', () => {
  let seeded: SeededPlatform;
  let url: string;
  const key = (code: string) => seeded.demoKeys.get(code)!;

  beforeAll(async () => {
    seeded = await startSeededPlatform(30);
    url = seeded.platform.gateway.url;
  });
  afterAll(async () => {
    await seeded?.stop();
  });

  it('gives the hospital its own grants: fields, purposes, legal basis, rows, masks and validity', async () => {
    const response = await postGraphQL(url, MY_ACCESS, {}, asAgency(key('H56.15.01')));
    expect(response.errors).toBeUndefined();
    const access = response.data!.myAccess;
    expect(access).toMatchObject({ agencyCode: 'H56.15.01', ownSector: 'health', expiringWithinDays: 30, expiringSoon: [] });
    expect(access.grants.length).toBeGreaterThan(0);
    const fullName = access.grants.find((grant: { covers: string }) => grant.covers === 'FIELD Citizen.fullName');
    expect(fullName).toEqual({
      id: expect.any(String),
      covers: 'FIELD Citizen.fullName',
      fields: ['Citizen.fullName'],
      types: ['Citizen'],
      purposes: ['MEDICAL_TREATMENT', 'HEALTH_INSURANCE'],
      legalBasis: 'Luật Khám bệnh, chữa bệnh 2023; Nghị định 13/2023/NĐ-CP',
      rowScope: null,
      masks: [],
      validFrom: expect.any(String),
      validTo: null,
      valid: true,
      expiresInDays: null,
      expiringSoon: false,
    });
    // Another agency's grants never appear: the land office's classification grant is not the hospital's.
    expect(access.grants.some((grant: { covers: string }) => grant.covers.startsWith('CLASSIFICATION'))).toBe(false);
  });

  it('gives the land office its masks, the ward its row scope, each only its own', async () => {
    const land = (await postGraphQL(url, MY_ACCESS, {}, asAgency(key('H56.20')))).data!.myAccess;
    expect(land.agencyCode).toBe('H56.20');
    // Least privilege: the population sector's Citizen and Residence fields, and the root field that reaches them.
    expect(land.grants.map((grant: { covers: string }) => grant.covers).sort()).toEqual([
      'CLASSIFICATION SHARED/BASIC in sector population on types Citizen, Residence',
      'FIELD Query.citizen',
    ]);
    const classification = land.grants.find((grant: { covers: string }) => grant.covers.startsWith('CLASSIFICATION'));
    expect(classification.masks).toEqual(
      expect.arrayContaining([
        { field: 'Citizen.dateOfBirth', mask: 'YEAR_ONLY' },
        { field: 'Citizen.nationalId', mask: 'PARTIAL_ID' },
      ]),
    );
    // A CLASSIFICATION grant on SHARED/BASIC limited to population's types opens those fields, never a sensitive one or another sector's.
    expect(classification.fields).toEqual(expect.arrayContaining(['Citizen.fullName']));
    expect(classification.fields).not.toContain('Citizen.ethnicity');
    expect(classification.fields).not.toContain('Citizen.healthInsurance');
    const ward = (await postGraphQL(url, MY_ACCESS, {}, asAgency(key('H56.99.40778')))).data!.myAccess;
    expect(ward.agencyCode).toBe('H56.99.40778');
    expect(new Set(ward.grants.map((grant: { rowScope: string[] }) => grant.rowScope.join(',')))).toEqual(new Set(['40778']));
  });

  it('shows a grant that ends within 30 days as expiring soon', async () => {
    const validTo = new Date(Date.now() + 10 * 24 * 3600 * 1000 + 3600 * 1000).toISOString();
    await seeded.platform.stewardship.createGrant(
      { kind: 'SYSTEM', task: 'test' },
      {
        agencyCode: 'H56.15.01',
        target: { kind: 'FIELD', coordinate: 'Diploma.serial' },
        purposes: ['MEDICAL_TREATMENT'],
        legalBasis: 'Test: a grant that ends soon',
        legalInstruments: ['15/2023/QH15'],
        validTo,
      },
    );
    await seeded.platform.policyCache.refreshNow();
    const access = (await postGraphQL(url, MY_ACCESS, {}, asAgency(key('H56.15.01')))).data!.myAccess;
    const ending = access.grants.find((grant: { covers: string }) => grant.covers === 'FIELD Diploma.serial');
    expect(ending).toMatchObject({ validTo, valid: true, expiresInDays: 10, expiringSoon: true });
    expect(access.expiringSoon).toEqual([{ id: ending.id }]);
  });

  it('refuses the anonymous caller (FORBIDDEN) and a bad key (UNAUTHENTICATED)', async () => {
    const anonymous = await postGraphQL(url, MY_ACCESS);
    expect(anonymous.status).toBe(403);
    expect(errorCodes(anonymous)).toEqual(['FORBIDDEN']);
    const badKey = await postGraphQL(url, MY_ACCESS, {}, asAgency('dsp_nothere0_notasecretatallnotasecretatallnotasecre'));
    expect(badKey.status).toBe(401);
    expect(errorCodes(badKey)).toEqual(['UNAUTHENTICATED']);
  });

  it('explains a refusal to the agency with the decision stewards see', async () => {
    const response = await postGraphQL(url, EXPLAIN, { query: PARCELS_OF_A_CITIZEN }, asAgency(key('H56.15.01'), 'MEDICAL_TREATMENT'));
    expect(response.errors).toBeUndefined();
    const decision = response.data!.explainOperation;
    expect(decision.allowed).toBe(false);
    expect(decision.purpose).toBe('MEDICAL_TREATMENT');
    expect(decision.fields.find((field: { coordinate: string }) => field.coordinate === 'Citizen.landParcels')).toMatchObject({
      effect: 'DENY',
      rule: 'DEFAULT_DENY',
    });
    expect(decision.fields.find((field: { coordinate: string }) => field.coordinate === 'Citizen.fullName')).toMatchObject({ effect: 'ALLOW', rule: 'GRANT' });
    const stewards = await seeded.platform.stewardship.explain({ agencyCode: 'H56.15.01', purpose: 'MEDICAL_TREATMENT', query: PARCELS_OF_A_CITIZEN });
    expect(decision).toEqual(JSON.parse(JSON.stringify(stewards)));
    // And the operation itself is refused in the same terms.
    const refused = await postGraphQL(url, PARCELS_OF_A_CITIZEN, {}, asAgency(key('H56.15.01'), 'MEDICAL_TREATMENT'));
    expect(refused.errors![0]!.extensions!.denied.map((denied: { field: string }) => denied.field)).toEqual(
      decision.fields.filter((field: { effect: string }) => field.effect === 'DENY').map((field: { coordinate: string }) => field.coordinate),
    );
  });

  it("explains for the purpose argument, else the request's X-Purpose, and needs no purpose itself", async () => {
    const byArgument = await postGraphQL(url, EXPLAIN, { query: PARCELS_OF_A_CITIZEN, purpose: 'LAND_REGISTRATION' }, asAgency(key('H56.20')));
    expect(byArgument.data!.explainOperation).toMatchObject({ allowed: true, purpose: 'LAND_REGISTRATION' });
    const none = await postGraphQL(url, EXPLAIN, { query: PARCELS_OF_A_CITIZEN }, asAgency(key('H56.20')));
    expect(none.data!.explainOperation).toMatchObject({ allowed: false, purpose: null, purposeRequired: true });
  });

  it.each([
    ['an operation that does not parse', { query: '{ citizen(' }, /does not parse/],
    ['an invalid operation', { query: '{ nothingHere }' }, /not valid against the API schema/],
    ['an unknown purpose', { query: PARCELS_OF_A_CITIZEN, purpose: 'GOSSIP' }, /Unknown purpose "GOSSIP"/],
  ])('refuses %s with BAD_USER_INPUT', async (_what, variables, message) => {
    const response = await postGraphQL(url, EXPLAIN, variables, asAgency(key('H56.15.01')));
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors![0]!.message).toMatch(message);
  });

  it("shows myAccess in an agency's introspection and not in the anonymous caller's", async () => {
    const rootFields = '{ __schema { queryType { fields { name } } } }';
    const names = (response: GraphQLResponse) => response.data!.__schema.queryType.fields.map((field: { name: string }) => field.name);
    expect(names(await postGraphQL(url, rootFields, {}, asAgency(key('H56.15.01'))))).toEqual(expect.arrayContaining(['myAccess', 'explainOperation']));
    expect(names(await postGraphQL(url, rootFields))).not.toContain('myAccess');
  });

  describe('field descriptions in introspection, per caller', () => {
    const CITIZEN_FIELDS = '{ __type(name: "Citizen") { fields { name description } } }';
    const descriptionOf = async (headers: Record<string, string>, field: string): Promise<string> => {
      const response = await postGraphQL(url, CITIZEN_FIELDS, {}, headers);
      return response.data!.__type.fields.find((candidate: { name: string }) => candidate.name === field).description;
    };

    it('tells the land office the classification, mask, row scope, legal basis and expiry of its grant', async () => {
      const description = await descriptionOf(asAgency(key('H56.20')), 'nationalId');
      expect(description).toContain('**Classification:** SHARED, personal data BASIC.');
      expect(description).toMatch(
        /for LAND_REGISTRATION: masked as PARTIAL_ID; rows of the whole province; grant \S+ \(legal basis: Luật Đất đai 2024; Nghị định 101\/2024\/NĐ-CP; valid until revoked\)/,
      );
      expect(await descriptionOf(asAgency(key('H56.20')), 'fullName')).toMatch(/for LAND_REGISTRATION: in full;/);
    });

    it('tells the ward its row scope and the hospital its purposes; its own sector to the police', async () => {
      expect(await descriptionOf(asAgency(key('H56.99.40778')), 'fullName')).toContain('rows of communes 40778 only');
      expect(await descriptionOf(asAgency(key('H56.15.01')), 'fullName')).toContain('for MEDICAL_TREATMENT, HEALTH_INSURANCE: in full;');
      expect(await descriptionOf(asAgency(key('H56.01')), 'fullName')).toContain("your own sector's data: read in full.");
    });

    it("keeps the schema's own description first, and tells the anonymous caller about open data only", async () => {
      const response = await postGraphQL(url, '{ __type(name: "School") { fields { name description } } }');
      const name = response.data!.__type.fields.find((candidate: { name: string }) => candidate.name === 'name').description;
      expect(name).toMatch(/\*\*Classification:\*\* OPEN, personal data NONE\. \*\*For you:\*\* open data: anyone reads it\.$/);
    });
  });
});

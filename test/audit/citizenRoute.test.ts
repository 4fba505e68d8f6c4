import fs from 'node:fs';
import path from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { KeyLike } from 'jose';
import type { JwtConfig } from '../../common/config';
import { loadConfig } from '../../common/config';
import { startHttpServer } from '../../common/httpServer';
import type { HttpServerHandle } from '../../common/httpServer';
import { getLogger } from '../../common/logger';
import { AuditTrail } from '../../gateway/audit/auditTrail';
import { createCitizenRoute } from '../../gateway/audit/citizenRoute';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import type { GraphQLResponse } from '../helpers/graphql';
import type { TestClock } from '../store/storeHelpers';
import { testClock } from '../store/storeHelpers';
import type { AuditFixture } from './auditHelpers';
import { HOSPITAL, POLICE, auditInput, createAuditFixture, decided } from './auditHelpers';

const ISSUER = 'https://id.thanhhoa.gov.vn';
const AUDIENCE = 'dsp-gateway';
const AN = '038085000001';
const BINH = '038190000002';
const NOBODY = '038201000003';

const MY_ACCESS = `query ($first: Int, $after: String, $from: String, $to: String) {
  myDataAccess(first: $first, after: $after, from: $from, to: $to) {
    nodes { reference at agencyCode agencyName purpose dossierId fieldsRead }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('citizen data tracker (/citizen)', () => {
  let fixture: AuditFixture;
  let clock: TestClock;
  let handle: HttpServerHandle;
  let url: string;
  let signingKey: KeyLike;
  let stranger: KeyLike;

  const token = (claims: Record<string, unknown>, key: KeyLike = signingKey, expiresIn: string = '5m') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: 'id-1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(key);

  const asCitizen = async (nationalId: string, variables: Record<string, unknown> = {}, query = MY_ACCESS): Promise<GraphQLResponse> =>
    postGraphQL(url, query, variables, { authorization: `Bearer ${await token({ sub: nationalId })}` });

  beforeAll(async () => {
    fixture = await createAuditFixture();
    clock = testClock('2026-06-01T00:00:00.000Z');
    const keys = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    signingKey = keys.privateKey;
    stranger = (await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey;
    const jwksFile = path.join(fixture.directory, 'jwks.json');
    fs.writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'id-1', alg: 'EdDSA', use: 'sig' }] }));
    const jwt: JwtConfig = { issuer: ISSUER, audience: AUDIENCE, agencyClaim: 'agency_code', jwksUrl: null, jwksFile };

    const log = await fixture.startLog('gw-tracker');
    const at = (iso: string) => new Date(iso);
    // 1. The land office reads An's name and year of birth.
    await log.append(auditInput({ at: at('2026-05-01T09:00:00.000Z'), citizenIds: [AN], dossierId: 'HS-LAND-1' }));
    // 2. The hospital reads An and Binh; one field was denied and is not "read".
    await log.append(
      auditInput({
        agency: HOSPITAL,
        at: at('2026-05-02T09:00:00.000Z'),
        purpose: 'MEDICAL_TREATMENT',
        dossierId: 'BA-77',
        citizenIds: [AN, BINH],
        fields: [decided('Citizen.fullName'), decided('Citizen.ethnicity', 'DENY'), decided('Query.citizen')],
        outcome: 'FILTERED',
      }),
    );
    // 3. A refused attempt on An: it returned nothing, so An does not see it.
    await log.append(auditInput({ at: at('2026-05-03T09:00:00.000Z'), citizenIds: [AN], outcome: 'DENIED', errorCode: 'FORBIDDEN', dossierId: 'HS-DENIED' }));
    // 4. The police read An ten days ago: deferred for 90 days.
    await log.append(auditInput({ agency: POLICE, at: at('2026-05-22T09:00:00.000Z'), purpose: 'INVESTIGATION', citizenIds: [AN], dossierId: 'VA-RECENT' }));
    // 5. The police read An 120 days ago: shown.
    await log.append(auditInput({ agency: POLICE, at: at('2026-02-01T09:00:00.000Z'), purpose: 'INVESTIGATION', citizenIds: [AN], dossierId: 'VA-OLD' }));
    await log.stop();

    const trail = new AuditTrail({ repository: fixture.repository, deferredAgencies: [POLICE.code], deferralDays: 90, now: clock.now });
    handle = await startHttpServer(
      [createCitizenRoute({ trail, jwt, queryLimits: loadConfig({}).queryLimits })],
      { port: 0, host: '127.0.0.1' },
      getLogger('test'),
    );
    url = new URL('citizen', handle.baseUrl).toString();
  });

  afterAll(async () => {
    await handle?.stop();
    await fixture?.destroy();
  });

  it('shows a citizen who read their data, when and why, newest first, refusals and deferred reads left out', async () => {
    const response = await asCitizen(AN);
    expect(response.errors).toBeUndefined();
    expect(response.data!.myDataAccess.nodes).toEqual([
      {
        reference: 'gw-tracker:2',
        at: '2026-05-02T09:00:00.000Z',
        agencyCode: 'H56.15.01',
        agencyName: 'Bệnh viện Đa khoa tỉnh Thanh Hóa',
        purpose: 'MEDICAL_TREATMENT',
        dossierId: 'BA-77',
        fieldsRead: ['Citizen.fullName', 'Query.citizen'],
      },
      {
        reference: 'gw-tracker:1',
        at: '2026-05-01T09:00:00.000Z',
        agencyCode: 'H56.20',
        agencyName: 'Văn phòng Đăng ký đất đai tỉnh Thanh Hóa',
        purpose: 'LAND_REGISTRATION',
        dossierId: 'HS-LAND-1',
        fieldsRead: ['Citizen.dateOfBirth', 'Citizen.fullName', 'Query.citizen'],
      },
      expect.objectContaining({
        reference: 'gw-tracker:5',
        agencyCode: 'H56.01',
        agencyName: 'Công an tỉnh Thanh Hóa',
        purpose: 'INVESTIGATION',
        dossierId: 'VA-OLD',
      }),
    ]);
  });

  it("shows a deferred agency's read once the deferral has passed", async () => {
    clock.set('2026-08-21T09:00:00.000Z');
    try {
      const dossiers = (await asCitizen(AN)).data!.myDataAccess.nodes.map((node: { dossierId: string }) => node.dossierId);
      expect(dossiers).toEqual(['VA-RECENT', 'BA-77', 'HS-LAND-1', 'VA-OLD']);
    } finally {
      clock.set('2026-06-01T00:00:00.000Z');
    }
  });

  it('shows each citizen only their own accesses, and has no way to name another citizen', async () => {
    expect((await asCitizen(BINH)).data!.myDataAccess.nodes.map((node: { reference: string }) => node.reference)).toEqual(['gw-tracker:2']);
    expect((await asCitizen(NOBODY)).data!.myDataAccess).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
    const naming = await asCitizen(BINH, {}, `{ myDataAccess(nationalId: "${AN}") { nodes { reference } } }`);
    expect(errorCodes(naming)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(naming.errors![0]!.message).toMatch(/Unknown argument "nationalId"/);
  });

  it('bounds an operation as the gateway does: a fragment explosion is refused with its cost', async () => {
    const fragments = Array.from({ length: 40 }, (_, level) => `fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`);
    const response = await asCitizen(AN, {}, `{ ...F0 } ${fragments.join(' ')} fragment F40 on Query { myDataAccess { nodes { reference } } }`);
    expect(response.status).toBe(400);
    expect(response.errors!.map((error) => [error.extensions!.code, error.extensions!.limit])).toEqual([['QUERY_TOO_COMPLEX', 'cost']]);
  });

  it('suggests no field, argument or value the citizen did not write', async () => {
    const misspelt = await asCitizen(AN, {}, '{ myDataAcess { nodes { referenc } } }');
    expect(misspelt.status).toBe(400);
    expect(misspelt.errors!.map((error) => error.message)).toEqual(['Cannot query field "myDataAcess" on type "Query".']);
    const argument = await asCitizen(AN, {}, '{ myDataAccess(frist: 2) { nodes { reference } } }');
    expect(argument.errors!.map((error) => error.message)).toEqual(['Unknown argument "frist" on field "Query.myDataAccess".']);
  });

  it('pages with cursors and narrows by period', async () => {
    const first = await asCitizen(AN, { first: 2 });
    expect(first.data!.myDataAccess.nodes.map((node: { reference: string }) => node.reference)).toEqual(['gw-tracker:2', 'gw-tracker:1']);
    expect(first.data!.myDataAccess.pageInfo.hasNextPage).toBe(true);
    const rest = await asCitizen(AN, { first: 2, after: first.data!.myDataAccess.pageInfo.endCursor });
    expect(rest.data!.myDataAccess).toEqual({
      nodes: [expect.objectContaining({ reference: 'gw-tracker:5' })],
      pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
    });
    const may = await asCitizen(AN, { from: '2026-05-01', to: '2026-05-02' });
    expect(may.data!.myDataAccess.nodes.map((node: { reference: string }) => node.reference)).toEqual(['gw-tracker:1']);
  });

  it.each([
    ['a page over 100', { first: 101 }, /between 1 and 100/],
    ['a malformed cursor', { after: 'nope!' }, /Malformed cursor/],
    ['a malformed date', { from: '2026-13-01' }, /from "2026-13-01" is not a date/],
    ['a period that ends before it starts', { from: '2026-05-02', to: '2026-05-01' }, /must come after/],
  ])('refuses %s with BAD_USER_INPUT', async (_case, variables, message) => {
    const response = await asCitizen(AN, variables);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors![0]!.message).toMatch(message);
  });

  it.each([
    ['no token', async () => undefined, /needs your sign-in token/],
    ['an API key', async () => `Bearer dsp_abcd1234_${'s'.repeat(43)}`, /API keys are for agencies/],
    [
      'an agency token',
      async () => `Bearer ${await token({ sub: 'officer.nguyen', agency_code: 'H56.20' })}`,
      /An agency token does not open a citizen's data tracker/,
    ],
    ['a subject that is not a national ID', async () => `Bearer ${await token({ sub: 'nguyen.van.an' })}`, /subject is not a national ID/],
    ["a token of another issuer's key", async () => `Bearer ${await token({ sub: AN }, stranger)}`, /citizen token signature does not verify/],
    ['an expired token', async () => `Bearer ${await token({ sub: AN }, signingKey, '-1m')}`, /citizen token has expired/],
  ])('refuses %s with 401 UNAUTHENTICATED, before reading the operation', async (_case, header, message) => {
    const authorization = await header();
    const response = await postGraphQL(url, '{ __schema { types { name } } }', {}, authorization ? { authorization } : {});
    expect(response.status).toBe(401);
    expect(response.data).toBeUndefined();
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.errors![0]!.message).toMatch(message);
  });
});

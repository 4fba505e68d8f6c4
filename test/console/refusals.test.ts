import fs from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import {
  ADMIN_NOTIFICATIONS_SCHEMA_PATH,
  ADMIN_OPERATIONS_SCHEMA_PATH,
  ADMIN_PREVIEW_SCHEMA_PATH,
  ADMIN_SCHEMA_PATH,
  ADMIN_UNITS_SCHEMA_PATH,
} from '../../gateway/admin';
import type { GraphQLResponse } from '../helpers/graphql';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import { TEST_ACTOR } from '../store/storeHelpers';
import type { Refusal } from './adminRefusals';
import { MUTATIONS, grant, ids } from './adminRefusals';
import type { ConsoleServer, ConsoleSession } from './consoleHelpers';
import { startConsoleServer } from './consoleHelpers';

/** Refused queries: the same wrapping answers them (a store that is not there is an outage, 503, not a refusal). */
const QUERIES: Refusal[] = [
  { field: 'policyChanges', what: 'a page of 0', query: '{ policyChanges(limit: 0) { id } }', status: 400, code: 'BAD_USER_INPUT' },
  {
    field: 'administrativeUnits',
    what: 'a page over 50',
    query: '{ administrativeUnits(first: 51) { total } }',
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    field: 'explain',
    what: 'variables that are not JSON',
    query: '{ explain(query: "{ schools { name } }", variables: "{") { allowed } }',
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    field: 'explain',
    what: 'an unknown agency',
    query: '{ explain(agencyCode: "H56.99", query: "{ schools { name } }") { allowed } }',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    field: 'sharingRequests',
    what: "another agency's queue",
    query: '{ sharingRequests(ownerCode: "H56.15.01") { id } }',
    status: 403,
    code: 'OUTSIDE_STEWARD_QUEUE',
    caller: 'outsider',
  },
  {
    field: 'sharingRequestImpact',
    what: 'an unknown request',
    query: '{ sharingRequestImpact(id: "999999") { coordinate } }',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    field: 'auditRecords',
    what: 'a gateway without its audit trail',
    query: '{ auditRecords { pageInfo { hasNextPage } } }',
    status: 503,
    code: 'AUDIT_UNAVAILABLE',
    caller: 'key',
  },
];

/** Given the admin API's SDL files, returns the names of the fields of one of its root types. */
function rootFields(type: 'Query' | 'Mutation'): string[] {
  const files = [ADMIN_SCHEMA_PATH, ADMIN_OPERATIONS_SCHEMA_PATH, ADMIN_PREVIEW_SCHEMA_PATH, ADMIN_NOTIFICATIONS_SCHEMA_PATH, ADMIN_UNITS_SCHEMA_PATH];
  const schema = makeExecutableSchema({ typeDefs: files.map((file) => fs.readFileSync(file, 'utf8')) });
  return Object.keys(schema.getType(type) === null ? {} : (schema.getType(type) as { getFields(): object }).getFields());
}

describe('refusals of /admin over HTTP', () => {
  let server: ConsoleServer;
  let steward: ConsoleSession;
  let outsider: ConsoleSession;
  let stewardKey: string;
  let historyBefore: string;

  const history = async () => JSON.stringify(await server.store.stewardship.changes({ limit: 500 }));

  /** Given a refused call, sends it as its caller would. */
  function send({ query, variables = {}, caller = 'steward' }: Refusal): Promise<GraphQLResponse> {
    if (caller === 'key') return postGraphQL(server.adminUrl, query, variables, { authorization: `Bearer ${stewardKey}` });
    return server.admin(caller === 'outsider' ? outsider : steward, query, variables);
  }

  beforeAll(async () => {
    server = await startConsoleServer();
    const { stewardship } = server.store;
    await stewardship.createAgency(TEST_ACTOR, { code: 'H56.10', name: 'Trung tâm Dữ liệu tỉnh', steward: true });
    await stewardship.createAgency(TEST_ACTOR, { code: 'H56.01', name: 'Công an tỉnh', sector: 'population' });
    await stewardship.createAgency(TEST_ACTOR, { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land' });
    const hospital = await stewardship.createAgency(TEST_ACTOR, { code: 'H56.15.01', name: 'Bệnh viện Đa khoa tỉnh', sector: 'health' });
    ({ key: stewardKey } = await stewardship.createApiKey(TEST_ACTOR, { agencyCode: 'H56.10' }));
    ids.fullNameGrant = (await stewardship.createGrant(TEST_ACTOR, grant())).id;

    const account = await server.createAccount(['POLICY_STEWARD', 'KEY_OFFICER', 'ADMINISTRATOR']);
    ids.ownAccount = account.id;
    steward = await server.signIn(account);
    const police = await server.accounts.create(TEST_ACTOR, {
      email: 'congan@test.gov.vn',
      name: 'Cán bộ Công an',
      unit: 'Phòng dữ liệu',
      roles: ['POLICY_STEWARD'],
      agencyCode: 'H56.01',
    });
    outsider = await server.signIn({ email: 'congan@test.gov.vn', password: police.password!, totpSecret: police.totpSecret! });

    const sensitive = await server.admin(steward, 'mutation ($input: CreateGrantInput!) { createGrant(input: $input) { id approvalStatus } }', {
      input: grant({ target: { kind: 'FIELD', coordinate: 'Citizen.ethnicity' } }),
    });
    expect(sensitive.data?.createGrant.approvalStatus).toBe('PENDING_APPROVAL');
    ids.ownSensitiveGrant = sensitive.data!.createGrant.id;
    const filed = await server.sharing.file(
      { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land', unitCodes: [], steward: false },
      { kind: 'AGENCY', agencyCode: 'H56.20', credentialId: 'test' },
      {
        fields: ['Citizen.healthInsurance', 'HealthInsuranceCard.validTo'],
        purposes: ['LAND_REGISTRATION'],
        legalBasis: '47/2020/NĐ-CP',
        procedure: 'Đăng ký biến động đất đai',
      },
    );
    expect(filed.ownerCodes).toEqual([hospital.code]);
    ids.sharingRequest = filed.id;
    historyBefore = await history();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('has a refused call below for every mutation of the schema', () => {
    expect(new Set(MUTATIONS().map((refusal) => refusal.field))).toEqual(new Set(rootFields('Mutation')));
    for (const refusal of QUERIES) expect(rootFields('Query')).toContain(refusal.field);
  });

  it.each(MUTATIONS().map((refusal) => [refusal.field, refusal.what, refusal] as const))(
    'refuses %s with %s: its status and code, and nothing changed',
    async (_field, _what, template) => {
      // The ids are known once the world is set up: the table is read again then.
      const refusal = MUTATIONS().find((each) => each.field === template.field && each.what === template.what)!;
      const response = await send(refusal);
      expect({ status: response.status, codes: errorCodes(response) }).toEqual({ status: refusal.status, codes: [refusal.code] });
      expect(response.data ?? null).toBeNull();
      expect(response.errors![0]!.message).not.toMatch(/stacktrace|\.ts:\d+|select |insert /i);
      expect(await history()).toBe(historyBefore);
    },
  );

  it.each(QUERIES.map((refusal) => [refusal.field, refusal.what, refusal] as const))('refuses the query %s with %s', async (_field, _what, refusal) => {
    const response = await send(refusal);
    expect({ status: response.status, codes: errorCodes(response) }).toEqual({ status: refusal.status, codes: [refusal.code] });
  });

  it("answers the guard's refusals with their status too: a role the field does not admit, a change without its reason", async () => {
    const auditor = await server.signIn(await server.createAccount(['AUDITOR']));
    const before = await history();
    const forbidden = await server.admin(auditor, 'mutation { revokeGrant(id: "1") { id } }');
    expect({ status: forbidden.status, codes: errorCodes(forbidden) }).toEqual({ status: 403, codes: ['FORBIDDEN'] });
    const unexplained = await server.admin(steward, 'mutation { revokeGrant(id: "1") { id } }', {}, { 'x-change-reason': '' });
    expect({ status: unexplained.status, codes: errorCodes(unexplained) }).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
    expect(await history()).toBe(before);
  });

  it('answers a call that succeeds with 200, so the status tells the one from the other', async () => {
    const response = await server.admin(steward, '{ grant(id: "999999") { id } agencies { code } }');
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
  });
});

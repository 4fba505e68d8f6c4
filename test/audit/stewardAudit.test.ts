import { startHttpServer } from '../../common/httpServer';
import type { HttpServerHandle } from '../../common/httpServer';
import { getLogger } from '../../common/logger';
import { createAdminRoute } from '../../gateway/admin';
import { AuditTrail } from '../../gateway/audit/auditTrail';
import { csvCell } from '../../gateway/audit/csv';
import { Authenticator } from '../../gateway/store/authenticator';
import { PolicyCache } from '../../gateway/store/policyCache';
import { PolicyRepository } from '../../gateway/store/policyRepository';
import { Stewardship } from '../../gateway/store/stewardship';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import type { GraphQLResponse } from '../helpers/graphql';
import { TEST_ACTOR } from '../store/storeHelpers';
import type { AuditFixture } from './auditHelpers';
import { HOSPITAL, LAND_OFFICE, POLICE, auditInput, createAuditFixture, decided } from './auditHelpers';
import { commandEnvironment } from '../helpers/database';
import type { StewardRun } from '../helpers/stewardCommand';
import { runSteward } from '../helpers/stewardCommand';

const AN = '038085000001';
const BINH = '038190000002';
const CUONG = '038201000003';

const RECORDS = `query ($filter: AuditFilter, $first: Int, $after: String) {
  auditRecords(filter: $filter, first: $first, after: $after) {
    nodes { instance seq at agencyCode agencyName credentialId userId purpose dossierId operationName outcome errorCode citizenIds rowCount fields { coordinate effect mask } hash previousHash }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Given CSV text, returns its rows as arrays of cells (quoted cells with commas, quotes and line breaks included). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index]!;
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (character === '"') quoted = false;
      else cell += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(cell);
      cell = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index += 1;
    } else cell += character;
  }
  return rows;
}

describe("the stewards' queries over the audit trail", () => {
  let fixture: AuditFixture;
  let trail: AuditTrail;
  let cache: PolicyCache;
  let handle: HttpServerHandle;
  let url: string;
  let stewardKey: string;

  const asSteward = (query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse> =>
    postGraphQL(url, query, variables, { authorization: `Bearer ${stewardKey}` });
  const seqsOf = async (filter: Record<string, unknown>) => {
    const response = await asSteward(RECORDS, { filter });
    expect(response.errors).toBeUndefined();
    return response.data!.auditRecords.nodes.map((node: { seq: number }) => node.seq);
  };

  beforeAll(async () => {
    fixture = await createAuditFixture();
    const repository = new PolicyRepository(fixture.db);
    const stewardship = new Stewardship({ repository, onChange: () => cache?.refreshNow() });
    await stewardship.createAgency(TEST_ACTOR, { code: 'H56.10', name: 'Trung tâm Dữ liệu tỉnh Thanh Hóa', steward: true });
    ({ key: stewardKey } = await stewardship.createApiKey(TEST_ACTOR, { agencyCode: 'H56.10' }));
    cache = new PolicyCache({ repository, refreshMs: 5000 });
    await cache.start();

    const log = await fixture.startLog('gw-steward');
    const at = (iso: string) => new Date(iso);
    await log.append(auditInput({ at: at('2026-03-01T08:00:00.000Z'), citizenIds: [AN], dossierId: 'HS-1' }));
    await log.append(
      auditInput({
        agency: HOSPITAL,
        at: at('2026-03-02T08:00:00.000Z'),
        purpose: 'MEDICAL_TREATMENT',
        citizenIds: [AN, BINH],
        rowCount: 2,
        fields: [decided('Citizen.fullName'), decided('Citizen.ethnicity', 'DENY'), decided('Query.citizen')],
        outcome: 'FILTERED',
        dossierId: 'BA-2',
      }),
    );
    await log.append(
      auditInput({
        at: at('2026-03-03T08:00:00.000Z'),
        citizenIds: [],
        rowCount: 0,
        fields: [decided('Citizen.ethnicity', 'DENY'), decided('Query.citizen')],
        outcome: 'DENIED',
        errorCode: 'FORBIDDEN',
        dossierId: 'HS-3',
      }),
    );
    await log.append(
      auditInput({
        agency: { ...POLICE, name: 'Công an tỉnh Thanh Hóa, Phòng "PC06"' },
        at: at('2026-04-01T08:00:00.000Z'),
        purpose: 'INVESTIGATION',
        citizenIds: [CUONG],
        dossierId: 'VA-4',
        fields: [decided('Citizen.fullName'), decided('Query.citizen')],
      }),
    );
    await log.stop();

    trail = new AuditTrail({ repository: fixture.repository, deferredAgencies: [], deferralDays: 0 });
    const route = createAdminRoute({ stewardship, authenticator: new Authenticator({ jwt: null }), policyCache: cache, audit: trail });
    handle = await startHttpServer([route], { port: 0, host: '127.0.0.1' }, getLogger('test'));
    url = new URL('admin', handle.baseUrl).toString();
  });

  afterAll(async () => {
    cache?.stop();
    await handle?.stop();
    await fixture?.destroy();
  });

  describe('admin API', () => {
    it('lists records newest first with everything a record holds, denied attempts included', async () => {
      const response = await asSteward(RECORDS, {});
      expect(response.errors).toBeUndefined();
      const nodes = response.data!.auditRecords.nodes;
      expect(nodes.map((node: { seq: number }) => node.seq)).toEqual([4, 3, 2, 1]);
      expect(nodes[1]).toEqual({
        instance: 'gw-steward',
        seq: 3,
        at: '2026-03-03T08:00:00.000Z',
        agencyCode: 'H56.20',
        agencyName: LAND_OFFICE.name,
        credentialId: 'k3y1d000',
        userId: 'officer.nguyen',
        purpose: 'LAND_REGISTRATION',
        dossierId: 'HS-3',
        operationName: 'Owner',
        outcome: 'DENIED',
        errorCode: 'FORBIDDEN',
        citizenIds: [],
        rowCount: 0,
        fields: [
          { coordinate: 'Citizen.ethnicity', effect: 'DENY', mask: null },
          { coordinate: 'Query.citizen', effect: 'ALLOW', mask: null },
        ],
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        previousHash: nodes[2].hash,
      });
    });

    it('narrows by agency, citizen, field, purpose, period and outcome', async () => {
      expect(await seqsOf({ agencyCode: 'H56.20' })).toEqual([3, 1]);
      expect(await seqsOf({ nationalId: AN })).toEqual([2, 1]);
      expect(await seqsOf({ nationalId: BINH, agencyCode: 'H56.20' })).toEqual([]);
      expect(await seqsOf({ field: 'Citizen.ethnicity' })).toEqual([3, 2]);
      expect(await seqsOf({ purpose: 'MEDICAL_TREATMENT' })).toEqual([2]);
      expect(await seqsOf({ from: '2026-03-02', to: '2026-04-01' })).toEqual([3, 2]);
      expect(await seqsOf({ deniedOnly: true })).toEqual([3, 2]);
      expect(await seqsOf({ outcome: 'DENIED' })).toEqual([3]);
      expect(await seqsOf({ outcome: 'ALLOWED', deniedOnly: true })).toEqual([]);
      expect(await seqsOf({ instance: 'gw-elsewhere' })).toEqual([]);
    });

    it('pages with cursors', async () => {
      const first = await asSteward(RECORDS, { first: 3 });
      expect(first.data!.auditRecords.nodes.map((node: { seq: number }) => node.seq)).toEqual([4, 3, 2]);
      expect(first.data!.auditRecords.pageInfo.hasNextPage).toBe(true);
      const next = await asSteward(RECORDS, { first: 3, after: first.data!.auditRecords.pageInfo.endCursor });
      expect(next.data!.auditRecords.nodes.map((node: { seq: number }) => node.seq)).toEqual([1]);
      expect(next.data!.auditRecords.pageInfo.hasNextPage).toBe(false);
    });

    it.each([
      ['a malformed national ID', { nationalId: '12345' }, /Malformed national ID "12345"/],
      ['a malformed field', { field: 'fullName' }, /expected Type.field/],
      ['an unknown purpose', { purpose: 'CURIOSITY' }, /Unknown purpose "CURIOSITY"/],
      ['an unknown outcome', { outcome: 'MAYBE' }, /Unknown outcome "MAYBE"/],
      ['a malformed date', { from: 'yesterday' }, /from "yesterday" is not a date/],
    ])('refuses %s with BAD_USER_INPUT', async (_case, filter, message) => {
      const response = await asSteward(RECORDS, { filter });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors![0]!.message).toMatch(message);
    });

    it('counts requests per agency and reads per agency and field', async () => {
      const byAgency = await asSteward('{ auditCountsByAgency { agencyCode agencyName requests denied rows } }');
      expect(byAgency.data!.auditCountsByAgency).toEqual([
        { agencyCode: 'H56.01', agencyName: 'Công an tỉnh Thanh Hóa, Phòng "PC06"', requests: 1, denied: 0, rows: 1 },
        { agencyCode: 'H56.15.01', agencyName: HOSPITAL.name, requests: 1, denied: 1, rows: 2 },
        { agencyCode: 'H56.20', agencyName: LAND_OFFICE.name, requests: 2, denied: 1, rows: 1 },
      ]);
      const byField = await asSteward('query ($filter: AuditFilter) { auditCountsByField(filter: $filter) { agencyCode coordinate allowed masked denied } }', {
        filter: { agencyCode: 'H56.20' },
      });
      expect(byField.data!.auditCountsByField).toEqual([
        { agencyCode: 'H56.20', coordinate: 'Citizen.dateOfBirth', allowed: 0, masked: 1, denied: 0 },
        { agencyCode: 'H56.20', coordinate: 'Citizen.ethnicity', allowed: 0, masked: 0, denied: 1 },
        { agencyCode: 'H56.20', coordinate: 'Citizen.fullName', allowed: 1, masked: 0, denied: 0 },
        { agencyCode: 'H56.20', coordinate: 'Query.citizen', allowed: 2, masked: 0, denied: 0 },
      ]);
      const oneField = await asSteward('{ auditCountsByField(filter: { field: "Citizen.fullName" }) { agencyCode allowed } }');
      expect(oneField.data!.auditCountsByField).toEqual([
        { agencyCode: 'H56.01', allowed: 1 },
        { agencyCode: 'H56.15.01', allowed: 1 },
        { agencyCode: 'H56.20', allowed: 1 },
      ]);
    });

    it('exports the selected records as CSV, oldest first, quoting what must be quoted', async () => {
      const response = await asSteward('query ($filter: AuditFilter) { auditExport(filter: $filter) }', { filter: { from: '2026-03-02', to: '2026-05-01' } });
      expect(response.errors).toBeUndefined();
      const rows = parseCsv(response.data!.auditExport);
      expect(rows[0]!.slice(0, 5)).toEqual(['recorded_at', 'instance', 'seq', 'agency_code', 'agency_name']);
      expect(rows.slice(1).map((row) => row[2])).toEqual(['2', '3', '4']);
      const header = rows[0]!;
      const cell = (row: string[], column: string) => row[header.indexOf(column)];
      expect(cell(rows[1]!, 'citizen_ids')).toBe(`${AN} ${BINH}`);
      expect(cell(rows[1]!, 'fields')).toBe('Citizen.ethnicity=DENY Citizen.fullName=ALLOW Query.citizen=ALLOW');
      expect(cell(rows[1]!, 'outcome')).toBe('FILTERED');
      expect(cell(rows[3]!, 'agency_name')).toBe('Công an tỉnh Thanh Hóa, Phòng "PC06"');
      expect(response.data!.auditExport).toContain('"Công an tỉnh Thanh Hóa, Phòng ""PC06"""');
      expect(rows.every((row) => row.length === header.length)).toBe(true);
    });

    it('refuses an export larger than the bound, and keeps spreadsheet formulas inert', async () => {
      await expect(trail.exportCsv({}, 3)).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT' },
        message: expect.stringMatching(/more than 3 records/),
      });
      expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
      expect(csvCell('-1')).toBe("'-1");
      expect(csvCell(null)).toBe('');
    });
  });

  describe('command line', () => {
    const steward = (...args: string[]): Promise<StewardRun> => runSteward(commandEnvironment(fixture.databases.config), [...args]);

    it('queries the trail, counts it and exports it as the admin API does', async () => {
      const records = await steward('audit', 'records', '--citizen', AN, '--json');
      expect(records).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(records.stdout).nodes.map((node: { seq: number }) => node.seq)).toEqual([2, 1]);

      const table = await steward('audit', 'records', '--denied', '--first', '1');
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/gw-steward\s+3\s+H56\.20/);
      expect(table.stdout).toMatch(/More: add --after \S+/);

      const counts = await steward('audit', 'counts', '--by', 'field', '--agency', 'H56.15.01', '--json');
      expect(JSON.parse(counts.stdout)).toContainEqual({ agencyCode: 'H56.15.01', coordinate: 'Citizen.ethnicity', allowed: 0, masked: 0, denied: 1 });

      const exported = await steward('audit', 'export', '--from', '2026-03-02', '--to', '2026-05-01');
      expect(exported).toMatchObject({ code: 0, stderr: '' });
      expect(exported.stdout).toBe(await trail.exportCsv({ from: '2026-03-02', to: '2026-05-01' }));
    });

    it('refuses bad input with exit status 1 and a bad command line with 2', async () => {
      const refused = await steward('audit', 'export', '--citizen', '12');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/Refused \(BAD_USER_INPUT\): Malformed national ID "12"/);
      expect(refused.stdout).toBe('');
      expect((await steward('audit', 'counts', '--by', 'weekday')).code).toBe(2);
      expect((await steward('audit', 'records', '--color', 'red')).code).toBe(2);
    });
  });
});

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../common/config';
import type { CitizenRow } from '../../db/rows';
import type { Purpose } from '../../gateway/policy/types';
import { DEMO_COMMUNE_CODE } from '../../gateway/store/demo';
import type { Actor } from '../../gateway/store/types';
import type { BusinessRow, RunningBusinessSubgraph } from '../helpers/businessSubgraph';
import { BUSINESS_SDL_FILE, startBusinessSubgraph } from '../helpers/businessSubgraph';
import type { GraphQLResponse } from '../helpers/graphql';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, startSeededPlatform } from '../helpers/platform';
import { accessHeader, bodyOf } from '../helpers/subgraphClient';

const ACTOR: Actor = { kind: 'SYSTEM', task: 'test' };
/** The ward's one-stop office of the demo: PUBLIC_SERVICE, its own ward's rows only. */
const WARD_OFFICE = `H56.99.${DEMO_COMMUNE_CODE}`;
/** The land office of the demo, which is given nothing of the registry. */
const LAND_OFFICE = 'H56.20';
/** The registry's own agency, which the test registers as the owner of the new sector. */
const REGISTRY = 'H56.40';
const BUSINESS = `query Business($code: String!) {
  business(enterpriseCode: $code) { enterpriseCode name commune { code } representativePhone legalRepresentative { nationalId fullName } }
}`;
const NAME_ONLY = 'query Name($code: String!) { business(enterpriseCode: $code) { name } }';

describe('a sector added by configuration: the business registry', () => {
  let registry: RunningBusinessSubgraph;
  let seeded: SeededPlatform;
  let configDirectory: string;
  let resident: CitizenRow;
  let outsider: CitizenRow;
  let local: BusinessRow;
  let elsewhere: BusinessRow;
  const keys = new Map<string, string>();

  const ask = (
    agency: string | null,
    query: string,
    variables: Record<string, unknown>,
    purpose: Purpose | null = 'PUBLIC_SERVICE',
  ): Promise<GraphQLResponse> => postGraphQL(seeded.platform.gateway.url, query, variables, agency === null ? {} : asAgency(keys.get(agency)!, purpose));

  beforeAll(async () => {
    // The registry's agency runs its subgraph; the platform learns of it from a SECTORS_FILE and its SDL only.
    const signingKey = randomBytes(32);
    registry = await startBusinessSubgraph(signingKey);

    configDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-sectors-'));
    fs.copyFileSync(BUSINESS_SDL_FILE, path.join(configDirectory, 'business.graphql'));
    const sectorsFile = path.join(configDirectory, 'sectors.yaml');
    fs.writeFileSync(
      sectorsFile,
      ['sectors:', '  - name: business', '    ownerAgency: Sở Tài chính', '    port: 4006', '    schema: business.graphql', ''].join('\n'),
    );
    const { sectors } = loadConfig({ SECTORS_FILE: sectorsFile, BUSINESS_URL: registry.url });

    seeded = await startSeededPlatform(300, { signingKey, sectors });
    const { population } = seeded.databases.databases;
    resident = (await population<CitizenRow>('citizens').where('current_unit_code', DEMO_COMMUNE_CODE).orderBy('national_id').first())!;
    outsider = (await population<CitizenRow>('citizens').whereNot('current_unit_code', DEMO_COMMUNE_CODE).orderBy('national_id').first())!;
    local = row('2800000001', 'Công ty TNHH Hạc Thành', DEMO_COMMUNE_CODE, resident.national_id);
    elsewhere = row('2800000002', 'Công ty CP Sầm Sơn', outsider.current_unit_code, outsider.national_id);
    await registry.register([local, elsewhere]);
    for (const [code, key] of seeded.demoKeys) keys.set(code, key);
    const { stewardship } = seeded.platform;
    await stewardship.createAgency(ACTOR, { code: REGISTRY, name: 'Sở Tài chính tỉnh Thanh Hóa', sector: 'business', unitCodes: [] });
    keys.set(REGISTRY, (await stewardship.createApiKey(ACTOR, { agencyCode: REGISTRY, label: 'registry' })).key);
  }, 120_000);

  afterAll(async () => {
    await seeded?.stop();
    await registry?.stop();
    if (configDirectory) fs.rmSync(configDirectory, { recursive: true, force: true });
  });

  function row(code: string, name: string, communeCode: string, nationalId: string): BusinessRow {
    return {
      enterprise_code: code,
      name,
      commune_code: communeCode,
      representative_national_id: nationalId,
      representative_phone: '0912345678',
      inspection_note: 'kiểm tra định kỳ 2026',
    };
  }

  /** Given the ward office's grants on the registry, for PUBLIC_SERVICE and its ward's rows. */
  async function grantWardOffice(): Promise<void> {
    const grant = {
      agencyCode: WARD_OFFICE,
      purposes: ['PUBLIC_SERVICE'],
      legalBasis: 'Nghị định 168/2025/NĐ-CP',
      legalInstruments: ['47/2020/NĐ-CP'],
      scopeUnitCodes: [DEMO_COMMUNE_CODE],
    };
    const { stewardship } = seeded.platform;
    await stewardship.createGrant(ACTOR, { ...grant, target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'NONE', sector: 'business' } });
    await stewardship.createGrant(ACTOR, { ...grant, target: { kind: 'FIELD', coordinate: 'Business.legalRepresentative' } });
    await stewardship.createGrant(ACTOR, {
      ...grant,
      target: { kind: 'FIELD', coordinate: 'Business.representativePhone' },
      masks: [{ coordinate: 'Business.representativePhone', mask: 'REDACTED' }],
    });
  }

  it('is refused to an agency with no grant on it, the owner aside', async () => {
    const refused = await ask(WARD_OFFICE, NAME_ONLY, { code: local.enterprise_code });
    expect(refused.status).toBe(403);
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    const denied = (refused.errors![0]!.extensions!.denied as Array<{ field: string }>).map((denial) => denial.field).sort();
    expect(denied).toEqual(['Business.name', 'Query.business']);
    // Open data needs no credential, but nothing of the registry is open.
    expect(errorCodes(await ask(null, NAME_ONLY, { code: local.enterprise_code }, null))).toEqual(['FORBIDDEN']);
  });

  it('answers an agency granted its fields: its rows only, masked as the grant says, across to population', async () => {
    await grantWardOffice();
    const answer = await ask(WARD_OFFICE, BUSINESS, { code: local.enterprise_code });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.business).toEqual({
      enterpriseCode: local.enterprise_code,
      name: local.name,
      commune: { code: DEMO_COMMUNE_CODE },
      representativePhone: '***',
      legalRepresentative: { nationalId: resident.national_id, fullName: resident.full_name },
    });
    // The subgraph was told the row scope and the mask, signed for it alone.
    const told = registry.accepted.at(-1)!;
    expect(told).toMatchObject({ purpose: 'PUBLIC_SERVICE', scope: [DEMO_COMMUNE_CODE], masks: { 'Business.representativePhone': 'REDACTED' } });
    expect(told.principal).toMatchObject({ kind: 'AGENCY', agencyCode: WARD_OFFICE });

    // Another ward's enterprise is out of the grant's rows: every path to it answers nothing.
    expect((await ask(WARD_OFFICE, BUSINESS, { code: elsewhere.enterprise_code })).data!.business).toBeNull();
    const lists = 'query List($commune: String!) { businessesByCommune(communeCode: $commune) { enterpriseCode } }';
    expect((await ask(WARD_OFFICE, lists, { commune: elsewhere.commune_code })).data!.businessesByCommune).toEqual([]);
    expect((await ask(WARD_OFFICE, lists, { commune: DEMO_COMMUNE_CODE })).data!.businessesByCommune).toEqual([{ enterpriseCode: local.enterprise_code }]);
  });

  it('explains the row scope of the new sector beside the built-in ones, to the agency and to stewards', async () => {
    const explain = `query Explain($query: String!) { explainOperation(query: $query) { allowed scope { sectors { sector unitCodes } } } }`;
    const read = `{ business(enterpriseCode: "${local.enterprise_code}") { name legalRepresentative { fullName } } }`;
    const own = await ask(WARD_OFFICE, explain, { query: read });
    expect(own.errors).toBeUndefined();
    expect(own.data!.explainOperation.allowed).toBe(true);
    const expected = [
      { sector: 'population', unitCodes: [DEMO_COMMUNE_CODE] },
      { sector: 'land', unitCodes: null },
      { sector: 'health', unitCodes: null },
      { sector: 'education', unitCodes: null },
      { sector: 'business', unitCodes: [DEMO_COMMUNE_CODE] },
    ];
    expect(own.data!.explainOperation.scope.sectors).toEqual(expected);
    const admin = new URL('/admin', seeded.platform.gateway.url).toString();
    const steward = await postGraphQL(
      admin,
      `query ($query: String!) { explain(agencyCode: "${WARD_OFFICE}", purpose: "PUBLIC_SERVICE", query: $query) { scope { sectors { sector unitCodes } } } }`,
      { query: read },
      asAgency(keys.get('H56.10')!),
    );
    expect(steward.errors).toBeUndefined();
    expect(steward.data!.explain.scope.sectors).toEqual(expected);
  });

  it('still refuses what no grant opens: another agency, another purpose, an INTERNAL field', async () => {
    expect(errorCodes(await ask(LAND_OFFICE, NAME_ONLY, { code: local.enterprise_code }, 'LAND_REGISTRATION'))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await ask(WARD_OFFICE, NAME_ONLY, { code: local.enterprise_code }, 'SOCIAL_SUPPORT'))).toEqual(['FORBIDDEN']);
    const internal = await ask(WARD_OFFICE, 'query Note($code: String!) { business(enterpriseCode: $code) { inspectionNote } }', {
      code: local.enterprise_code,
    });
    expect(errorCodes(internal)).toEqual(['FORBIDDEN']);
    expect(internal.errors![0]!.extensions!.denied).toEqual([expect.objectContaining({ field: 'Business.inspectionNote', rule: 'INTERNAL_OWNER_ONLY' })]);
    // Personal data without a purpose is refused before anything is read.
    expect(errorCodes(await ask(WARD_OFFICE, BUSINESS, { code: local.enterprise_code }, null))).toEqual(['PURPOSE_REQUIRED']);
  });

  it('lets its owner read its own sector in full, every row, INTERNAL fields included', async () => {
    const query = 'query Own($code: String!) { business(enterpriseCode: $code) { name representativePhone inspectionNote } }';
    const answer = await ask(REGISTRY, query, { code: elsewhere.enterprise_code }, 'STATISTICS');
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.business).toEqual({ name: elsewhere.name, representativePhone: '0912345678', inspectionNote: 'kiểm tra định kỳ 2026' });
    expect(registry.accepted.at(-1)).toMatchObject({ scope: null, masks: {} });
  });

  it('records each access to personal data in the audit trail, with the citizens returned', async () => {
    const start = seeded.platform.auditLog.chainHead().seq;
    await ask(WARD_OFFICE, BUSINESS, { code: local.enterprise_code });
    const { gateway } = seeded.databases.databases;
    const deadline = Date.now() + 3000;
    let records: Array<{ agency_code: string; outcome: string; citizen_ids_json: string; fields_json: string }> = [];
    while (records.length === 0 && Date.now() < deadline) {
      records = await gateway('audit_records').where('instance', seeded.platform.auditLog.instance).where('seq', '>', start).orderBy('seq');
      if (records.length === 0) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ agency_code: WARD_OFFICE, outcome: 'ALLOWED' });
    expect(JSON.parse(records[0]!.citizen_ids_json)).toEqual([resident.national_id]);
    expect(records[0]!.fields_json).toContain('Business.legalRepresentative');
  });

  it('takes the new sector as a steward names it, and refuses one configuration does not have', async () => {
    const { stewardship } = seeded.platform;
    await expect(stewardship.createAgency(ACTOR, { code: 'H56.41', name: 'Ban Quản lý Khu kinh tế', sector: 'mining', unitCodes: [] })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    await expect(
      stewardship.createGrant(ACTOR, {
        agencyCode: LAND_OFFICE,
        purposes: ['LAND_REGISTRATION'],
        legalBasis: 'test',
        legalInstruments: ['47/2020/NĐ-CP'],
        target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'NONE', sector: 'mining' },
      }),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('is called only signed for it: its subgraph refuses an unsigned call and one signed for another sector', async () => {
    const body = bodyOf('{ businessesByCommune(communeCode: "40778") { name } }');
    const unsigned = await fetch(registry.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    const misdirected = await fetch(registry.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...accessHeader('population', body, { key: seeded.signingKey }) },
      body,
    });
    expect(misdirected.status).toBe(401);
    const signed = await fetch(registry.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...accessHeader('business', body, { key: seeded.signingKey }) },
      body,
    });
    expect(signed.status).toBe(200);
  });

  it('is one of the dependencies the gateway reports ready', async () => {
    const response = await fetch(new URL('/ready', seeded.platform.gateway.url));
    const report = (await response.json()) as { dependencies: Record<string, { status: string }> };
    expect(report.dependencies.business).toEqual({ status: 'up' });
  });
});

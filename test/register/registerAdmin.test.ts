import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedDemoAgencies } from '../../gateway/store/demo';
import { errorCodes } from '../helpers/graphql';
import type { ConsoleServer, ConsoleSession } from '../console/consoleHelpers';
import { startConsoleServer } from '../console/consoleHelpers';

/** The hospital's demo grants: made in 2025 on Decree 13/2023, which Law 91/2025 and Decree 356/2025 replaced. */
const HOSPITAL = 'H56.15.01';
const CREATE_GRANT = 'mutation ($input: CreateGrantInput!) { createGrant(input: $input) { id legalInstruments legalBasis review { needsReview } } }';
const grantInput = (legalInstruments: string[]) => ({
  agencyCode: 'H56.20',
  target: { kind: 'FIELD', coordinate: 'Citizen.nationality' },
  purposes: ['LAND_REGISTRATION'],
  legalInstruments,
});

describe('the legal register and the review of grants over /admin', () => {
  let server: ConsoleServer;
  let steward: ConsoleSession;
  let auditor: ConsoleSession;
  let directory: string;

  beforeAll(async () => {
    server = await startConsoleServer();
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-register-'));
    await seedDemoAgencies(server.store.stewardship, { dataDirectory: directory, production: false });
    steward = await server.signIn(await server.createAccount(['POLICY_STEWARD']));
    auditor = await server.signIn(await server.createAccount(['AUDITOR']));
  });

  afterAll(async () => {
    await server?.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it("lists the demo hospital's grants on Decree 13/2023 for review out of the box, with the successors to cite, and no other", async () => {
    const response = await server.admin(
      auditor,
      '{ grantsNeedingReview { grant { id agencyCode target { description } legalInstruments } review { obsoleteInstruments successors citesNothing } } }',
    );
    expect(response.errors).toBeUndefined();
    const reviews = response.data!.grantsNeedingReview as Array<{ grant: { agencyCode: string; legalInstruments: string[] }; review: unknown }>;
    expect(reviews.length).toBe(8);
    for (const { grant, review } of reviews) {
      expect(grant).toMatchObject({ agencyCode: HOSPITAL, legalInstruments: ['15/2023/QH15', '13/2023/NĐ-CP'] });
      expect(review).toEqual({ obsoleteInstruments: ['13/2023/NĐ-CP'], successors: ['91/2025/QH15', '356/2025/NĐ-CP'], citesNothing: false });
    }
    const grants = await server.admin(steward, '{ grants { agencyCode review { needsReview } } }');
    const flags = (grants.data!.grants as Array<{ agencyCode: string; review: { needsReview: boolean } }>).map((grant) => [
      grant.agencyCode === HOSPITAL,
      grant.review.needsReview,
    ]);
    expect(flags.every(([hospital, flagged]) => hospital === flagged)).toBe(true);
  });

  it('shows the flag in explain, on the grant that decided each field', async () => {
    const response = await server.admin(
      steward,
      '{ explain(agencyCode: "H56.15.01", purpose: "MEDICAL_TREATMENT", query: "{ citizen(nationalId: \\"038085001234\\") { fullName healthInsurance { validTo } } }") { fields { coordinate rule grantId grantNeedsReview } } }',
    );
    expect(response.errors).toBeUndefined();
    const fields = response.data!.explain.fields as Array<{ coordinate: string; rule: string; grantNeedsReview: boolean | null }>;
    expect(fields.find((field) => field.coordinate === 'Citizen.fullName')).toMatchObject({ rule: 'GRANT', grantNeedsReview: true });
    expect(fields.find((field) => field.coordinate === 'Citizen.healthInsurance')).toMatchObject({ rule: 'OWN_SECTOR', grantNeedsReview: null });
  });

  it('shows in the catalogue each field with its owner, classification, importance and the grants that open it', async () => {
    const response = await server.admin(
      auditor,
      '{ catalogue { name openData owners fields { coordinate owner ownerAgency { code } sharing personal importance grants { agencyCode review { needsReview } } } } }',
    );
    expect(response.errors).toBeUndefined();
    type Field = {
      coordinate: string;
      owner: string;
      ownerAgency: { code: string } | null;
      importance: string;
      grants: Array<{ agencyCode: string; review: { needsReview: boolean } }>;
    };
    const types = response.data!.catalogue as Array<{ name: string; openData: boolean; owners: string[]; fields: Field[] }>;
    const field = (coordinate: string) => types.flatMap((type) => type.fields).find((candidate) => candidate.coordinate === coordinate)!;
    expect(field('Citizen.fullName')).toMatchObject({
      owner: 'population',
      ownerAgency: { code: 'H56.01' },
      sharing: 'SHARED',
      personal: 'BASIC',
      importance: 'CORE',
    });
    expect(field('Citizen.fullName').grants).toEqual(expect.arrayContaining([{ agencyCode: HOSPITAL, review: { needsReview: true } }]));
    expect(new Set(field('Citizen.fullName').grants.map((grant) => grant.agencyCode))).toEqual(new Set([HOSPITAL, 'H56.20', 'H56.99.40778']));
    expect(field('Encounter.diagnosisCode')).toMatchObject({ sharing: 'INTERNAL', personal: 'SENSITIVE', importance: 'IMPORTANT', grants: [] });
    // Sensitive data is opened by field grants only: the ward's classification grants do not reach ethnicity.
    expect(field('Citizen.ethnicity').grants).toEqual([]);
    expect(field('School.name')).toMatchObject({ sharing: 'OPEN', importance: 'OTHER', grants: [] });
    expect(types.filter((type) => type.openData).map((type) => type.name)).toEqual(['AdministrativeUnit', 'HealthFacility', 'School']);
    expect(types.find((type) => type.name === 'Citizen')!.owners.sort()).toEqual(['education', 'health', 'land', 'population']);
  });

  it('refuses a grant citing nothing, an unknown number or a replaced instrument with a 400 and a stable code, creating nothing', async () => {
    const before = await server.store.stewardship.version();
    const missing = await server.admin(
      steward,
      'mutation { createGrant(input: { agencyCode: "H56.20", target: { kind: "FIELD", coordinate: "Citizen.nationality" }, purposes: ["LAND_REGISTRATION"], legalBasis: "Luật Đất đai 2024" }) { id } }',
    );
    expect({ status: missing.status, codes: errorCodes(missing) }).toEqual({ status: 400, codes: ['GRAPHQL_VALIDATION_FAILED'] });
    for (const [legalInstruments, code] of [
      [[], 'LEGAL_BASIS_NOT_IN_REGISTER'],
      [['31/2024/QH15', 'Luật Đất đai 2024'], 'LEGAL_BASIS_NOT_IN_REGISTER'],
      [['13/2023/NĐ-CP'], 'LEGAL_BASIS_REPLACED'],
    ] as const) {
      const response = await server.admin(steward, CREATE_GRANT, { input: grantInput([...legalInstruments]) });
      expect({ legalInstruments, status: response.status, codes: errorCodes(response), data: response.data ?? null }).toEqual({
        legalInstruments,
        status: 400,
        codes: [code],
        data: null,
      });
    }
    expect(await server.store.stewardship.version()).toBe(before);
    const created = await server.admin(steward, CREATE_GRANT, { input: { ...grantInput(['31/2024/QH15', '91/2025/QH15']), legalBasis: 'Điều 27' } });
    expect(created.data).toEqual({
      createGrant: { id: expect.any(String), legalInstruments: ['31/2024/QH15', '91/2025/QH15'], legalBasis: 'Điều 27', review: { needsReview: false } },
    });
  });

  it('lets a policy steward keep the register, recorded with the person and reason, and flags the grants of a replaced entry at once', async () => {
    const created = await server.admin(
      steward,
      'mutation { createLegalInstrument(input: { number: "12/2026/QĐ-UBND", title: "Quy chế chia sẻ dữ liệu tỉnh", type: "DECISION", issuer: "UBND tỉnh Thanh Hóa", effectiveFrom: "2026-02-01" }) { number replaced } }',
    );
    expect(created.data).toEqual({ createLegalInstrument: { number: '12/2026/QĐ-UBND', replaced: false } });
    const replaced = await server.admin(
      steward,
      'mutation { markLegalInstrumentReplaced(number: "47/2020/NĐ-CP", replacedBy: ["12/2026/QĐ-UBND"]) { replacedBy replacedFrom replaced } }',
    );
    expect(replaced.data).toEqual({ markLegalInstrumentReplaced: { replacedBy: ['12/2026/QĐ-UBND'], replacedFrom: '2026-02-01', replaced: true } });
    const reviews = await server.admin(auditor, '{ grantsNeedingReview { grant { agencyCode } } }');
    const agencies = new Set((reviews.data!.grantsNeedingReview as Array<{ grant: { agencyCode: string } }>).map(({ grant }) => grant.agencyCode));
    expect(agencies).toEqual(new Set([HOSPITAL, 'H56.01', 'H56.99.40778']));
    const history = await server.admin(auditor, '{ policyChanges(entityType: "LEGAL_INSTRUMENT") { action entityId actorRole reason } }');
    expect(history.data!.policyChanges).toEqual([
      { action: 'REPLACE_LEGAL_INSTRUMENT', entityId: '47/2020/NĐ-CP', actorRole: 'POLICY_STEWARD', reason: 'Phiếu yêu cầu số 12/2026' },
      { action: 'CREATE_LEGAL_INSTRUMENT', entityId: '12/2026/QĐ-UBND', actorRole: 'POLICY_STEWARD', reason: 'Phiếu yêu cầu số 12/2026' },
    ]);
    const denied = await server.admin(auditor, 'mutation { markLegalInstrumentAmended(number: "91/2025/QH15", amendedBy: ["12/2026/QĐ-UBND"]) { number } }');
    expect({ status: denied.status, codes: errorCodes(denied) }).toEqual({ status: 403, codes: ['FORBIDDEN'] });
  });

  it("refuses a register change from a session without its CSRF token, or with another session's, changing nothing", async () => {
    const other = await server.signIn(await server.createAccount(['POLICY_STEWARD']));
    for (const csrfToken of ['', other.csrfToken]) {
      const response = await server.admin(
        { ...steward, csrfToken },
        'mutation { createLegalInstrument(input: { number: "13/2026/QĐ-UBND", title: "X", type: "DECISION", issuer: "UBND tỉnh", effectiveFrom: "2026-02-01" }) { number } }',
      );
      expect({ status: response.status, codes: errorCodes(response) }).toEqual({ status: 403, codes: ['FORBIDDEN'] });
    }
    expect(await server.store.stewardship.register.get('13/2026/QĐ-UBND')).toBeNull();
  });
});

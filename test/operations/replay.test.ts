import fs from 'node:fs';
import { getNamedType, isEnumType, isScalarType } from 'graphql';
import type { GraphQLObjectType } from 'graphql';
import { parseNationalId } from '../../common/nationalId';
import { exampleValueOf } from '../../gateway/catalogue/exampleValues';
import { ReplayTally, classifyReplay } from '../../gateway/operations/replay';
import { decide } from '../../gateway/policy/decide';
import { apiSchemaOf, buildCatalog } from '../../gateway/policy/catalog';
import type { Agency, Grant, PolicySnapshot } from '../../gateway/policy/types';
import { SUPERGRAPH_PATH } from '../../schema/load';

const SDL = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
const catalog = buildCatalog(SDL);
const schema = apiSchemaOf(SDL);
const LAND_OFFICE: Agency = { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land', unitCodes: [], steward: false };
const NOW = new Date('2026-03-01T08:00:00.000Z');

function grant(id: string, coordinate: string, overrides: Partial<Grant> = {}): Grant {
  return {
    id,
    agencyCode: LAND_OFFICE.code,
    target: { kind: 'FIELD', coordinate },
    purposes: ['LAND_REGISTRATION'],
    legalBasis: 'Luật Đất đai 2024',
    legalInstruments: ['31/2024/QH15'],
    scopeUnitCodes: null,
    masks: [],
    validFrom: '2026-01-01T00:00:00.000Z',
    validTo: null,
    revokedAt: null,
    ...overrides,
  };
}

const snapshot = (grants: Grant[]): PolicySnapshot => ({
  version: 1,
  agencies: new Map([[LAND_OFFICE.code, LAND_OFFICE]]),
  grantsByAgency: new Map([[LAND_OFFICE.code, grants]]),
});
const decision = (grants: Grant[], fields: string[]) =>
  decide({
    principal: { kind: 'AGENCY', agency: LAND_OFFICE, credentialId: 'k', userId: null },
    purpose: 'LAND_REGISTRATION',
    fields,
    snapshot: snapshot(grants),
    catalog,
    now: NOW,
  });

describe('classifyReplay', () => {
  const lookup = grant('1', 'Query.citizen');
  it('tells a field read over other communes from a field masked otherwise', () => {
    const fields = ['Query.citizen', 'Citizen.fullName'];
    const before = decision([lookup, grant('2', 'Citizen.fullName', { scopeUnitCodes: ['40778'] })], fields);
    const wider = decision([lookup, grant('2', 'Citizen.fullName', { scopeUnitCodes: ['40778', '40779'] })], fields);
    const masked = decision([lookup, grant('2', 'Citizen.fullName', { masks: [{ coordinate: 'Citizen.fullName', mask: 'INITIALS' }] })], fields);
    expect(classifyReplay(before, wider)).toEqual({
      change: 'ROWS_CHANGED',
      fields: [{ coordinate: 'Citizen.fullName', before: 'ALLOW rows 40778', after: 'ALLOW rows 40778,40779' }],
    });
    expect(classifyReplay(before, masked).change).toBe('MASKED_DIFFERENTLY');
    expect(classifyReplay(before, before)).toEqual({ change: 'UNCHANGED', fields: [] });
  });

  it('keeps a request refused before and after unchanged, whatever else changed', () => {
    const fields = ['Query.citizen', 'Citizen.fullName', 'Citizen.sex'];
    expect(classifyReplay(decision([lookup], fields), decision([lookup, grant('2', 'Citizen.fullName')], fields))).toEqual({ change: 'UNCHANGED', fields: [] });
  });
});

describe('ReplayTally', () => {
  it('counts per purpose, keeps requests refused before any decision apart, and lists no more samples than its limit', () => {
    const current = snapshot([grant('1', 'Query.citizen')]);
    const proposed = snapshot([grant('1', 'Query.citizen'), grant('2', 'Citizen.fullName')]);
    const tally = new ReplayTally({ agency: LAND_OFFICE, catalog, current, proposed, now: NOW }, 2);
    const record = (purpose: string | null, coordinates: string[]) => ({
      at: NOW.toISOString(),
      purpose,
      operationName: 'Owner',
      outcome: 'DENIED',
      coordinates,
    });
    for (let index = 0; index < 5; index += 1) tally.add(record('LAND_REGISTRATION', ['Query.citizen', 'Citizen.fullName']));
    tally.add(record('STATISTICS', ['Query.citizen', 'Citizen.fullName']));
    tally.add(record(null, []));
    const result = tally.result();
    expect(result).toMatchObject({ replayed: 6, withoutDecision: 1 });
    expect(result.counts).toEqual({ UNCHANGED: 1, NEWLY_ALLOWED: 5, NEWLY_REFUSED: 0, MASKED_DIFFERENTLY: 0, ROWS_CHANGED: 0 });
    expect(result.byPurpose.map(({ purpose, NEWLY_ALLOWED, UNCHANGED }) => [purpose, NEWLY_ALLOWED, UNCHANGED])).toEqual([
      ['LAND_REGISTRATION', 5, 0],
      ['STATISTICS', 0, 1],
    ]);
    expect(result.samples).toHaveLength(2);
  });
});

describe('exampleValueOf', () => {
  it("gives a well-formed, made-up national ID: Thanh Hóa's province code, a woman born in 1985", () => {
    const parts = parseNationalId(String(exampleValueOf(schema, 'Citizen.nationalId')));
    expect(parts).toMatchObject({ provinceCode: '038', sex: 'FEMALE', birthYear: 1985 });
    expect(parts).not.toHaveProperty('error');
  });

  it('has an example of its own, or a date, for every personal text field, so that a preview never shows a placeholder for one', () => {
    const placeholders = [...catalog.fields.values()].flatMap((facts) => {
      if (facts.classification.personal === 'NONE') return [];
      const [typeName, fieldName] = facts.coordinate.split('.') as [string, string];
      const type = schema.getType(typeName) as GraphQLObjectType | undefined;
      const named = type?.getFields()[fieldName] ? getNamedType(type.getFields()[fieldName]!.type) : undefined;
      if (!named || isEnumType(named) || !isScalarType(named)) return [];
      const example = exampleValueOf(schema, facts.coordinate);
      return example === 'Ví dụ' || example === 'VD-0001' || example === null ? [facts.coordinate] : [];
    });
    expect(placeholders).toEqual([]);
  });
});

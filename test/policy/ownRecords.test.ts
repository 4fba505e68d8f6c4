import fs from 'node:fs';
import { parse } from 'graphql';
import { accessForSubgraphs } from '../../gateway/enforcement/accessForSubgraphs';
import { DATA_COPY_OPERATION } from '../../gateway/citizen/dataCopy';
import { apiSchemaOf, buildCatalog } from '../../gateway/policy/catalog';
import { collectFields } from '../../gateway/policy/collectFields';
import { decide } from '../../gateway/policy/decide';
import type { Decision, Principal } from '../../gateway/policy/types';
import { SUPERGRAPH_PATH } from '../../schema/load';

const supergraphSdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
const catalog = buildCatalog(supergraphSdl);
const apiSchema = apiSchemaOf(supergraphSdl);
const ALICE = '038085001234';
const CITIZEN: Principal = { kind: 'CITIZEN', nationalId: ALICE };

/** Given an operation, returns the decision on it for the citizen Alice reading her own data. */
function decideForCitizen(query: string, principal: Principal = CITIZEN): Decision {
  const fields = collectFields(apiSchema, parse(query), null);
  return decide({ principal, purpose: null, fields, snapshot: { version: 3, agencies: new Map(), grantsByAgency: new Map() }, catalog, now: new Date() });
}

describe('decide, for a citizen reading their own data', () => {
  it('allows the copy of their data whole, with no purpose, every sector limited to their own rows', () => {
    const decision = decideForCitizen(DATA_COPY_OPERATION);
    expect(decision.allowed).toBe(true);
    expect(decision.purposeRequired).toBe(false);
    expect(decision.subject).toBe(ALICE);
    expect(Object.values(decision.scope)).toEqual(catalog.sectors.map(() => null));
    expect(new Set(decision.fields.map((field) => field.rule))).toEqual(new Set(['OWN_RECORDS', 'OPEN_DATA']));
    // Sensitive and internal data of their own (ethnicity, encounters and their diagnoses) are theirs to read.
    const rules = new Map(decision.fields.map((field) => [field.coordinate, field.rule]));
    expect([rules.get('Citizen.ethnicity'), rules.get('Citizen.encounters'), rules.get('Encounter.diagnosisCode')]).toEqual([
      'OWN_RECORDS',
      'OWN_RECORDS',
      'OWN_RECORDS',
    ]);
  });

  it.each([
    ['the residents of a commune', '{ citizensByCommune(communeCode: "16018") { nodes { fullName } } }', 'Query.citizensByCommune'],
    ['a search by name', '{ citizensByNamePrefix(prefix: "nguyen") { nodes { fullName } } }', 'Query.citizensByNamePrefix'],
    ['a parcel', '{ landParcel(communeCode: "16018", mapSheetNumber: 1, parcelNumber: 1) { owners { sharePercent } } }', 'Query.landParcel'],
    ['a card by number', '{ healthInsuranceCard(socialInsuranceNumber: "3800000001") { benefitLevel } }', 'Query.healthInsuranceCard'],
    ['a household', '{ household(code: "HK1") { address } }', 'Query.household'],
    ["an agency's self-service", '{ myAccess { agencyCode } }', 'Query.myAccess'],
  ])('refuses %s: no way in but their own record', (_case, query, coordinate) => {
    const decision = decideForCitizen(query);
    expect(decision.allowed).toBe(false);
    expect(decision.fields.find((field) => field.coordinate === coordinate)).toMatchObject({ effect: 'DENY', rule: 'OWN_RECORDS_ONLY' });
  });

  it('hands every subgraph the citizen and their national ID as the subject; an agency none', () => {
    const decision = decideForCitizen(DATA_COPY_OPERATION);
    const access = accessForSubgraphs(decision, CITIZEN, catalog);
    for (const sector of catalog.sectors) {
      expect(access[sector]).toMatchObject({ principal: { kind: 'CITIZEN', nationalId: ALICE }, subject: ALICE, scope: null, masks: {} });
    }
    const agency: Principal = {
      kind: 'AGENCY',
      agency: { code: 'H56.20', name: 'x', sector: 'land', unitCodes: [], steward: false },
      credentialId: 'c',
      userId: null,
    };
    const agencyDecision = decideForCitizen(DATA_COPY_OPERATION, agency);
    expect(agencyDecision.subject).toBeUndefined();
    // No subject member at all: an agency's context signs to the same bytes as before citizens had one.
    for (const sector of catalog.sectors)
      expect(Object.keys(accessForSubgraphs(agencyDecision, agency, catalog)[sector])).toEqual(['principal', 'purpose', 'scope', 'masks']);
  });

  it("decides for the citizen whose ID the principal holds, whatever the operation's argument", () => {
    const decision = decideForCitizen('{ citizen(nationalId: "038090009999") { fullName } }');
    expect(decision.subject).toBe(ALICE);
  });
});

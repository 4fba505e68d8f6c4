import fs from 'node:fs';
import { parse } from 'graphql';
import { apiSchemaOf, buildCatalog } from '../../gateway/policy/catalog';
import { collectFields } from '../../gateway/policy/collectFields';
import { decide } from '../../gateway/policy/decide';
import type { Agency, Decision, FieldDecision, Grant, Principal, Purpose } from '../../gateway/policy/types';
import { SUPERGRAPH_PATH } from '../../schema/load';

const supergraphSdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
const catalog = buildCatalog(supergraphSdl);
const apiSchema = apiSchemaOf(supergraphSdl);
const NOW = new Date('2026-03-01T08:00:00.000Z');

const LAND_OFFICE: Agency = { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land', unitCodes: ['38'], steward: false };
const POLICE: Agency = { code: 'H56.01', name: 'Công an tỉnh', sector: 'population', unitCodes: ['38'], steward: false };
const HOSPITAL: Agency = { code: 'H56.15.01', name: 'Bệnh viện Đa khoa tỉnh', sector: 'health', unitCodes: ['38'], steward: false };
const WARD: Agency = { code: 'H56.99.16018', name: 'UBND phường Hạc Thành', sector: null, unitCodes: ['16018'], steward: false };

/** Given what differs from an ordinary grant of the land office, returns the grant. */
function grant(overrides: Partial<Grant> & Pick<Grant, 'id' | 'target'>): Grant {
  return {
    agencyCode: LAND_OFFICE.code,
    purposes: ['LAND_REGISTRATION'],
    legalBasis: 'Luật Đất đai 2024; Nghị định 101/2024/NĐ-CP',
    legalInstruments: ['31/2024/QH15', '101/2024/NĐ-CP'],
    scopeUnitCodes: null,
    masks: [],
    validFrom: '2026-01-01T00:00:00.000Z',
    validTo: null,
    revokedAt: null,
    ...overrides,
  };
}

interface Request {
  agency?: Agency | null;
  purpose?: Purpose | null;
  fields: string[];
  grants?: Grant[];
  version?: number;
}

/** Given who asks (the land office unless told), for what and with which grants, returns the decision at NOW. */
function decideFor({ agency = LAND_OFFICE, purpose = 'LAND_REGISTRATION', fields, grants = [], version = 7 }: Request): Decision {
  const principal: Principal = agency === null ? { kind: 'ANONYMOUS' } : { kind: 'AGENCY', agency, credentialId: 'credential-1', userId: 'officer-1' };
  const grantsByAgency = new Map<string, Grant[]>();
  for (const each of grants) grantsByAgency.set(each.agencyCode, [...(grantsByAgency.get(each.agencyCode) ?? []), each]);
  const agencies = new Map([LAND_OFFICE, POLICE, HOSPITAL, WARD].map((each) => [each.code, each]));
  return decide({ principal, purpose, fields, snapshot: { version, agencies, grantsByAgency }, catalog, now: NOW });
}

function fieldOf(decision: Decision, coordinate: string): FieldDecision {
  const field = decision.fields.find((candidate) => candidate.coordinate === coordinate);
  if (!field) throw new Error(`${coordinate} was not decided`);
  return field;
}

/** Given a decision, returns "coordinate effect rule" per field, the shape most tests compare. */
function summary(decision: Decision): string[] {
  return decision.fields.map(
    (field) => `${field.coordinate} ${field.effect} ${field.rule}${field.grantId ? ` ${field.grantId}` : ''}${field.mask ? ` ${field.mask}` : ''}`,
  );
}

const SHARED_BASIC = grant({ id: '1', target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC' } });

describe('decide', () => {
  describe('open data', () => {
    it('is allowed to an anonymous caller, without purpose or scope', () => {
      const decision = decideFor({ agency: null, purpose: null, fields: ['Query.school', 'School.name', 'School.commune', 'AdministrativeUnit.name'] });
      expect(summary(decision)).toEqual([
        'AdministrativeUnit.name ALLOW OPEN_DATA',
        'Query.school ALLOW OPEN_DATA',
        'School.commune ALLOW OPEN_DATA',
        'School.name ALLOW OPEN_DATA',
      ]);
      expect(decision.allowed).toBe(true);
      expect(decision.purposeRequired).toBe(false);
      expect(decision.scope).toEqual({ population: null, land: null, health: null, education: null });
    });
  });

  describe('an anonymous caller', () => {
    it('is denied every field that is not open, with no grant that could open it', () => {
      const decision = decideFor({ agency: null, purpose: null, fields: ['Citizen.fullName', 'LandParcel.areaSquareMeters', 'Query.citizen'] });
      expect(summary(decision)).toEqual([
        'Citizen.fullName DENY ANONYMOUS_OPEN_ONLY',
        'LandParcel.areaSquareMeters DENY ANONYMOUS_OPEN_ONLY',
        'Query.citizen DENY ANONYMOUS_OPEN_ONLY',
      ]);
      expect(decision.fields.map((field) => field.neededGrant)).toEqual([null, null, null]);
      expect(decision.allowed).toBe(false);
    });
  });

  describe('the own sector', () => {
    it('reads its internal and sensitive fields in full, whatever its grants mask', () => {
      const masking = grant({
        id: '2',
        agencyCode: HOSPITAL.code,
        target: { kind: 'TYPE', typeName: 'Encounter' },
        masks: [{ coordinate: 'Encounter.diagnosisCode', mask: 'REDACTED' }],
      });
      const decision = decideFor({
        agency: HOSPITAL,
        purpose: 'MEDICAL_TREATMENT',
        fields: ['Citizen.encounters', 'Encounter.diagnosisCode', 'Query.healthInsuranceCard'],
        grants: [masking],
      });
      expect(summary(decision)).toEqual([
        'Citizen.encounters ALLOW OWN_SECTOR',
        'Encounter.diagnosisCode ALLOW OWN_SECTOR',
        'Query.healthInsuranceCard ALLOW OWN_SECTOR',
      ]);
      expect(decision.allowed).toBe(true);
    });

    it('reads sensitive population data without a FIELD grant, and imposes no row scope', () => {
      const decision = decideFor({ agency: POLICE, purpose: 'INVESTIGATION', fields: ['Citizen.ethnicity', 'Citizen.nationalId', 'Query.citizen'] });
      expect(summary(decision)).toEqual(['Citizen.ethnicity ALLOW OWN_SECTOR', 'Citizen.nationalId ALLOW OWN_SECTOR', 'Query.citizen ALLOW OWN_SECTOR']);
      expect(decision.scope.population).toBeNull();
    });
  });

  describe('internal data of another sector', () => {
    it('is denied even with a FIELD grant on it, and no grant could open it', () => {
      const fieldGrant = grant({ id: '3', target: { kind: 'FIELD', coordinate: 'Encounter.diagnosisCode' } });
      const decision = decideFor({ fields: ['Encounter.diagnosisCode'], grants: [fieldGrant] });
      expect(fieldOf(decision, 'Encounter.diagnosisCode')).toMatchObject({ effect: 'DENY', rule: 'INTERNAL_OWNER_ONLY', grantId: null, neededGrant: null });
    });
  });

  describe('sensitive data of another sector', () => {
    it.each([
      ['a TYPE grant', { kind: 'TYPE', typeName: 'Citizen' }],
      ['a CLASSIFICATION grant', { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'SENSITIVE' }],
    ] as const)('is not opened by %s', (_label, target) => {
      const decision = decideFor({ fields: ['Citizen.ethnicity'], grants: [grant({ id: '4', target })] });
      expect(fieldOf(decision, 'Citizen.ethnicity')).toMatchObject({
        effect: 'DENY',
        rule: 'SENSITIVE_NEEDS_FIELD_GRANT',
        neededGrant: 'a FIELD grant on Citizen.ethnicity for purpose LAND_REGISTRATION',
      });
    });

    it('without any grant needs a FIELD grant', () => {
      const decision = decideFor({ purpose: 'MEDICAL_TREATMENT', fields: ['Vaccination.vaccine'] });
      expect(fieldOf(decision, 'Vaccination.vaccine')).toMatchObject({
        rule: 'SENSITIVE_NEEDS_FIELD_GRANT',
        neededGrant: 'a FIELD grant on Vaccination.vaccine for purpose MEDICAL_TREATMENT',
      });
    });

    it('is opened by a FIELD grant on it, for its purpose', () => {
      const decision = decideFor({ fields: ['Citizen.ethnicity'], grants: [grant({ id: '5', target: { kind: 'FIELD', coordinate: 'Citizen.ethnicity' } })] });
      expect(summary(decision)).toEqual(['Citizen.ethnicity ALLOW GRANT 5']);
    });
  });

  describe('purpose', () => {
    it('denies a field whose covering grants serve other purposes, naming the grant needed', () => {
      const medical = grant({ id: '6', target: { kind: 'TYPE', typeName: 'Citizen' }, purposes: ['MEDICAL_TREATMENT', 'HEALTH_INSURANCE'] });
      const field = fieldOf(decideFor({ fields: ['Citizen.fullName'], grants: [medical] }), 'Citizen.fullName');
      expect(field).toMatchObject({
        effect: 'DENY',
        rule: 'PURPOSE_NOT_GRANTED',
        neededGrant: 'a grant covering Citizen.fullName for purpose LAND_REGISTRATION',
      });
      expect(field.reason).toContain('MEDICAL_TREATMENT, HEALTH_INSURANCE');
    });

    it('denies a granted field when the request names no purpose, and requires one for personal data', () => {
      const decision = decideFor({ purpose: null, fields: ['Citizen.fullName'], grants: [SHARED_BASIC] });
      expect(fieldOf(decision, 'Citizen.fullName')).toMatchObject({
        effect: 'DENY',
        rule: 'PURPOSE_NOT_GRANTED',
        neededGrant: 'a grant covering Citizen.fullName',
      });
      expect(decision.purposeRequired).toBe(true);
      expect(decision.purpose).toBeNull();
    });

    it('is required exactly when a touched field is personal data', () => {
      expect(decideFor({ fields: ['LandParcel.areaSquareMeters', 'Query.landParcel'] }).purposeRequired).toBe(false);
      expect(decideFor({ fields: ['LandParcel.areaSquareMeters', 'LandParcel.owners'] }).purposeRequired).toBe(true);
      expect(decideFor({ fields: ['School.name', 'Vaccination.date'] }).purposeRequired).toBe(true);
    });
  });

  describe('grant validity', () => {
    it.each([
      ['expired', { validFrom: '2025-01-01T00:00:00.000Z', validTo: '2026-02-01T00:00:00.000Z' }],
      ['ending at the decision time', { validTo: NOW.toISOString() }],
      ['not yet valid', { validFrom: '2026-04-01T00:00:00.000Z' }],
      ['revoked', { revokedAt: '2026-02-15T00:00:00.000Z' }],
      ['with an unreadable start', { validFrom: 'soon' }],
    ])('ignores a grant %s', (_label, overrides) => {
      const decision = decideFor({ fields: ['Citizen.fullName'], grants: [grant({ id: '7', target: { kind: 'TYPE', typeName: 'Citizen' }, ...overrides })] });
      expect(fieldOf(decision, 'Citizen.fullName')).toMatchObject({
        effect: 'DENY',
        rule: 'DEFAULT_DENY',
        neededGrant: 'a grant covering Citizen.fullName for purpose LAND_REGISTRATION',
      });
    });

    it.each([
      ['starting at the decision time', { validFrom: NOW.toISOString() }],
      ['ending later', { validTo: '2026-03-01T08:00:00.001Z' }],
      ['revoked only later', { revokedAt: '2026-06-01T00:00:00.000Z' }],
    ])('uses a grant %s', (_label, overrides) => {
      const decision = decideFor({ fields: ['Citizen.fullName'], grants: [grant({ id: '8', target: { kind: 'TYPE', typeName: 'Citizen' }, ...overrides })] });
      expect(summary(decision)).toEqual(['Citizen.fullName ALLOW GRANT 8', 'Citizen.nationalId ALLOW GRANT 8']);
    });

    it("ignores another agency's grants", () => {
      const hospitals = grant({ id: '9', agencyCode: HOSPITAL.code, target: { kind: 'TYPE', typeName: 'Citizen' } });
      expect(summary(decideFor({ fields: ['Citizen.fullName'], grants: [hospitals] }))).toEqual(['Citizen.fullName DENY DEFAULT_DENY']);
    });
  });

  describe('choosing among covering grants', () => {
    const masked = grant({
      id: '10',
      target: { kind: 'FIELD', coordinate: 'Citizen.dateOfBirth' },
      masks: [{ coordinate: 'Citizen.dateOfBirth', mask: 'YEAR_ONLY' }],
    });

    it('masks through the only grant, naming the mask', () => {
      const field = fieldOf(decideFor({ fields: ['Citizen.dateOfBirth'], grants: [masked] }), 'Citizen.dateOfBirth');
      expect(field).toMatchObject({ effect: 'MASK', rule: 'GRANT', grantId: '10', mask: 'YEAR_ONLY', neededGrant: null });
    });

    it('prefers a grant without a mask, even a broader one', () => {
      const decision = decideFor({ fields: ['Citizen.dateOfBirth'], grants: [masked, SHARED_BASIC] });
      expect(summary(decision)).toEqual(['Citizen.dateOfBirth ALLOW GRANT 1', 'Citizen.nationalId ALLOW GRANT 1']);
    });

    it('prefers FIELD to TYPE to CLASSIFICATION', () => {
      const byType = grant({ id: '11', target: { kind: 'TYPE', typeName: 'Citizen' } });
      const byField = grant({ id: '12', target: { kind: 'FIELD', coordinate: 'Citizen.sex' } });
      expect(summary(decideFor({ fields: ['Citizen.sex'], grants: [SHARED_BASIC, byType, byField] }))).toEqual([
        'Citizen.nationalId ALLOW GRANT 11',
        'Citizen.sex ALLOW GRANT 12',
      ]);
      expect(summary(decideFor({ fields: ['Citizen.sex'], grants: [SHARED_BASIC, byType] }))).toEqual([
        'Citizen.nationalId ALLOW GRANT 11',
        'Citizen.sex ALLOW GRANT 11',
      ]);
    });

    it('breaks a tie by grant id, numerically for numeric ids', () => {
      const ten = grant({ id: '10', target: { kind: 'TYPE', typeName: 'Citizen' } });
      const nine = grant({ id: '9', target: { kind: 'TYPE', typeName: 'Citizen' } });
      expect(summary(decideFor({ fields: ['Citizen.sex'], grants: [ten, nine] }))).toEqual(['Citizen.nationalId ALLOW GRANT 9', 'Citizen.sex ALLOW GRANT 9']);
      const b = grant({ id: 'grant-b', target: { kind: 'TYPE', typeName: 'Citizen' } });
      const a = grant({ id: 'grant-a', target: { kind: 'TYPE', typeName: 'Citizen' } });
      expect(summary(decideFor({ fields: ['Citizen.sex'], grants: [b, a] }))).toEqual([
        'Citizen.nationalId ALLOW GRANT grant-a',
        'Citizen.sex ALLOW GRANT grant-a',
      ]);
    });

    it('only counts grants that serve the purpose', () => {
      const otherPurpose = grant({ id: '13', target: { kind: 'FIELD', coordinate: 'Citizen.sex' }, purposes: ['STATISTICS'] });
      expect(summary(decideFor({ fields: ['Citizen.sex'], grants: [otherPurpose, SHARED_BASIC] }))).toEqual([
        'Citizen.nationalId ALLOW GRANT 1',
        'Citizen.sex ALLOW GRANT 1',
      ]);
    });

    it('says which grant opened the field, for what, and on which legal basis', () => {
      expect(fieldOf(decideFor({ fields: ['Citizen.sex'], grants: [SHARED_BASIC] }), 'Citizen.sex').reason).toBe(
        'Grant 1 (CLASSIFICATION SHARED/BASIC, for LAND_REGISTRATION; Luật Đất đai 2024; Nghị định 101/2024/NĐ-CP) discloses Citizen.sex.',
      );
    });
  });

  describe('row scope', () => {
    const ward = (id: string, typeName: string, scopeUnitCodes: string[] | null) =>
      grant({ id, agencyCode: WARD.code, target: { kind: 'TYPE', typeName }, purposes: ['PUBLIC_SERVICE'], scopeUnitCodes });

    it('is, per sector, the intersection of the scopes of the fields it discloses, each field keeping its own', () => {
      const decision = decideFor({
        agency: WARD,
        purpose: 'PUBLIC_SERVICE',
        fields: ['AdministrativeUnit.name', 'Citizen.fullName', 'Citizen.landParcels', 'LandParcel.areaSquareMeters', 'Residence.addressLine'],
        grants: [ward('20', 'Citizen', ['16018']), ward('21', 'Residence', ['16019', '16018']), ward('22', 'LandParcel', ['16020', '16018'])],
      });
      expect(decision.allowed).toBe(true);
      expect(decision.scope).toEqual({ population: ['16018'], land: ['16018'], health: null, education: null });
      expect(fieldOf(decision, 'Residence.addressLine').scopeUnitCodes).toEqual(['16018', '16019']);
      expect(fieldOf(decision, 'LandParcel.areaSquareMeters')).toMatchObject({
        scopeUnitCodes: ['16018', '16020'],
        reason: expect.stringContaining('for rows of communes 16018, 16020 only'),
      });
      expect(fieldOf(decision, 'AdministrativeUnit.name').scopeUnitCodes).toBeNull();
    });

    it('never widens the rows when one more field is asked for: fields of disjoint scopes leave no row', () => {
      const grants = [
        grant({ id: '40', agencyCode: WARD.code, target: { kind: 'FIELD', coordinate: 'Query.citizen' }, purposes: ['PUBLIC_SERVICE'] }),
        grant({
          id: '41',
          agencyCode: WARD.code,
          target: { kind: 'FIELD', coordinate: 'Citizen.fullName' },
          purposes: ['PUBLIC_SERVICE'],
          scopeUnitCodes: ['16018'],
        }),
        grant({
          id: '42',
          agencyCode: WARD.code,
          target: { kind: 'FIELD', coordinate: 'Citizen.sex' },
          purposes: ['PUBLIC_SERVICE'],
          scopeUnitCodes: ['16019'],
        }),
      ];
      const ask = (fields: string[]) => decideFor({ agency: WARD, purpose: 'PUBLIC_SERVICE', fields: ['Query.citizen', ...fields], grants }).scope.population;
      expect(ask(['Citizen.fullName'])).toEqual(['16018']);
      expect(ask(['Citizen.sex'])).toEqual(['16019']);
      expect(ask(['Citizen.fullName', 'Citizen.sex'])).toEqual([]);
    });

    it('is, for one field, the union of the scopes of every grant serving it with the chosen mask', () => {
      const byField = grant({
        id: '43',
        agencyCode: WARD.code,
        target: { kind: 'FIELD', coordinate: 'Citizen.fullName' },
        purposes: ['PUBLIC_SERVICE'],
        scopeUnitCodes: ['16018'],
      });
      const byType = ward('44', 'Citizen', ['16019']);
      const masked = grant({
        ...ward('45', 'Citizen', ['16020']),
        target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC' },
        masks: [{ coordinate: 'Citizen.fullName', mask: 'INITIALS' }],
      });
      const otherPurpose = grant({ ...ward('46', 'Citizen', ['16021']), purposes: ['STATISTICS'] });
      const field = fieldOf(
        decideFor({ agency: WARD, purpose: 'PUBLIC_SERVICE', fields: ['Citizen.fullName'], grants: [byField, byType, masked, otherPurpose] }),
        'Citizen.fullName',
      );
      expect(field).toMatchObject({ effect: 'ALLOW', grantId: '43', scopeUnitCodes: ['16018', '16019'] });
      const wide = fieldOf(
        decideFor({ agency: WARD, purpose: 'PUBLIC_SERVICE', fields: ['Citizen.fullName'], grants: [byField, ward('47', 'Citizen', null)] }),
        'Citizen.fullName',
      );
      expect(wide.scopeUnitCodes).toBeNull();
    });

    it("applies the scope of a citizen's key wherever a citizen is reached, though none of population's fields is selected", () => {
      const decision = decideFor({
        agency: WARD,
        purpose: 'PUBLIC_SERVICE',
        fields: ['Citizen.landParcels', 'LandParcel.id'],
        grants: [ward('52', 'Citizen', ['16018']), ward('53', 'LandParcel', ['16018', '16019'])],
      });
      expect(summary(decision)).toEqual(['Citizen.landParcels ALLOW GRANT 52', 'Citizen.nationalId ALLOW GRANT 52', 'LandParcel.id ALLOW GRANT 53']);
      expect(decision.scope).toEqual({ population: ['16018'], land: ['16018'], health: null, education: null });
      const byReference = decideFor({
        agency: WARD,
        purpose: 'PUBLIC_SERVICE',
        fields: ['LandOwnership.owner'],
        grants: [ward('55', 'Citizen', ['16018']), ward('56', 'LandOwnership', null)],
      });
      expect(byReference.scope.population).toEqual(['16018']);
      // A key the caller may not read adds no field to deny the operation with, and no scope.
      const keyless = decideFor({
        agency: WARD,
        purpose: 'PUBLIC_SERVICE',
        fields: ['Citizen.landParcels'],
        grants: [grant({ ...ward('54', 'Citizen', null), target: { kind: 'FIELD', coordinate: 'Citizen.landParcels' } })],
      });
      expect(summary(keyless)).toEqual(['Citizen.landParcels ALLOW GRANT 54']);
      expect(keyless.allowed).toBe(true);
    });

    it('applies the scope of the fields a root field filters or sorts by, though the operation does not select them', () => {
      const grants = [
        grant({ id: '48', agencyCode: WARD.code, target: { kind: 'FIELD', coordinate: 'Query.citizensByNamePrefix' }, purposes: ['PUBLIC_SERVICE'] }),
        grant({
          id: '49',
          agencyCode: WARD.code,
          target: { kind: 'FIELD', coordinate: 'Citizen.fullName' },
          purposes: ['PUBLIC_SERVICE'],
          scopeUnitCodes: ['16018'],
        }),
        grant({ id: '50', agencyCode: WARD.code, target: { kind: 'FIELD', coordinate: 'Citizen.nationalId' }, purposes: ['PUBLIC_SERVICE'] }),
        grant({ id: '51', agencyCode: WARD.code, target: { kind: 'FIELD', coordinate: 'Citizen.dateOfBirth' }, purposes: ['PUBLIC_SERVICE'] }),
      ];
      const fields = collectFields(apiSchema, parse('{ citizensByNamePrefix(prefix: "nguyen") { nodes { dateOfBirth } } }'));
      const decision = decideFor({ agency: WARD, purpose: 'PUBLIC_SERVICE', fields, grants });
      expect(decision.allowed).toBe(true);
      expect(decision.scope.population).toEqual(['16018']);
    });

    it('is null where the disclosing grants cover the whole province, or where no grant was used', () => {
      const decision = decideFor({
        agency: WARD,
        purpose: 'PUBLIC_SERVICE',
        fields: ['Citizen.fullName', 'HealthFacility.name', 'LandParcel.areaSquareMeters'],
        grants: [ward('23', 'Citizen', null), ward('24', 'LandParcel', ['16018']), ward('25', 'HealthInsuranceCard', ['16018'])],
      });
      expect(decision.scope).toEqual({ population: null, land: ['16018'], health: null, education: null });
    });

    it('counts a masked field as disclosed', () => {
      const masking = grant({
        id: '26',
        target: { kind: 'TYPE', typeName: 'Citizen' },
        scopeUnitCodes: ['16018'],
        masks: [{ coordinate: 'Citizen.fullName', mask: 'INITIALS' }],
      });
      expect(decideFor({ fields: ['Citizen.fullName'], grants: [masking] }).scope.population).toEqual(['16018']);
    });

    it('is not imposed by the own sector', () => {
      const scoped = grant({ id: '27', target: { kind: 'TYPE', typeName: 'LandParcel' }, scopeUnitCodes: ['16018'] });
      expect(decideFor({ fields: ['LandParcel.areaSquareMeters'], grants: [scoped] }).scope.land).toBeNull();
    });
  });

  describe('filtering or sorting by a field', () => {
    const fieldsOf = (query: string) => collectFields(apiSchema, parse(query));
    const byName = fieldsOf(`{ citizensByNamePrefix(prefix: "nguyen") { nodes { dateOfBirth } } }`);

    it('denies the root field when the caller sees the field only masked', () => {
      const masking = grant({
        id: '30',
        target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC' },
        masks: [{ coordinate: 'Citizen.fullName', mask: 'INITIALS' }],
      });
      const decision = decideFor({ fields: byName, grants: [masking] });
      expect(summary(decision)).toEqual([
        'Citizen.dateOfBirth ALLOW GRANT 30',
        'Citizen.fullName MASK GRANT 30 INITIALS',
        'Citizen.nationalId ALLOW GRANT 30',
        'CitizenConnection.nodes ALLOW OPEN_DATA',
        'Query.citizensByNamePrefix DENY DEFAULT_DENY',
      ]);
      const root = fieldOf(decision, 'Query.citizensByNamePrefix');
      expect(root.reason).toContain('filters or sorts by Citizen.fullName (masked as INITIALS)');
      expect(root.neededGrant).toBe('an unmasked grant covering Citizen.fullName for purpose LAND_REGISTRATION');
      expect(decision.allowed).toBe(false);
    });

    it('denies the root field when the caller may not see the field, naming every grant needed', () => {
      const rootOnly = grant({ id: '31', target: { kind: 'FIELD', coordinate: 'Query.citizensByCommune' } });
      const decision = decideFor({ fields: ['Query.citizensByCommune'], grants: [rootOnly] });
      expect(summary(decision)).toEqual([
        'Citizen.currentResidence DENY DEFAULT_DENY',
        'Citizen.nationalId DENY DEFAULT_DENY',
        'Query.citizensByCommune DENY DEFAULT_DENY',
      ]);
      expect(fieldOf(decision, 'Query.citizensByCommune').neededGrant).toBe(
        'a grant covering Citizen.currentResidence for purpose LAND_REGISTRATION and a grant covering Citizen.nationalId for purpose LAND_REGISTRATION',
      );
    });

    it('allows the root field when the fields are disclosed unmasked', () => {
      expect(decideFor({ fields: byName, grants: [SHARED_BASIC] }).allowed).toBe(true);
    });

    it('decides the filter fields even when the list omits them', () => {
      const masking = grant({
        id: '32',
        target: { kind: 'TYPE', typeName: 'LandParcel' },
        masks: [{ coordinate: 'LandParcel.landUsePurpose', mask: 'REDACTED' }],
      });
      const rootGrant = grant({ id: '33', target: { kind: 'FIELD', coordinate: 'Query.landParcelsByCommune' } });
      const decision = decideFor({
        agency: WARD,
        fields: ['Query.landParcelsByCommune'],
        grants: [masking, rootGrant].map((each) => ({ ...each, agencyCode: WARD.code })),
      });
      expect(summary(decision)).toEqual([
        'LandParcel.communeCode ALLOW GRANT 32',
        'LandParcel.landUsePurpose MASK GRANT 32 REDACTED',
        'Query.landParcelsByCommune DENY DEFAULT_DENY',
      ]);
    });

    it('leaves the own sector free to filter its own data', () => {
      expect(decideFor({ agency: POLICE, purpose: 'INVESTIGATION', fields: byName }).allowed).toBe(true);
    });
  });

  it('carries the policy version and the purpose', () => {
    const decision = decideFor({ fields: ['School.name'], version: 42, purpose: 'STATISTICS' });
    expect(decision.policyVersion).toBe(42);
    expect(decision.purpose).toBe('STATISTICS');
  });

  it('denies a field the catalog does not know', () => {
    expect(fieldOf(decideFor({ fields: ['Citizen.secretField'] }), 'Citizen.secretField')).toMatchObject({
      effect: 'DENY',
      rule: 'DEFAULT_DENY',
      neededGrant: null,
    });
  });

  it('answers the land office of the demo as its grant says: names in full, birth dates by year, national IDs in part', () => {
    const landGrant = grant({
      id: '40',
      target: { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC' },
      masks: [
        { coordinate: 'Citizen.dateOfBirth', mask: 'YEAR_ONLY' },
        { coordinate: 'Citizen.nationalId', mask: 'PARTIAL_ID' },
      ],
    });
    const lookup = decideFor({
      fields: collectFields(apiSchema, parse(`{ citizen(nationalId: "038085001234") { nationalId fullName dateOfBirth ethnicity landParcels { id } } }`)),
      grants: [landGrant],
    });
    expect(summary(lookup)).toEqual([
      'Citizen.dateOfBirth MASK GRANT 40 YEAR_ONLY',
      'Citizen.ethnicity DENY SENSITIVE_NEEDS_FIELD_GRANT',
      'Citizen.fullName ALLOW GRANT 40',
      'Citizen.landParcels ALLOW OWN_SECTOR',
      'Citizen.nationalId MASK GRANT 40 PARTIAL_ID',
      'LandParcel.id ALLOW OWN_SECTOR',
      'Query.citizen ALLOW GRANT 40',
    ]);
    const listing = decideFor({
      fields: collectFields(apiSchema, parse(`{ citizensByCommune(communeCode: "16018") { nodes { fullName } } }`)),
      grants: [landGrant],
    });
    expect(fieldOf(listing, 'Query.citizensByCommune')).toMatchObject({ effect: 'DENY', rule: 'DEFAULT_DENY' });
  });

  it('is pure: the same input gives the same decision and is left unchanged', () => {
    const input = { fields: ['Citizen.fullName', 'Citizen.dateOfBirth', 'School.name'], grants: [SHARED_BASIC] };
    const frozen = JSON.stringify(input);
    expect(decideFor(input)).toEqual(decideFor(input));
    expect(JSON.stringify(input)).toBe(frozen);
  });

  describe('self-service (myAccess, explainOperation)', () => {
    const SELF_SERVICE_FIELDS = ['Query.myAccess', 'MyAccess.grants', 'AccessGrant.legalBasis', 'Query.explainOperation', 'Decision.fields'];

    it('lets any agency read its own access, without a grant or a purpose, masked by no grant', () => {
      const decision = decideFor({
        agency: WARD,
        purpose: null,
        fields: SELF_SERVICE_FIELDS,
        grants: [
          grant({
            id: 'g-mask',
            agencyCode: WARD.code,
            target: { kind: 'TYPE', typeName: 'AccessGrant' },
            masks: [{ coordinate: 'AccessGrant.legalBasis', mask: 'REDACTED' }],
          }),
        ],
      });
      expect(decision.allowed).toBe(true);
      expect(decision.purposeRequired).toBe(false);
      expect(decision.fields.map((field) => `${field.coordinate} ${field.effect} ${field.rule}`)).toEqual(
        [...SELF_SERVICE_FIELDS].sort().map((coordinate) => `${coordinate} ALLOW SELF_SERVICE`),
      );
      expect(decision.scope).toEqual({ population: null, land: null, health: null, education: null });
    });

    it('refuses the anonymous caller', () => {
      const decision = decideFor({ agency: null, purpose: null, fields: ['Query.myAccess', 'MyAccess.grants'] });
      expect(summary(decision)).toEqual(['MyAccess.grants DENY ANONYMOUS_OPEN_ONLY', 'Query.myAccess DENY ANONYMOUS_OPEN_ONLY']);
    });
  });
});

import fs from 'node:fs';
import { buildCatalog } from '../../gateway/policy/catalog';
import { decide } from '../../gateway/policy/decide';
import { explainDecision } from '../../gateway/policy/explain';
import type { Agency, Decision, Grant, GrantTarget, Purpose } from '../../gateway/policy/types';
import { SUPERGRAPH_PATH } from '../../schema/load';

const catalog = buildCatalog(fs.readFileSync(SUPERGRAPH_PATH, 'utf8'));
const NOW = new Date('2026-03-01T08:00:00.000Z');
const LAND_OFFICE: Agency = { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land', unitCodes: [], steward: false };

/** Given grants of the land office (by target, for LAND_REGISTRATION) and fields, returns the decision at NOW. */
function decideWith(targets: GrantTarget[], fields: string[], purpose: Purpose = 'LAND_REGISTRATION'): Decision {
  const grants: Grant[] = targets.map((target, index) => ({
    id: String(index + 1),
    agencyCode: LAND_OFFICE.code,
    target,
    purposes: ['LAND_REGISTRATION'],
    legalBasis: 'Luật Đất đai 2024',
    legalInstruments: ['31/2024/QH15'],
    scopeUnitCodes: null,
    masks: [],
    validFrom: '2026-01-01T00:00:00.000Z',
    validTo: null,
    revokedAt: null,
  }));
  return decide({
    principal: { kind: 'AGENCY', agency: LAND_OFFICE, credentialId: 'c', userId: null },
    purpose,
    fields,
    snapshot: { version: 3, agencies: new Map([[LAND_OFFICE.code, LAND_OFFICE]]), grantsByAgency: new Map([[LAND_OFFICE.code, grants]]) },
    catalog,
    now: NOW,
  });
}

const effects = (decision: Decision) =>
  Object.fromEntries(decision.fields.map((field) => [field.coordinate, `${field.effect} ${field.rule}${field.grantId ? ` ${field.grantId}` : ''}`]));

describe('grant coverage of a classification limited to a sector or to types', () => {
  const FIELDS = [
    'Citizen.fullName',
    'Citizen.healthInsurance',
    'Citizen.diplomas',
    'HealthInsuranceCard.benefitLevel',
    'Residence.addressLine',
    'Household.address',
  ];

  it('unlimited, covers every field of the classification, whatever sector produces it', () => {
    expect(effects(decideWith([{ kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC' }], FIELDS))).toEqual(
      // A citizen's key counts as read wherever a citizen is reached, so that its row scope applies.
      Object.fromEntries([...FIELDS, 'Citizen.nationalId'].map((field) => [field, 'ALLOW GRANT 1'])),
    );
  });

  it('limited to a sector, covers the fields that sector produces only', () => {
    expect(effects(decideWith([{ kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', sector: 'population' }], FIELDS))).toEqual({
      'Citizen.fullName': 'ALLOW GRANT 1',
      'Citizen.nationalId': 'ALLOW GRANT 1',
      'Citizen.healthInsurance': 'DENY DEFAULT_DENY',
      'Citizen.diplomas': 'DENY DEFAULT_DENY',
      'HealthInsuranceCard.benefitLevel': 'DENY DEFAULT_DENY',
      'Residence.addressLine': 'ALLOW GRANT 1',
      'Household.address': 'ALLOW GRANT 1',
    });
  });

  it('limited to types, covers the fields of those types only; with a sector too, both must hold', () => {
    expect(effects(decideWith([{ kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', typeNames: ['Citizen', 'Residence'] }], FIELDS))).toEqual({
      'Citizen.fullName': 'ALLOW GRANT 1',
      'Citizen.nationalId': 'ALLOW GRANT 1',
      'Citizen.healthInsurance': 'ALLOW GRANT 1',
      'Citizen.diplomas': 'ALLOW GRANT 1',
      'HealthInsuranceCard.benefitLevel': 'DENY DEFAULT_DENY',
      'Residence.addressLine': 'ALLOW GRANT 1',
      'Household.address': 'DENY DEFAULT_DENY',
    });
    expect(
      effects(
        decideWith([{ kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', sector: 'population', typeNames: ['Citizen', 'Residence'] }], FIELDS),
      ),
    ).toEqual({
      'Citizen.fullName': 'ALLOW GRANT 1',
      'Citizen.nationalId': 'ALLOW GRANT 1',
      'Citizen.healthInsurance': 'DENY DEFAULT_DENY',
      'Citizen.diplomas': 'DENY DEFAULT_DENY',
      'HealthInsuranceCard.benefitLevel': 'DENY DEFAULT_DENY',
      'Residence.addressLine': 'ALLOW GRANT 1',
      'Household.address': 'DENY DEFAULT_DENY',
    });
  });

  it('still opens no sensitive field, and names its limits in the reasons explain shows', () => {
    const decision = decideWith(
      [{ kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', sector: 'population', typeNames: ['Citizen'] }],
      ['Citizen.fullName', 'Citizen.ethnicity'],
    );
    expect(effects(decision)).toEqual({
      'Citizen.ethnicity': 'DENY SENSITIVE_NEEDS_FIELD_GRANT',
      'Citizen.fullName': 'ALLOW GRANT 1',
      'Citizen.nationalId': 'ALLOW GRANT 1',
    });
    const lines = explainDecision(decision).join('\n');
    expect(lines).toContain(
      'Grant 1 (CLASSIFICATION SHARED/BASIC in sector population on types Citizen, for LAND_REGISTRATION; Luật Đất đai 2024) discloses Citizen.fullName',
    );
    const purposeRefused = decideWith(
      [{ kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'BASIC', sector: 'population' }],
      ['Citizen.fullName'],
      'STATISTICS',
    );
    expect(purposeRefused.fields[0]).toMatchObject({
      rule: 'PURPOSE_NOT_GRANTED',
      reason: expect.stringContaining('1 (CLASSIFICATION SHARED/BASIC in sector population, for LAND_REGISTRATION)'),
    });
  });
});

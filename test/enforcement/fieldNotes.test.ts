import fs from 'node:fs';
import { callerFieldNotes } from '../../gateway/enforcement/fieldNotes';
import { buildCatalog } from '../../gateway/policy/catalog';
import type { Decision, FieldDecision, Grant } from '../../gateway/policy/types';
import { SUPERGRAPH_PATH } from '../../schema/load';

const catalog = buildCatalog(fs.readFileSync(SUPERGRAPH_PATH, 'utf8'));

const GRANT: Grant = {
  id: '42',
  agencyCode: 'H56.99.40778',
  target: { kind: 'TYPE', typeName: 'Citizen' },
  purposes: ['PUBLIC_SERVICE', 'SOCIAL_SUPPORT'],
  legalBasis: 'Nghị định 47/2020/NĐ-CP',
  legalInstruments: ['47/2020/NĐ-CP'],
  scopeUnitCodes: ['40778', '40779'],
  masks: [{ coordinate: 'Citizen.nationalId', mask: 'PARTIAL_ID' }],
  validFrom: '2026-01-01T00:00:00.000Z',
  validTo: '2027-06-30T00:00:00.000Z',
  revokedAt: null,
};

function field(coordinate: string, overrides: Partial<FieldDecision>): FieldDecision {
  return { coordinate, effect: 'ALLOW', rule: 'GRANT', grantId: '42', reason: '', mask: null, neededGrant: null, scopeUnitCodes: null, ...overrides };
}

function decision(purpose: Decision['purpose'], fields: FieldDecision[]): Decision {
  return { allowed: true, purposeRequired: true, policyVersion: 3, purpose, fields, scope: { population: null, land: null, health: null, education: null } };
}

describe('callerFieldNotes', () => {
  it('says per purpose how a grant opens a field: mask, rows, grant, legal basis and expiry', () => {
    const notes = callerFieldNotes(
      [
        decision(null, [field('Citizen.nationalId', { effect: 'DENY', rule: 'PURPOSE_NOT_GRANTED', grantId: null })]),
        decision('PUBLIC_SERVICE', [field('Citizen.nationalId', { effect: 'MASK', mask: 'PARTIAL_ID' })]),
        decision('SOCIAL_SUPPORT', [field('Citizen.nationalId', { effect: 'MASK', mask: 'PARTIAL_ID' })]),
      ],
      catalog,
      [GRANT],
    );
    expect(notes.get('Citizen.nationalId')).toBe(
      '**Classification:** SHARED, personal data BASIC. **For you:** for PUBLIC_SERVICE, SOCIAL_SUPPORT: masked as PARTIAL_ID; ' +
        'rows of communes 40778, 40779 only; grant 42 (legal basis: Nghị định 47/2020/NĐ-CP; valid until 2027-06-30).',
    );
  });

  it('tells open data, own sector and self-service apart, and says nothing of a field denied for every purpose', () => {
    const notes = callerFieldNotes(
      [
        decision('STATISTICS', [
          field('School.name', { rule: 'OPEN_DATA', grantId: null }),
          field('Citizen.encounters', { rule: 'OWN_SECTOR', grantId: null }),
          field('Query.myAccess', { rule: 'SELF_SERVICE', grantId: null }),
          field('Citizen.ethnicity', { effect: 'DENY', rule: 'SENSITIVE_NEEDS_FIELD_GRANT', grantId: null }),
        ]),
      ],
      catalog,
      [],
    );
    expect(notes.get('School.name')).toMatch(/OPEN, personal data NONE\. \*\*For you:\*\* open data: anyone reads it\.$/);
    expect(notes.get('Citizen.encounters')).toMatch(/INTERNAL, personal data SENSITIVE\. \*\*For you:\*\* your own sector's data: read in full\.$/);
    expect(notes.get('Query.myAccess')).toMatch(/about your own access: any agency reads its own\.$/);
    expect(notes.has('Citizen.ethnicity')).toBe(false);
  });
});

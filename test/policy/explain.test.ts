import { explainDecision } from '../../gateway/policy/explain';
import type { Decision } from '../../gateway/policy/types';

const NO_SCOPE = { population: null, land: null, health: null, education: null };

describe('explainDecision', () => {
  it('writes the verdict, one line per field with its rule, grant, mask, communes and needed grant, and the row scope', () => {
    const decision: Decision = {
      allowed: false,
      purposeRequired: true,
      policyVersion: 12,
      purpose: 'LAND_REGISTRATION',
      scope: { ...NO_SCOPE, population: ['16018'] },
      fields: [
        {
          coordinate: 'Citizen.dateOfBirth',
          effect: 'MASK',
          rule: 'GRANT',
          grantId: '40',
          reason: 'Grant 40 discloses it masked.',
          mask: 'YEAR_ONLY',
          neededGrant: null,
          scopeUnitCodes: ['16018', '16019'],
        },
        {
          coordinate: 'Citizen.ethnicity',
          effect: 'DENY',
          rule: 'SENSITIVE_NEEDS_FIELD_GRANT',
          grantId: null,
          reason: 'Sensitive.',
          mask: null,
          neededGrant: 'a FIELD grant on Citizen.ethnicity for purpose LAND_REGISTRATION',
          scopeUnitCodes: null,
        },
        {
          coordinate: 'Citizen.fullName',
          effect: 'ALLOW',
          rule: 'GRANT',
          grantId: '41',
          reason: 'Grant 41 discloses it.',
          mask: null,
          neededGrant: null,
          scopeUnitCodes: ['16018'],
        },
      ],
    };
    expect(explainDecision(decision)).toEqual([
      'DENIED under policy version 12; purpose: LAND_REGISTRATION',
      '  MASK  Citizen.dateOfBirth as YEAR_ONLY [GRANT grant 40; rows of communes 16018, 16019] Grant 40 discloses it masked.',
      '  DENY  Citizen.ethnicity [SENSITIVE_NEEDS_FIELD_GRANT] Sensitive. Would need a FIELD grant on Citizen.ethnicity for purpose LAND_REGISTRATION.',
      '  ALLOW Citizen.fullName [GRANT grant 41; rows of communes 16018] Grant 41 discloses it.',
      'Rows restricted to (a row is returned only when every field read of its sector may be read for it):',
      '  population: communes 16018',
    ]);
  });

  it('says when a sector has no commune left, when no purpose was stated though one is required, and when rows are not restricted', () => {
    const empty: Decision = { allowed: true, purposeRequired: true, policyVersion: 2, purpose: 'PUBLIC_SERVICE', scope: { ...NO_SCOPE, land: [] }, fields: [] };
    expect(explainDecision(empty).slice(1)).toEqual([
      'Rows restricted to (a row is returned only when every field read of its sector may be read for it):',
      '  land: no commune',
    ]);
    const decision: Decision = { allowed: true, purposeRequired: true, policyVersion: 1, purpose: null, scope: NO_SCOPE, fields: [] };
    expect(explainDecision(decision)).toEqual(['ALLOWED under policy version 1; purpose: none stated, but one is required', 'Rows: not restricted']);
  });
});

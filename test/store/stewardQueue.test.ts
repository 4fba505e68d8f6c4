import fs from 'node:fs';
import { buildCatalog } from '../../gateway/policy/catalog';
import { assertEntitledToOwnerQueue } from '../../gateway/store/fourEyes';
import { assertOwnsFields, queueScopeOf, seesQueue } from '../../gateway/store/stewardQueue';
import type { Actor } from '../../gateway/store/types';
import { SUPERGRAPH_PATH } from '../../schema/load';

const catalog = buildCatalog(fs.readFileSync(SUPERGRAPH_PATH, 'utf8'));
const person = (agencyCode: string | null): Actor => ({
  kind: 'PERSON',
  accountId: 1,
  email: 'a@b.gov.vn',
  name: 'A',
  role: 'POLICY_STEWARD',
  reason: 'r',
  via: 'cli:test',
  agencyCode,
});
const refusal = { extensions: { code: 'OUTSIDE_STEWARD_QUEUE', http: { status: 403 } } };

describe('queueScopeOf', () => {
  it("gives an account linked to an agency that agency's queue, and every queue to the province's office, a steward agency's key and the platform", () => {
    expect(queueScopeOf(person('H56.01'))).toEqual({ kind: 'AGENCY', agencyCode: 'H56.01' });
    expect(queueScopeOf(person(null))).toEqual({ kind: 'PROVINCE' });
    expect(queueScopeOf({ kind: 'STEWARD', agencyCode: 'H56.10', credentialId: 'k' })).toEqual({ kind: 'PROVINCE' });
    expect(queueScopeOf({ kind: 'SYSTEM', task: 'read' })).toEqual({ kind: 'PROVINCE' });
    expect(queueScopeOf({ kind: 'AGENCY', agencyCode: 'H56.20', credentialId: 'k' })).toEqual({ kind: 'AGENCY', agencyCode: 'H56.20' });
  });

  it('sees a request routed to its agency among others, and none routed elsewhere', () => {
    expect(seesQueue({ kind: 'AGENCY', agencyCode: 'H56.01' }, ['H56.01', 'H56.15.01'])).toBe(true);
    expect(seesQueue({ kind: 'AGENCY', agencyCode: 'H56.01' }, ['H56.15.01'])).toBe(false);
    expect(seesQueue({ kind: 'PROVINCE' }, [])).toBe(true);
  });
});

describe('assertOwnsFields and assertEntitledToOwnerQueue', () => {
  const police = { kind: 'AGENCY', agencyCode: 'H56.01' } as const;

  it("lets an agency's steward decide on its own sector's fields only, and one of an agency owning no sector on none", () => {
    expect(() => assertOwnsFields(police, 'population', ['Citizen.fullName', 'Citizen.ethnicity'], catalog)).not.toThrow();
    expect(() => assertOwnsFields(police, 'population', ['Citizen.fullName', 'HealthInsuranceCard.validTo'], catalog)).toThrow(
      expect.objectContaining(refusal),
    );
    expect(() => assertOwnsFields(police, null, ['Citizen.fullName'], catalog)).toThrow(expect.objectContaining(refusal));
    expect(() => assertOwnsFields({ kind: 'PROVINCE' }, null, ['HealthInsuranceCard.validTo'], catalog)).not.toThrow();
  });

  it('holds a grant on a classification of several sectors for the province office, and a field grant for its owner', () => {
    const sensitiveEverywhere = { kind: 'CLASSIFICATION', sharing: 'SHARED', personal: 'SENSITIVE' } as const;
    expect(() => assertEntitledToOwnerQueue(police, 'population', sensitiveEverywhere, catalog)).toThrow(expect.objectContaining(refusal));
    expect(() => assertEntitledToOwnerQueue({ kind: 'PROVINCE' }, null, sensitiveEverywhere, catalog)).not.toThrow();
    expect(() => assertEntitledToOwnerQueue(police, 'population', { kind: 'FIELD', coordinate: 'Citizen.ethnicity' }, catalog)).not.toThrow();
    expect(() => assertEntitledToOwnerQueue(police, 'population', { kind: 'FIELD', coordinate: 'Citizen.vaccinations' }, catalog)).toThrow(
      expect.objectContaining(refusal),
    );
  });
});

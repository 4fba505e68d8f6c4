import { printable } from '../../common/nationalId';
import type { Grant, PolicySnapshot } from '../policy/types';
import { notFound } from '../store/errors';
import type { SchemaFacts } from '../store/grantInput';
import { grantTermsOf, parseInstant } from '../store/stewardship';
import type { GrantInput } from '../store/stewardship';

/**
 * Given the grant ids to revoke and the policy in force, returns them without repeats, or throws NOT_FOUND
 * naming those that are no grant in force.
 */
export function grantsToRevoke(ids: readonly string[] | null | undefined, snapshot: PolicySnapshot): string[] {
  const revokeGrantIds = [...new Set(ids ?? [])];
  const known = new Set([...snapshot.grantsByAgency.values()].flat().map((grant) => grant.id));
  const unknown = revokeGrantIds.filter((id) => !known.has(id));
  if (unknown.length > 0) throw notFound(`No grant in force has the id ${unknown.map((id) => `"${printable(id)}"`).join(', ')}`);
  return revokeGrantIds;
}

/**
 * Given grants as a steward writes them, the policy in force, the schema and the instant, returns them as the
 * policy would hold them (checked as createGrant checks their terms, never stored, ids "proposed-1"...), or
 * throws BAD_USER_INPUT or NOT_FOUND (an unknown agency).
 */
export function proposedGrants(inputs: readonly GrantInput[] | null | undefined, snapshot: PolicySnapshot, schema: SchemaFacts, now: Date): Grant[] {
  return (inputs ?? []).map((grant, index) => {
    const agency = snapshot.agencies.get(grant.agencyCode);
    if (!agency) throw notFound(`Unknown agency "${printable(grant.agencyCode)}"`);
    return {
      id: `proposed-${index + 1}`,
      agencyCode: agency.code,
      ...grantTermsOf(grant, schema),
      validFrom: grant.validFrom ? parseInstant(grant.validFrom, 'validFrom') : now.toISOString(),
      validTo: grant.validTo ? parseInstant(grant.validTo, 'validTo') : null,
      revokedAt: null,
    };
  });
}

import type { SectorName } from '../../common/sectors';
import type { CitizenPrincipal, Decision, DecisionInput, FieldCoordinate, FieldDecision, SchemaCatalog } from './types';
import { isSector } from './types';

/** The one way in for a citizen: their own record, by the national ID the session holds. */
export const OWN_RECORD_ROOT = 'Query.citizen';

function decision(coordinate: FieldCoordinate, effect: 'ALLOW' | 'DENY', rule: FieldDecision['rule'], reason: string): FieldDecision {
  return { coordinate, effect, rule, grantId: null, reason, mask: null, neededGrant: null, scopeUnitCodes: null };
}

/**
 * Given a field and the catalog, returns what a citizen reading their own data may make of it: open data, and
 * every field of a sector reached from their own record (the rows are theirs alone: the subject restricts them
 * in every subgraph); no other root field, nothing of the agencies' self-service.
 */
export function decideOwnRecordsField(coordinate: FieldCoordinate, catalog: SchemaCatalog): FieldDecision {
  const facts = catalog.fields.get(coordinate);
  if (!facts) return decision(coordinate, 'DENY', 'DEFAULT_DENY', `${coordinate} is not a field of the schema.`);
  if (facts.classification.sharing === 'OPEN') return decision(coordinate, 'ALLOW', 'OPEN_DATA', `${coordinate} is open data.`);
  const root = coordinate.startsWith('Query.') || coordinate.startsWith('Mutation.');
  if (!isSector(facts.owner) || (root && coordinate !== OWN_RECORD_ROOT)) {
    return decision(
      coordinate,
      'DENY',
      'OWN_RECORDS_ONLY',
      `A citizen reads their own record only, through ${OWN_RECORD_ROOT}; ${coordinate} is not part of it.`,
    );
  }
  return decision(coordinate, 'ALLOW', 'OWN_RECORDS', `${coordinate} is the citizen's own data, read from their own rows only.`);
}

/**
 * Given a citizen reading their own data and the rest of a decision's input, returns the decision: every field by
 * decideOwnRecordsField, no purpose needed (the data subject reads their own data), no commune scope, and the
 * citizen's national ID as the subject whose rows alone every sector returns. Pure.
 */
export function decideOwnRecords(input: DecisionInput, principal: CitizenPrincipal): Decision {
  const coordinates = [...new Set([...input.fields, 'Citizen.nationalId'])].sort();
  const fields = coordinates.map((coordinate) => decideOwnRecordsField(coordinate, input.catalog));
  const scope: Record<SectorName, string[] | null> = Object.fromEntries(input.catalog.sectors.map((sector) => [sector, null]));
  return {
    allowed: fields.every((field) => field.effect !== 'DENY'),
    purposeRequired: false,
    policyVersion: input.snapshot.version,
    purpose: input.purpose,
    fields,
    scope,
    subject: principal.nationalId,
  };
}

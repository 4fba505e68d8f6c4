import type { SectorName } from '../../common/sectors';
import { FILTER_FIELDS } from './collectFields';
import { describeTarget } from './describeTarget';
import { decideOwnRecords } from './ownRecords';
import { targetReaches } from './targetReaches';
import { isSector } from './types';
import type {
  Agency,
  Decision,
  DecisionInput,
  FieldCoordinate,
  FieldDecision,
  FieldFacts,
  Grant,
  GrantTarget,
  MaskKind,
  Purpose,
  SchemaCatalog,
} from './types';

/**
 * The entities other subgraphs refer to by key, with the key: wherever the operation reaches one (any of its
 * fields, in any subgraph), the gateway joins on its key, so the key counts as read when the caller may read it,
 * and its row scope restricts the owner's rows: an entity the caller may not see is then refused by its owner,
 * even when reached through another subgraph with none of the owner's fields selected.
 */
export const ENTITY_KEYS: Readonly<Record<string, FieldCoordinate>> = { Citizen: 'Citizen.nationalId' };

/** The fields that return such an entity, with its type: reaching one reaches the entity, whatever it selects of it. */
export const ENTITY_REFERENCES: Readonly<Record<FieldCoordinate, string>> = {
  'Query.citizen': 'Citizen',
  'CitizenConnection.nodes': 'Citizen',
  'CitizenEdge.node': 'Citizen',
  'Household.head': 'Citizen',
  'HouseholdMembership.citizen': 'Citizen',
  'LandOwnership.owner': 'Citizen',
  'HealthInsuranceCard.holder': 'Citizen',
  'Diploma.holder': 'Citizen',
};

/** Of several grants covering a field, the narrower target wins: it is the steward's more deliberate choice. */
const TARGET_PRECEDENCE: Record<GrantTarget['kind'], number> = { FIELD: 0, TYPE: 1, CLASSIFICATION: 2 };

/** What deciding one field of an agency's request depends on. */
interface AgencyRequest {
  agency: Agency;
  purpose: Purpose | null;
  /** The agency's grants valid at the decision's clock. */
  grants: Grant[];
}

/** Given a grant and a moment (epoch ms), tells whether the grant is in force then: started, not ended, not revoked. */
export function isValidAt(grant: Grant, now: number): boolean {
  // An unreadable timestamp compares false everywhere, so such a grant opens nothing.
  const started = Date.parse(grant.validFrom) <= now;
  const notEnded = grant.validTo === null || now < Date.parse(grant.validTo);
  const notRevoked = grant.revokedAt === null || now < Date.parse(grant.revokedAt);
  return started && notEnded && notRevoked;
}

function maskOf(grant: Grant, coordinate: FieldCoordinate): MaskKind | null {
  return grant.masks.find((mask) => mask.coordinate === coordinate)?.mask ?? null;
}

function compareIds(left: string, right: string): number {
  const numeric = /^\d+$/.test(left) && /^\d+$/.test(right);
  if (numeric && left.length !== right.length) return left.length - right.length;
  return left < right ? -1 : left > right ? 1 : 0;
}

function describeGrants(grants: Grant[]): string {
  return grants.map((grant) => `${grant.id} (${describeTarget(grant.target)}, for ${grant.purposes.join(', ') || 'no purpose'})`).join('; ');
}

function forPurpose(purpose: Purpose | null): string {
  return purpose ? ` for purpose ${purpose}` : '';
}

function denied(coordinate: FieldCoordinate, rule: FieldDecision['rule'], reason: string, neededGrant: string | null): FieldDecision {
  return { coordinate, effect: 'DENY', rule, grantId: null, reason, mask: null, neededGrant, scopeUnitCodes: null };
}

/**
 * Given the grants that serve a field for the purpose and the mask chosen, returns the communes whose rows the
 * field may be read for: the union of the scopes of those grants with that mask (null, the whole province,
 * when one of them is not restricted). A grant with another mask does not widen it: its rows would need
 * another mask, which a field of one response cannot carry row by row.
 */
function fieldScope(serving: Grant[], coordinate: FieldCoordinate, mask: MaskKind | null): string[] | null {
  const codes = new Set<string>();
  for (const grant of serving) {
    if (maskOf(grant, coordinate) !== mask) continue;
    if (grant.scopeUnitCodes === null) return null;
    for (const code of grant.scopeUnitCodes) codes.add(code);
  }
  return [...codes].sort();
}

/** Given a catalogued field of another sector, not internal, returns what the agency's grants make of it (rules 6 and 7). */
function decideByGrants(facts: FieldFacts, request: AgencyRequest): FieldDecision {
  const { coordinate } = facts;
  const { agency, purpose } = request;
  const covering = request.grants.filter((grant) => targetReaches(grant.target, facts));
  const sensitive = facts.classification.personal === 'SENSITIVE';
  const eligible = sensitive ? covering.filter((grant) => grant.target.kind === 'FIELD') : covering;
  if (sensitive && eligible.length === 0) {
    const others = covering.length > 0 ? `; ${describeGrants(covering)} do not` : '';
    return denied(
      coordinate,
      'SENSITIVE_NEEDS_FIELD_GRANT',
      `${coordinate} is sensitive personal data: only a FIELD grant on it opens it${others}.`,
      `a FIELD grant on ${coordinate}${forPurpose(purpose)}`,
    );
  }
  if (eligible.length === 0) {
    return denied(coordinate, 'DEFAULT_DENY', `No grant of ${agency.code} covers ${coordinate}.`, `a grant covering ${coordinate}${forPurpose(purpose)}`);
  }
  const serving = eligible.filter((grant) => purpose !== null && grant.purposes.includes(purpose));
  if (serving.length === 0) {
    const asked = purpose === null ? 'The request names no purpose' : `The request's purpose is ${purpose}`;
    return denied(
      coordinate,
      'PURPOSE_NOT_GRANTED',
      `${asked}; the grants covering ${coordinate} are ${describeGrants(eligible)}.`,
      `${sensitive ? `a FIELD grant on ${coordinate}` : `a grant covering ${coordinate}`}${forPurpose(purpose)}`,
    );
  }
  const [chosen] = [...serving].sort(
    (left, right) =>
      Number(maskOf(left, coordinate) !== null) - Number(maskOf(right, coordinate) !== null) ||
      TARGET_PRECEDENCE[left.target.kind] - TARGET_PRECEDENCE[right.target.kind] ||
      compareIds(left.id, right.id),
  ) as [Grant];
  const mask = maskOf(chosen, coordinate);
  const scopeUnitCodes = fieldScope(serving, coordinate, mask);
  const rows = scopeUnitCodes === null ? '' : `, for rows of communes ${scopeUnitCodes.join(', ') || '(none)'} only`;
  return {
    coordinate,
    effect: mask === null ? 'ALLOW' : 'MASK',
    rule: 'GRANT',
    grantId: chosen.id,
    reason: `Grant ${chosen.id} (${describeTarget(chosen.target)}, for ${chosen.purposes.join(', ')}; ${chosen.legalBasis}) discloses ${coordinate}${mask === null ? '' : ` masked as ${mask}`}${rows}.`,
    mask,
    neededGrant: null,
    scopeUnitCodes,
  };
}

/** Given one field and who asks, returns the decision of the first rule that applies (rules 2 to 7). */
function decideField(coordinate: FieldCoordinate, catalog: SchemaCatalog, request: AgencyRequest | null): FieldDecision {
  const facts = catalog.fields.get(coordinate);
  if (!facts) return denied(coordinate, 'DEFAULT_DENY', `${coordinate} is not a field of the schema.`, null);
  const { sharing, personal } = facts.classification;
  if (sharing === 'OPEN') {
    return {
      coordinate,
      effect: 'ALLOW',
      rule: 'OPEN_DATA',
      grantId: null,
      reason: `${coordinate} is open data.`,
      mask: null,
      neededGrant: null,
      scopeUnitCodes: null,
    };
  }
  if (request === null) {
    return denied(coordinate, 'ANONYMOUS_OPEN_ONLY', `${coordinate} is ${sharing}/${personal} data; an anonymous caller reads open data only.`, null);
  }
  if (!isSector(facts.owner)) {
    return {
      coordinate,
      effect: 'ALLOW',
      rule: 'SELF_SERVICE',
      grantId: null,
      reason: `${coordinate} tells ${request.agency.code} about its own access: any agency reads its own.`,
      mask: null,
      neededGrant: null,
      scopeUnitCodes: null,
    };
  }
  if (request.agency.sector === facts.owner) {
    return {
      coordinate,
      effect: 'ALLOW',
      rule: 'OWN_SECTOR',
      grantId: null,
      reason: `${coordinate} comes from the ${facts.owner} sector, which ${request.agency.code} owns.`,
      mask: null,
      neededGrant: null,
      scopeUnitCodes: null,
    };
  }
  if (sharing === 'INTERNAL') {
    return denied(coordinate, 'INTERNAL_OWNER_ONLY', `${coordinate} is internal to the ${facts.owner} sector: only the agency that owns it reads it.`, null);
  }
  return decideByGrants(facts, request);
}

/**
 * Given a root field's decision and the decisions of the fields it filters or sorts by, returns the root
 * field's decision: denied when any of those is masked or denied, since the rows it returns and their order
 * (and its cursors) would disclose what the mask hides.
 */
function withFilterFields(root: FieldDecision, filterFields: FieldDecision[], purpose: Purpose | null): FieldDecision {
  const hidden = filterFields.filter((field) => field.effect !== 'ALLOW');
  if (root.effect === 'DENY' || hidden.length === 0) return root;
  const needs = hidden.map((field) => (field.effect === 'MASK' ? `an unmasked grant covering ${field.coordinate}${forPurpose(purpose)}` : field.neededGrant));
  const described = hidden.map((field) => `${field.coordinate} (${field.effect === 'MASK' ? `masked as ${field.mask}` : 'denied'})`).join(', ');
  return denied(
    root.coordinate,
    'DEFAULT_DENY',
    `${root.coordinate} filters or sorts by ${described}: its answer would disclose a masked or denied field.`,
    needs.every((need): need is string => need !== null) ? needs.join(' and ') : null,
  );
}

/**
 * Given who asks, for which purpose, the fields the operation touches, the policy snapshot, the schema
 * catalog and the clock, returns the decision for every touched field (plus the fields a touched root field
 * filters or sorts by), whether the whole operation is allowed, whether it must name a purpose, and the rows
 * each sector may return (the intersection of its fields' scopes). Pure: the same input always gives the same decision.
 */
export function decide(input: DecisionInput): Decision {
  const { principal, purpose, catalog, snapshot } = input;
  if (principal.kind === 'CITIZEN') return decideOwnRecords(input, principal);
  const now = input.now.getTime();
  const request: AgencyRequest | null =
    principal.kind === 'AGENCY'
      ? {
          agency: principal.agency,
          purpose,
          grants: (snapshot.grantsByAgency.get(principal.agency.code) ?? []).filter(
            (grant) => grant.agencyCode === principal.agency.code && isValidAt(grant, now),
          ),
        }
      : null;
  const touched = new Set(input.fields);
  for (const coordinate of input.fields) {
    for (const filterField of FILTER_FIELDS[coordinate] ?? []) touched.add(filterField);
  }
  for (const coordinate of [...touched]) {
    const key = ENTITY_KEYS[ENTITY_REFERENCES[coordinate] ?? coordinate.slice(0, coordinate.indexOf('.'))];
    if (key && !touched.has(key) && decideField(key, catalog, request).effect !== 'DENY') touched.add(key);
  }
  const coordinates = [...touched].sort();
  const decisions = new Map(coordinates.map((coordinate) => [coordinate, decideField(coordinate, catalog, request)]));
  for (const coordinate of coordinates) {
    const filterFields = FILTER_FIELDS[coordinate];
    const root = decisions.get(coordinate);
    if (!filterFields || !root) continue;
    const filterDecisions = filterFields.flatMap((filterField) => decisions.get(filterField) ?? []);
    decisions.set(coordinate, withFilterFields(root, filterDecisions, purpose));
  }
  const fields = coordinates.map((coordinate) => decisions.get(coordinate) as FieldDecision);
  return {
    allowed: fields.every((field) => field.effect !== 'DENY'),
    purposeRequired: coordinates.some((coordinate) => (catalog.fields.get(coordinate)?.classification.personal ?? 'NONE') !== 'NONE'),
    policyVersion: snapshot.version,
    purpose,
    fields,
    scope: scopeOf(fields, catalog),
  };
}

/**
 * Given the field decisions, returns per sector the intersection of the scopes of the fields it discloses
 * (denied ones aside: they are not read), or null when none of them is restricted. Rows are filtered in SQL by
 * that intersection, so a row is returned only when every field the operation reads of that sector may be
 * read for it: asking for one more field can narrow the rows, never widen them.
 */
function scopeOf(fields: FieldDecision[], catalog: SchemaCatalog): Record<SectorName, string[] | null> {
  const scopes: Record<SectorName, string[] | null> = Object.fromEntries(catalog.sectors.map((sector) => [sector, null]));
  for (const field of fields) {
    const owner = catalog.fields.get(field.coordinate)?.owner;
    if (field.effect === 'DENY' || field.scopeUnitCodes === null || !isSector(owner)) continue;
    const current = scopes[owner] ?? null;
    scopes[owner] = current === null ? [...field.scopeUnitCodes] : current.filter((code) => field.scopeUnitCodes!.includes(code));
  }
  return scopes;
}

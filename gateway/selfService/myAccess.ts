import type { Agency, FieldFacts, Grant, PolicySnapshot, SchemaCatalog } from '../policy/types';
import { isValidAt } from '../policy/decide';
import { isSector } from '../policy/types';
import { describeTarget, targetCovers } from '../store/stewardship';

/** How many days ahead a grant's end is shown as soon. */
export const EXPIRING_WITHIN_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** One grant as the agency reads it in myAccess. */
export interface AccessGrantView {
  id: string;
  covers: string;
  fields: string[];
  types: string[];
  purposes: string[];
  legalBasis: string;
  rowScope: string[] | null;
  masks: Array<{ field: string; mask: string }>;
  validFrom: string;
  validTo: string | null;
  valid: boolean;
  expiresInDays: number | null;
  expiringSoon: boolean;
}

/** What myAccess answers. */
export interface MyAccessView {
  agencyCode: string;
  agencyName: string;
  ownSector: string | null;
  policyVersion: number;
  expiringWithinDays: number;
  grants: AccessGrantView[];
  expiringSoon: AccessGrantView[];
}

/** Given a grant and a field, tells whether the grant opens the field: one it covers that is a sector's, and not open to all anyway. */
function opens(grant: Grant, facts: FieldFacts): boolean {
  return targetCovers(grant.target, facts) && isSector(facts.owner) && facts.classification.sharing !== 'OPEN';
}

/** Given a grant, the catalog and the clock, returns the grant as its agency reads it. */
export function grantView(grant: Grant, catalog: SchemaCatalog, now: number): AccessGrantView {
  const fields = [...catalog.fields.values()]
    .filter((facts) => opens(grant, facts))
    .map((facts) => facts.coordinate)
    .sort();
  const ends = grant.validTo === null ? null : Date.parse(grant.validTo);
  const valid = isValidAt(grant, now);
  const expiresInDays = valid && ends !== null ? Math.floor((ends - now) / DAY_MS) : null;
  return {
    id: grant.id,
    covers: describeTarget(grant.target),
    fields,
    types: [...new Set(fields.map((coordinate) => coordinate.slice(0, coordinate.indexOf('.'))))].sort(),
    purposes: [...grant.purposes],
    legalBasis: grant.legalBasis,
    rowScope: grant.scopeUnitCodes === null ? null : [...grant.scopeUnitCodes],
    masks: grant.masks.map((mask) => ({ field: mask.coordinate, mask: mask.mask })),
    validFrom: grant.validFrom,
    validTo: grant.validTo,
    valid,
    expiresInDays,
    expiringSoon: expiresInDays !== null && expiresInDays < EXPIRING_WITHIN_DAYS,
  };
}

/**
 * Given an agency, the policy snapshot, the catalog and the clock, returns the agency's own access: its grants
 * (revoked ones left out, as the snapshot leaves them), by id, and those that end soon. Nothing of any other agency.
 */
export function myAccessOf(agency: Agency, snapshot: PolicySnapshot, catalog: SchemaCatalog, now: Date): MyAccessView {
  const grants = (snapshot.grantsByAgency.get(agency.code) ?? [])
    .filter((grant) => grant.agencyCode === agency.code)
    .map((grant) => grantView(grant, catalog, now.getTime()))
    .sort((left, right) => (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
  return {
    agencyCode: agency.code,
    agencyName: agency.name,
    ownSector: agency.sector,
    policyVersion: snapshot.version,
    expiringWithinDays: EXPIRING_WITHIN_DAYS,
    grants,
    expiringSoon: grants.filter((grant) => grant.expiringSoon),
  };
}

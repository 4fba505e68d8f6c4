import { isValidAt } from '../policy/decide';
import type { Agency, Grant, SchemaCatalog } from '../policy/types';
import { isSector } from '../policy/types';
import { targetCovers } from '../store/grantInput';
import type { SharingRequest } from '../store/sharingTypes';

/** A field an agency's own forms collect although another agency provides it, and why the agency has no grant on it. */
export interface DuplicateCollection {
  agencyCode: string;
  coordinate: string;
  /** The sector that produces the field, whose owner should provide it. */
  ownerSector: string;
  /** REFUSED: a request for it was refused (the latest refusal's id is given); NEVER_ASKED: no request named it. */
  status: 'REFUSED' | 'NEVER_ASKED';
  requestId: string | null;
}

/**
 * Given the agencies, the fields each one's forms collect, every sharing request, the grants in force and the
 * catalog, returns the fields an agency collects again instead of asking the agency that provides them (Decree
 * 47/2020 as amended: an agency must not collect again what another provides): another sector's fields it has
 * no grant in force on, and either was refused or never asked for. A field with a request waiting is left out.
 */
export function duplicateCollection(
  agencies: readonly Agency[],
  collected: ReadonlyMap<string, readonly string[]>,
  requests: readonly SharingRequest[],
  grantsByAgency: ReadonlyMap<string, readonly Grant[]>,
  catalog: SchemaCatalog,
  now: Date,
): DuplicateCollection[] {
  const found: DuplicateCollection[] = [];
  for (const agency of agencies) {
    const grants = (grantsByAgency.get(agency.code) ?? []).filter((grant) => isValidAt(grant, now.getTime()));
    const own = requests.filter((request) => request.requesterCode === agency.code);
    for (const coordinate of collected.get(agency.code) ?? []) {
      const facts = catalog.fields.get(coordinate);
      if (!facts || !isSector(facts.owner) || facts.owner === agency.sector || facts.classification.sharing === 'OPEN') continue;
      if (grants.some((grant) => targetCovers(grant.target, facts))) continue;
      // The owner's part that names the field answers for it; another owner's answer on the same request does not.
      const naming = own.flatMap((request) => request.parts.filter((part) => part.fields.includes(coordinate)).map((part) => ({ request, part })));
      if (naming.some(({ part }) => part.status === 'PENDING')) continue;
      const refused = naming.filter(({ part }) => part.status === 'REFUSED').pop()?.request;
      found.push({
        agencyCode: agency.code,
        coordinate,
        ownerSector: facts.owner,
        status: refused ? 'REFUSED' : 'NEVER_ASKED',
        requestId: refused?.id ?? null,
      });
    }
  }
  return found;
}

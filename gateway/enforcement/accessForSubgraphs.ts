import type { AccessContext } from '../../common/accessContext';
import type { MaskKind } from '../../common/masks';
import type { SectorName } from '../../common/sectors';
import type { Decision, Principal, SchemaCatalog } from '../policy/types';
import { isSector } from '../policy/types';

/**
 * Given a decision, the caller and the catalog, returns what each subgraph is told: the caller, the purpose,
 * the rows it may return (scope, and the subject whose rows alone it returns) and the fields it must mask (those it produces).
 */
export function accessForSubgraphs(decision: Decision, principal: Principal, catalog: SchemaCatalog): Record<SectorName, AccessContext> {
  const caller: AccessContext['principal'] =
    principal.kind === 'AGENCY'
      ? { kind: 'AGENCY', agencyCode: principal.agency.code, credentialId: principal.credentialId }
      : principal.kind === 'CITIZEN'
        ? { kind: 'CITIZEN', nationalId: principal.nationalId }
        : { kind: 'ANONYMOUS' };
  // A citizen's every row is their own: each subgraph keeps the subject's rows alone, in SQL.
  const subject = decision.subject === undefined ? {} : { subject: decision.subject };
  const masks = new Map(catalog.sectors.map((sector) => [sector, {} as Record<string, MaskKind>]));
  for (const field of decision.fields) {
    const owner = catalog.fields.get(field.coordinate)?.owner;
    const ownMasks = isSector(owner) ? masks.get(owner) : undefined;
    if (field.effect === 'MASK' && field.mask !== null && ownMasks) ownMasks[field.coordinate] = field.mask;
  }
  return Object.fromEntries(
    catalog.sectors.map((sector) => [
      sector,
      { principal: caller, purpose: decision.purpose, scope: decision.scope[sector] ?? null, ...subject, masks: masks.get(sector)! },
    ]),
  );
}

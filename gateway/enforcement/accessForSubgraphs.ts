import type { AccessContext } from '../../common/accessContext';
import type { MaskKind } from '../../common/masks';
import type { Sector } from '../../common/config';
import { bySector } from '../../common/config';
import type { Decision, Principal, SchemaCatalog } from '../policy/types';
import { isSector } from '../policy/types';

/**
 * Given a decision, the caller and the catalog, returns what each subgraph is told: the caller, the purpose,
 * the rows it may return (scope) and the fields it must mask (those it produces).
 */
export function accessForSubgraphs(decision: Decision, principal: Principal, catalog: SchemaCatalog): Record<Sector, AccessContext> {
  const caller: AccessContext['principal'] =
    principal.kind === 'AGENCY' ? { kind: 'AGENCY', agencyCode: principal.agency.code, credentialId: principal.credentialId } : { kind: 'ANONYMOUS' };
  const masks = bySector((): Record<string, MaskKind> => ({}));
  for (const field of decision.fields) {
    const owner = catalog.fields.get(field.coordinate)?.owner;
    if (field.effect === 'MASK' && field.mask !== null && isSector(owner)) masks[owner][field.coordinate] = field.mask;
  }
  return bySector((sector) => ({ principal: caller, purpose: decision.purpose, scope: decision.scope[sector], masks: masks[sector] }));
}

import type { SectorName } from '../../common/sectors';
import type { Decision, FieldDecision } from './types';

/** One sector's row scope in a decision: the communes its rows must belong to, null when they are not restricted. */
export interface SectorScope {
  sector: SectorName;
  unitCodes: string[] | null;
}

/** Given a decision's scope, returns it as a list, one entry per sector of the supergraph, in its order. */
export function sectorScopes(scope: Decision['scope']): SectorScope[] {
  return Object.entries(scope).map(([sector, unitCodes]) => ({ sector, unitCodes }));
}

function communes(codes: readonly string[]): string {
  return codes.length > 0 ? `communes ${codes.join(', ')}` : 'no commune';
}

function fieldLine(field: FieldDecision): string {
  const mask = field.mask ? ` as ${field.mask}` : '';
  const grant = field.grantId ? ` grant ${field.grantId}` : '';
  const rows = field.scopeUnitCodes ? `; rows of ${communes(field.scopeUnitCodes)}` : '';
  const needed = field.neededGrant ? ` Would need ${field.neededGrant}.` : '';
  return `  ${field.effect.padEnd(5)} ${field.coordinate}${mask} [${field.rule}${grant}${rows}] ${field.reason}${needed}`;
}

/**
 * Given a decision, returns it as lines a steward can read: the verdict with the policy version and purpose,
 * one line per field (effect, coordinate, mask, rule, grant, the communes whose rows it may be read for,
 * reason and, for a denied field, the grant that would open it), then the communes each restricted sector's
 * rows must belong to: the intersection of its fields' communes, which is what the subgraphs enforce.
 */
export function explainDecision(decision: Decision): string[] {
  const verdict = decision.allowed ? 'ALLOWED' : 'DENIED';
  const purpose = decision.purpose ?? (decision.purposeRequired ? 'none stated, but one is required' : 'none stated');
  const restricted = Object.entries(decision.scope).flatMap(([sector, codes]) => (codes === null ? [] : [`  ${sector}: ${communes(codes)}`]));
  return [
    `${verdict} under policy version ${decision.policyVersion}; purpose: ${purpose}`,
    ...decision.fields.map(fieldLine),
    ...(restricted.length > 0
      ? ['Rows restricted to (a row is returned only when every field read of its sector may be read for it):', ...restricted]
      : ['Rows: not restricted']),
  ];
}

import { SECTORS } from '../../common/config';
import type { Decision, FieldDecision } from './types';

function fieldLine(field: FieldDecision): string {
  const mask = field.mask ? ` as ${field.mask}` : '';
  const grant = field.grantId ? ` grant ${field.grantId}` : '';
  const needed = field.neededGrant ? ` Would need ${field.neededGrant}.` : '';
  return `  ${field.effect.padEnd(5)} ${field.coordinate}${mask} [${field.rule}${grant}] ${field.reason}${needed}`;
}

/**
 * Given a decision, returns it as lines a steward can read: the verdict with the policy version and purpose,
 * one line per field (effect, coordinate, mask, rule, grant, reason and, for a denied field, the grant that
 * would open it), then the communes each restricted sector's rows must belong to.
 */
export function explainDecision(decision: Decision): string[] {
  const verdict = decision.allowed ? 'ALLOWED' : 'DENIED';
  const purpose = decision.purpose ?? (decision.purposeRequired ? 'none stated, but one is required' : 'none stated');
  const restricted = SECTORS.flatMap((sector) => {
    const codes = decision.scope[sector];
    return codes === null ? [] : [`  ${sector}: communes ${codes.join(', ') || '(none)'}`];
  });
  return [
    `${verdict} under policy version ${decision.policyVersion}; purpose: ${purpose}`,
    ...decision.fields.map(fieldLine),
    ...(restricted.length > 0 ? ['Rows restricted to:', ...restricted] : ['Rows: not restricted']),
  ];
}

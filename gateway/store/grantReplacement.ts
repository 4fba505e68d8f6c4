import { printable } from '../../common/nationalId';
import { badInput, conflict, notFound } from './errors';
import type { StoredGrant } from './policyRepository';

/** The history's actions of a replacement: asked for (waits for a second steward) or done (the old grant revoked, the new one in force). */
export const REPLACEMENT_ACTIONS = { requested: 'REQUEST_REPLACE_GRANT', done: 'REPLACE_GRANT' } as const;

/** What a replacement did: the grant replaced, as it is now, and the grant made in its place. */
export interface GrantReplacement<View> {
  replaced: View;
  replacement: View;
}

/**
 * Given the grant to replace (or null when unknown), the agency the new grant is for, and the replacements already
 * waiting for review in its place, throws unless it may be replaced: it exists, is approved and unrevoked, is the
 * same agency's, and no other replacement of it waits (two would race for one grant's place).
 */
export function assertReplaceable(old: StoredGrant | null, id: string, agencyCode: string, waiting: readonly StoredGrant[]): asserts old is StoredGrant {
  if (!old) throw notFound(`Unknown grant "${printable(id)}"`);
  if (old.revokedAt !== null) throw conflict(`Grant ${old.id} was revoked already, at ${old.revokedAt}: make a new grant instead`);
  if (old.approval.status === 'REJECTED') throw conflict(`Grant ${old.id} was rejected and never came into force: make a new grant instead`);
  if (old.approval.status === 'PENDING_APPROVAL')
    throw conflict(`Grant ${old.id} waits for a second policy steward: have it approved or rejected before changing it`);
  if (old.agencyCode !== agencyCode)
    throw badInput(`Grant ${old.id} is a grant of ${old.agencyCode}, not of ${agencyCode}: a grant is replaced by another of the same agency`);
  const [pending] = waiting;
  if (pending) throw conflict(`Grant ${pending.id}, asked for in place of grant ${old.id}, waits for a second policy steward: approve or reject it first`);
}

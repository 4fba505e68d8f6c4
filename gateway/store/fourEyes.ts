import { targetReaches } from '../policy/targetReaches';
import type { GrantTarget, SchemaCatalog } from '../policy/types';
import { StoreError, StoreErrorCode, conflict, forbidden } from './errors';
import type { StoredGrant } from './policyRepository';
import type { QueueScope } from './stewardQueue';
import { assertOwnsFields } from './stewardQueue';
import type { Actor } from './types';

/**
 * Given a grant's target and the catalog, tells whether the grant reaches sensitive personal data (Decree
 * 356/2025): such a grant waits for a second steward's approval before it is in force. A target that reaches
 * a sensitive field in any way counts, even one the decision would not open, so that none slips past review.
 */
export function needsFourEyes(target: GrantTarget, catalog: SchemaCatalog): boolean {
  return [...catalog.fields.values()].some((facts) => facts.classification.personal === 'SENSITIVE' && targetReaches(target, facts));
}

/**
 * Given who creates a grant, tells whether it skips the review: only the platform's own seeding (the demo's
 * fixtures, and a command run without any account, which the command line allows for the first administrator
 * alone) does; every person and every steward agency's key goes through it.
 */
export function seedsWithoutReview(actor: Actor): boolean {
  return actor.kind === 'SYSTEM' || actor.kind === 'CLI';
}

/** Given what is wrong, returns the refusal of a second approval by the same person, or by no person (FOUR_EYES_REQUIRED, HTTP 403). */
export const fourEyesRequired = (message: string): StoreError => new StoreError(StoreErrorCode.FOUR_EYES_REQUIRED, message);

/**
 * Given who decides on a grant and the grant, throws unless the decision is a second person's: a policy steward
 * signed in or named on the command line, not the one who asked for the grant, on a grant that waits for review.
 */
export function assertSecondSteward(actor: Actor, grant: StoredGrant, requestedBy: (actor: Actor) => string): void {
  if (grant.approval.status !== 'PENDING_APPROVAL')
    throw conflict(`Grant ${grant.id} does not wait for approval: it is ${grant.approval.status.toLowerCase().replace('_', ' ')}`);
  if (actor.kind !== 'PERSON') throw fourEyesRequired('A grant on sensitive data is approved by a person, a second policy steward, never by a key');
  if (actor.role !== 'POLICY_STEWARD') throw forbidden(`Approving a grant needs the POLICY_STEWARD role; you act as ${actor.role}`);
  if (requestedBy(actor) === grant.approval.requestedBy)
    throw fourEyesRequired(`You asked for grant ${grant.id}: another policy steward must approve or reject it (four eyes)`);
}

/**
 * Given the second approver's queues, the sector their agency owns and the grant's target, throws
 * OUTSIDE_STEWARD_QUEUE unless they are entitled to the owner's queue: the province's central data office is;
 * an agency's steward only when every field the grant reaches is of the sector their agency owns.
 */
export function assertEntitledToOwnerQueue(scope: QueueScope, agencySector: string | null, target: GrantTarget, catalog: SchemaCatalog): void {
  const reached = [...catalog.fields.entries()].filter(([, facts]) => targetReaches(target, facts)).map(([coordinate]) => coordinate);
  assertOwnsFields(scope, agencySector, reached, catalog);
}

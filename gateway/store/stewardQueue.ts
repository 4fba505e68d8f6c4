import type { SchemaCatalog } from '../policy/types';
import { StoreError, StoreErrorCode } from './errors';
import type { SharingRequest } from './sharingTypes';
import type { Actor } from './types';

/**
 * Whose sharing-request queues an actor sees and answers: every owner's (the province's central data office, a
 * steward agency's key, the platform's own tasks, the command line acting as no account), or one agency's, for a
 * steward account linked to that agency.
 */
export type QueueScope = { kind: 'PROVINCE' } | { kind: 'AGENCY'; agencyCode: string };

/** Given a steward account's agency (null: the province's central data office), returns the queues it answers. */
export function accountQueueScope(agencyCode: string | null): QueueScope {
  return agencyCode === null ? { kind: 'PROVINCE' } : { kind: 'AGENCY', agencyCode };
}

/** Given who acts, returns the queues they are entitled to. */
export function queueScopeOf(actor: Actor): QueueScope {
  switch (actor.kind) {
    case 'PERSON':
      return accountQueueScope(actor.agencyCode);
    case 'AGENCY':
      return { kind: 'AGENCY', agencyCode: actor.agencyCode };
    case 'STEWARD':
    case 'CLI':
    case 'SYSTEM':
      return { kind: 'PROVINCE' };
  }
}

/** Given what is wrong, returns the refusal of a steward acting on another owner's queue (OUTSIDE_STEWARD_QUEUE, HTTP 403). */
export const outsideStewardQueue = (message: string): StoreError => new StoreError(StoreErrorCode.OUTSIDE_STEWARD_QUEUE, message);

/** Given a scope and the owners a request was routed to, tells whether the request is in a queue the scope sees. */
export function seesQueue(scope: QueueScope, ownerCodes: readonly string[]): boolean {
  return scope.kind === 'PROVINCE' || ownerCodes.includes(scope.agencyCode);
}

/**
 * Given a scope, the sector its agency owns (null for an agency that owns none), the fields a decision is about
 * and the catalog, throws OUTSIDE_STEWARD_QUEUE unless the scope may decide on all of them: the province-wide
 * office decides on anything, an agency's steward on its own sector's fields only.
 */
export function assertOwnsFields(scope: QueueScope, agencySector: string | null, coordinates: readonly string[], catalog: SchemaCatalog): void {
  if (scope.kind === 'PROVINCE') return;
  const others = coordinates.filter((coordinate) => agencySector === null || catalog.fields.get(coordinate)?.owner !== agencySector);
  if (others.length > 0)
    throw outsideStewardQueue(
      `Your account answers the queue of ${scope.agencyCode} only, which does not own ${others.join(', ')}: a steward of the owner, or of the province's central data office, decides`,
    );
}

/** Given a scope and what it asked for, returns the refusal's message. */
export function queueRefusal(scope: QueueScope, what: string): string {
  const mine = scope.kind === 'AGENCY' ? `the queue of ${scope.agencyCode}` : 'every queue';
  return `Your account answers ${mine}, not ${what}: a steward of the owner, or of the province's central data office, answers it`;
}

/** Given a scope and a request, throws OUTSIDE_STEWARD_QUEUE unless the request was routed to a queue the scope sees. */
export function assertSees(scope: QueueScope, request: SharingRequest): void {
  if (!seesQueue(scope, request.ownerCodes))
    throw outsideStewardQueue(queueRefusal(scope, `sharing request ${request.id}, routed to ${request.ownerCodes.join(', ')}`));
}

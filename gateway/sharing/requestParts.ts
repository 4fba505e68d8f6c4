import { printable } from '../../common/nationalId';
import { badInput, conflict, notFound } from '../store/errors';
import type { Agency, SchemaCatalog } from '../policy/types';
import type { SharingPartStatus, SharingRequest, SharingRequestPart } from '../store/sharingTypes';
import { requestAnsweredAt, requestStatusOf } from '../store/sharingTypes';
import type { QueueScope } from '../store/stewardQueue';
import { outsideStewardQueue, queueRefusal } from '../store/stewardQueue';
import type { Actor } from '../store/types';

/**
 * Given a request's fields, the agencies that own their sectors, the catalog and the deadline, returns one pending
 * part per owner, ordered by its code, with the requested fields of its sector.
 */
export function pendingParts(fields: readonly string[], owners: readonly Agency[], catalog: SchemaCatalog, deadlineAt: string): SharingRequestPart[] {
  return [...owners]
    .sort((left, right) => (left.code < right.code ? -1 : left.code > right.code ? 1 : 0))
    .map((owner) => ({
      ownerCode: owner.code,
      fields: fields.filter((coordinate) => catalog.fields.get(coordinate)?.owner === owner.sector),
      status: 'PENDING',
      deadlineAt,
      answeredAt: null,
      answeredBy: null,
      refusalReason: null,
      refusalLegalBasis: null,
      answer: null,
    }));
}

/**
 * Given who answers (their queue scope), a request, the owner whose part they name (left out: their own agency's,
 * or the only part) and the statuses the answer may change, returns the part they answer. A steward of one agency
 * answers that agency's part only (OUTSIDE_STEWARD_QUEUE otherwise); the province-wide office answers any part,
 * one at a time, and names it when the request has more than one.
 */
export function answerablePart(
  scope: QueueScope,
  request: SharingRequest,
  ownerCode: string | null | undefined,
  allowed: readonly SharingPartStatus[],
): SharingRequestPart {
  const named = ownerCode?.trim() || null;
  const wanted = scope.kind === 'AGENCY' ? scope.agencyCode : named;
  if (scope.kind === 'AGENCY' && named !== null && named !== scope.agencyCode)
    throw outsideStewardQueue(queueRefusal(scope, `the part of ${printable(named)} in sharing request ${request.id}`));
  if (wanted === null && request.parts.length > 1)
    throw badInput(`Sharing request ${request.id} has one part per owner: name the owner whose part you answer (${request.ownerCodes.join(', ')})`);
  const part = wanted === null ? request.parts[0] : request.parts.find((candidate) => candidate.ownerCode === wanted);
  if (!part) {
    if (scope.kind === 'AGENCY') throw outsideStewardQueue(queueRefusal(scope, `sharing request ${request.id}, routed to ${request.ownerCodes.join(', ')}`));
    throw notFound(`Sharing request ${request.id} has no part for "${printable(String(wanted))}": its owners are ${request.ownerCodes.join(', ')}`);
  }
  if (!allowed.includes(part.status)) throw conflict(`The part of ${part.ownerCode} in sharing request ${request.id} is ${part.status.toLowerCase()} already`);
  return part;
}

/**
 * Given a scope, the part it answers, the request and the fields its answer keeps (left out: the whole part),
 * throws OUTSIDE_STEWARD_QUEUE when a steward of one agency names fields of another owner's part.
 */
export function assertKeepsOwnFields(scope: QueueScope, request: SharingRequest, part: SharingRequestPart, kept: readonly string[] | null | undefined): void {
  if (scope.kind === 'PROVINCE' || !kept) return;
  const others = kept.filter((coordinate) => !part.fields.includes(coordinate) && request.fields.includes(coordinate));
  if (others.length > 0)
    throw outsideStewardQueue(
      `Your account answers the part of ${part.ownerCode} only, which does not own ${others.join(', ')}: a steward of the owner, or of the province's central data office, decides`,
    );
}

/** Given a request and one of its parts as answered, returns the request with that part and its status derived again. */
export function withPart(request: SharingRequest, part: SharingRequestPart): SharingRequest {
  const parts = request.parts.map((other) => (other.ownerCode === part.ownerCode ? part : other));
  return { ...request, parts, status: requestStatusOf(parts), answeredAt: requestAnsweredAt(parts) };
}

/** Given a request and one of its parts, returns what the history records of the part's answer: the part, its request's id and status. */
export function partEntry(request: SharingRequest, part: SharingRequestPart): Record<string, unknown> {
  return { requestId: request.id, requestStatus: request.status, ...part };
}

/** Given who answers, returns how a part's answer names them: the person's e-mail, or the agency's code. */
export function stewardActorName(actor: Actor): string {
  switch (actor.kind) {
    case 'PERSON':
      return `person:${actor.email}`;
    case 'STEWARD':
    case 'AGENCY':
      return actor.agencyCode;
    case 'CLI':
      return `cli:${actor.osUser}`;
    case 'SYSTEM':
      return `system:${actor.task}`;
  }
}

import { StoreError, conflict } from './errors';
import type { PolicyRepository } from './policyRepository';
import type { Actor, PolicyEntity } from './types';

/** Given who acts, returns how the history names them. */
export function actorColumns(actor: Actor): { actor: string; credentialId: string | null; actorRole: string | null; reason: string | null } {
  switch (actor.kind) {
    case 'STEWARD':
    case 'AGENCY':
      return { actor: actor.agencyCode, credentialId: actor.credentialId, actorRole: null, reason: null };
    case 'CLI':
      return { actor: `cli:${actor.osUser}`, credentialId: null, actorRole: null, reason: null };
    case 'SYSTEM':
      return { actor: `system:${actor.task}`, credentialId: null, actorRole: null, reason: null };
    case 'PERSON':
      return { actor: `person:${actor.email}`, credentialId: actor.via, actorRole: actor.role, reason: actor.reason };
  }
}

/** Tells whether a database error is a duplicate key, on either engine. */
function isDuplicateKey(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * Given a repository, the instant, work on the store and whom to tell, runs the work (a change and its history
 * entry) in one transaction and then tells onChange; two changes racing on one key make the later CONFLICT.
 */
export async function commitChange<T>(
  repository: PolicyRepository,
  now: string,
  work: (repository: PolicyRepository, now: string) => Promise<T>,
  onChange?: () => Promise<unknown> | void,
): Promise<T> {
  let result: T;
  try {
    result = await repository.transaction((transaction) => work(transaction, now));
  } catch (error) {
    if (!(error instanceof StoreError) && isDuplicateKey(error)) throw conflict('Another change to the same entity was made at the same moment; try again');
    throw error;
  }
  try {
    await onChange?.();
  } catch {
    // The change is committed: a cache that fails to reload now picks it up at its next poll.
  }
  return result;
}

/** Given a change (who, when, what, before and after; a reason given with it in place of the actor's), records it in the history and returns its id, the new policy version. */
export function recordChange(
  repository: PolicyRepository,
  actor: Actor,
  now: string,
  change: { action: string; entityType: PolicyEntity; entityId: string; relatedEntityId?: string; reason?: string | null; before: unknown; after: unknown },
): Promise<number> {
  const { reason, ...rest } = change;
  const columns = actorColumns(actor);
  return repository.recordChange({ ...columns, reason: reason ?? columns.reason, changedAt: now, ...rest });
}

import { StoreError, conflict } from './errors';
import type { PolicyRepository } from './policyRepository';
import type { Actor, PolicyEntity } from './types';

/** Tells whether a database error is a duplicate key, on either engine. */
function isDuplicateKey(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Given who acts, returns how the history names them. */
export function actorColumns(actor: Actor): { actor: string; credentialId: string | null; actorRole: string | null; reason: string | null } {
  switch (actor.kind) {
    case 'STEWARD':
      return { actor: actor.agencyCode, credentialId: actor.credentialId, actorRole: null, reason: null };
    case 'CLI':
      return { actor: `cli:${actor.osUser}`, credentialId: null, actorRole: null, reason: null };
    case 'SYSTEM':
      return { actor: `system:${actor.task}`, credentialId: null, actorRole: null, reason: null };
    case 'PERSON':
      return { actor: `person:${actor.email}`, credentialId: actor.via, actorRole: actor.role, reason: actor.reason };
  }
}

/**
 * Given the store, the moment, what to tell once committed, and a change's work, runs the work in one transaction
 * and then tells onChange; a duplicate key (two stewards at the same moment) becomes CONFLICT.
 */
export async function commitChange<T>(
  store: PolicyRepository,
  now: string,
  onChange: (() => Promise<unknown> | void) | undefined,
  work: (repository: PolicyRepository, now: string) => Promise<T>,
): Promise<T> {
  let result: T;
  try {
    result = await store.transaction((repository) => work(repository, now));
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

/** Given a change's actor, moment, action and entity before and after, records it in the history; returns its id. */
export function recordChange(
  repository: PolicyRepository,
  actor: Actor,
  now: string,
  action: string,
  entityType: PolicyEntity,
  entityId: string,
  before: unknown,
  after: unknown,
): Promise<number> {
  return repository.recordChange({ ...actorColumns(actor), changedAt: now, action, entityType, entityId, before, after });
}

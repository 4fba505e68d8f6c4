import type { DocumentNode, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { SCOPE_PROBE } from './scopeProbe';
import { compileScopeWalk } from './scopeWalk';
import type { AbstractPlan, ObjectPlan, PositionPlan, ScopeWalk } from './scopeWalk';

type Path = ReadonlyArray<string | number>;

/** What the gateway is about to send: the data and the errors, in the client's or Apollo's value-completion list. */
export interface OutgoingResult {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
}

/** A value that cannot stand where the schema says non-null: its parent takes the null instead, as GraphQL does. */
const INVALID = Symbol('invalid');

function pathKey(path: Path): string {
  return JSON.stringify(path);
}

/** Given an error's path and some positions, tells whether the path lies at one of them (when `orAt`) or below. */
function lies(path: Path | undefined, positions: ReadonlySet<string>, orAt: boolean): boolean {
  if (!path) return false;
  const longest = orAt ? path.length : path.length - 1;
  for (let length = 1; length <= longest; length += 1) if (positions.has(pathKey(path.slice(0, length)))) return true;
  return false;
}

/**
 * Given the compiled walk of the document the gateway sent (compileScopeWalk, over the document with the scope
 * probes of withScopeProbe) and the result about to be sent, makes every scoped entity its owner did not vouch
 * for (its probe is not true: the owner answered null for it, being outside the caller's row scope, or could not
 * be asked) behave as one that does not exist: it becomes null, its key included, and a null that cannot stand
 * there moves up to the nearest nullable parent. An object where an entity may stand whose type cannot be told
 * is treated the same. Removes the probes, every error whose path lies at or below such an entity, and the value
 * completion errors below a scoped entity that is null (Apollo's, for the fields an owner that refused the
 * entity did not send), so that no error names where it was. A resolver's own error is kept.
 */
export function applyScopeWalk(walk: ScopeWalk, result: OutgoingResult): void {
  if (!result.data) return;
  // Where the gateway nulls an entity, and where one is null already (Apollo nulled it for its missing fields).
  const dropped = new Set<string>();
  const nulls = new Set<string>();
  // The keys of the gateway's are removed after the walk: an object the data holds twice is judged twice alike.
  const vouched: Array<Record<string, unknown>> = [];
  const typed: Array<{ object: Record<string, unknown>; key: string }> = [];
  const path: Array<string | number> = [];

  const drop = (): null => {
    const key = pathKey(path);
    dropped.add(key);
    nulls.add(key);
    return null;
  };

  const walkObject = (plan: ObjectPlan, object: Record<string, unknown>): Record<string, unknown> | null => {
    if (plan.scoped) {
      if (object[SCOPE_PROBE] !== true) return drop();
      vouched.push(object);
    }
    // Every field is walked even once the object is bound to be null, so that no entity below it goes unrecorded.
    let invalid = false;
    for (const field of plan.fields) {
      const value = object[field.key];
      if (value === undefined) continue;
      path.push(field.key);
      const completed = walkValue(field.plan, value);
      path.pop();
      if (completed === INVALID) invalid = true;
      else if (completed !== value) object[field.key] = completed;
    }
    return invalid ? null : object;
  };

  const walkAbstract = (plan: AbstractPlan, object: Record<string, unknown>): Record<string, unknown> | null => {
    const typeName = plan.typeKey === null ? undefined : object[plan.typeKey];
    if (plan.stripTypeKey) typed.push({ object, key: plan.typeKey! });
    if (typeof typeName === 'string') {
      const objectPlan = plan.byType.get(typeName);
      if (objectPlan) return walkObject(objectPlan, object);
      return plan.mayBeScoped ? drop() : object;
    }
    if (plan.mayBeScoped) return drop();
    // No entity may stand here and the document does not tell the type: every type's selections are walked.
    let invalid = false;
    for (const objectPlan of plan.byType.values()) if (walkObject(objectPlan, object) === null) invalid = true;
    return invalid ? null : object;
  };

  const walkValue = (plan: PositionPlan, value: unknown): unknown => {
    if (value === null) {
      if (plan.kind === 'object' && plan.object.scoped) nulls.add(pathKey(path));
      return plan.nonNull ? INVALID : null;
    }
    let completed: unknown;
    if (plan.kind === 'list') {
      if (!Array.isArray(value)) return value;
      let invalid = false;
      for (let index = 0; index < value.length; index += 1) {
        const item: unknown = value[index];
        if (item === undefined) continue;
        path.push(index);
        const completedItem = walkValue(plan.item, item);
        path.pop();
        if (completedItem === INVALID) invalid = true;
        else if (completedItem !== item) value[index] = completedItem;
      }
      completed = invalid ? null : value;
    } else {
      if (typeof value !== 'object') return value;
      const object = value as Record<string, unknown>;
      completed = plan.kind === 'object' ? walkObject(plan.object, object) : walkAbstract(plan, object);
    }
    return completed === null && plan.nonNull ? INVALID : completed;
  };

  if (walkObject(walk.root, result.data) === null) result.data = null;
  for (const object of vouched) delete object[SCOPE_PROBE];
  for (const { object, key } of typed) delete object[key];
  if (nulls.size === 0) return;
  if (result.errors && dropped.size > 0) {
    const kept = result.errors.filter((error) => !lies(error.path, dropped, true));
    if (kept.length > 0) result.errors = kept;
    else delete result.errors;
  }
  const completion = result.extensions?.valueCompletion;
  if (Array.isArray(completion)) {
    const kept = (completion as GraphQLFormattedError[]).filter((error) => !lies(error.path, nulls, false));
    if (kept.length > 0) result.extensions!.valueCompletion = kept;
    else delete result.extensions!.valueCompletion;
    if (Object.keys(result.extensions!).length === 0) delete result.extensions;
  }
}

/**
 * Given the API schema, the document the gateway sent (with the scope probes of withScopeProbe), the operation's
 * name and the result about to be sent, compiles the document's walk and applies it (applyScopeWalk). The
 * gateway compiles once per document and keeps the walk; this is for a document seen once.
 */
export function dropOutOfScopeEntities(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, result: OutgoingResult): void {
  const walk = compileScopeWalk(schema, document, operationName);
  if (walk) applyScopeWalk(walk, result);
}

import type { GraphQLSchema } from 'graphql';
import { decideOperation } from '../policy/decideOperation';
import { PURPOSES } from '../policy/types';
import type { Agency, Decision, PolicySnapshot, Purpose, SchemaCatalog } from '../policy/types';
import type { RegisteredOperation } from './types';

/** What every plan and impact is decided against: the API schema, its catalog and the instant. */
export interface PlanningSchema {
  schema: GraphQLSchema;
  catalog: SchemaCatalog;
}

/** The purposes an operation is decided for: none stated, then each of the vocabulary. */
const PURPOSES_TRIED: ReadonlyArray<Purpose | null> = [null, ...PURPOSES];

/** A registered operation as the policy decides it for its agency: for which purposes it runs, and what is masked. */
export interface OperationPlan {
  id: string;
  name: string | null;
  /** Why the operation cannot run at all (it does not parse or is not valid against the schema); null when it can. */
  problem: string | null;
  /** The purposes it is allowed for now ("NONE" when it runs without X-Purpose, reading no personal data). */
  allowedPurposes: string[];
  /** The fields it reads masked, per allowed purpose, "Type.field as MASK". */
  masked: Array<{ purpose: string; fields: string[] }>;
  /** For an operation allowed for no purpose: the fields denied for the purposes the agency has grants for, or for none. */
  denied: string[];
}

const purposeLabel = (purpose: Purpose | null) => purpose ?? 'NONE';

/**
 * Given an operation, the agency, a policy and the instant, returns the decision for each purpose (variables
 * unknown, so every @skip/@include counts as executing), or why it cannot be decided.
 */
export function decisionsFor(
  planning: PlanningSchema,
  operation: RegisteredOperation,
  agency: Agency,
  snapshot: PolicySnapshot,
  now: Date,
): Map<Purpose | null, Decision> | string {
  const decisions = new Map<Purpose | null, Decision>();
  for (const purpose of PURPOSES_TRIED) {
    const outcome = decideOperation({
      ...planning,
      snapshot,
      principal: { kind: 'AGENCY', agency, credentialId: 'planning', userId: null },
      purpose,
      query: operation.body,
      operationName: operation.name,
      variables: null,
      now,
    });
    if ('problem' in outcome) return outcome.problem;
    // An operation without personal data is decided alike for every purpose: asking once is enough.
    if (purpose === null && !outcome.decision.purposeRequired) return new Map([[null, outcome.decision]]);
    if (purpose !== null) decisions.set(purpose, outcome.decision);
  }
  return decisions;
}

/** Given a decision, returns its masked fields, "Type.field as MASK". */
const maskedFields = (decision: Decision) => decision.fields.filter((field) => field.effect === 'MASK').map((field) => `${field.coordinate} as ${field.mask}`);

/**
 * Given registered operations, their agency, the policy and the instant, returns each one parsed, validated and
 * decided: for which purposes it runs now, what it reads masked, and what denies it where it runs for none.
 */
export function planOperations(
  planning: PlanningSchema,
  operations: readonly RegisteredOperation[],
  agency: Agency,
  snapshot: PolicySnapshot,
  now: Date,
): OperationPlan[] {
  return operations.map((operation) => {
    const base = { id: operation.id, name: operation.name };
    const decisions = decisionsFor(planning, operation, agency, snapshot, now);
    if (typeof decisions === 'string') return { ...base, problem: decisions, allowedPurposes: [], masked: [], denied: [] };
    const allowed = [...decisions].filter(([, decision]) => decision.allowed);
    const denied =
      allowed.length > 0
        ? []
        : [
            ...new Set(
              [...decisions.values()].flatMap((decision) => decision.fields.filter((field) => field.effect === 'DENY').map((field) => field.coordinate)),
            ),
          ].sort();
    return {
      ...base,
      problem: null,
      allowedPurposes: allowed.map(([purpose]) => purposeLabel(purpose)),
      masked: allowed.flatMap(([purpose, decision]) => {
        const fields = maskedFields(decision);
        return fields.length > 0 ? [{ purpose: purposeLabel(purpose), fields }] : [];
      }),
      denied,
    };
  });
}

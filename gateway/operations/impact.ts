import type { Decision, FieldDecision, Grant, PolicySnapshot, Purpose } from '../policy/types';
import type { PlanningSchema } from './planning';
import { decisionsFor } from './planning';
import type { ApprovedOperations } from './types';

/** A proposed change to the grants: some revoked, some added (not stored), and the instant to decide at. */
export interface GrantProposal {
  revokeGrantIds: readonly string[];
  addGrants: readonly Grant[];
  /** When to decide the proposed policy; now when left out (a later instant shows grants that will have expired). */
  at?: Date | null;
}

/** How a registered operation fares under a proposed policy, for one purpose it runs for now. */
export interface OperationImpact {
  agencyCode: string;
  application: string;
  id: string;
  name: string | null;
  purpose: string;
  /** DENIED: it would be refused; MASK_CHANGED: a field would be masked otherwise; ROWS_CHANGED: a field's communes would change. */
  change: 'DENIED' | 'MASK_CHANGED' | 'ROWS_CHANGED';
  /** Each field decided otherwise: its coordinate and its decision now and then ("ALLOW", "MASK PARTIAL_ID", "DENY"). */
  fields: Array<{ coordinate: string; before: string; after: string }>;
}

/** Given a snapshot and a proposal, returns the snapshot as the proposal would leave it. */
export function applyProposal(snapshot: PolicySnapshot, proposal: GrantProposal): PolicySnapshot {
  const revoked = new Set(proposal.revokeGrantIds);
  const grantsByAgency = new Map<string, Grant[]>();
  for (const [code, grants] of snapshot.grantsByAgency)
    grantsByAgency.set(
      code,
      grants.filter((grant) => !revoked.has(grant.id)),
    );
  for (const grant of proposal.addGrants) grantsByAgency.set(grant.agencyCode, [...(grantsByAgency.get(grant.agencyCode) ?? []), grant]);
  return { ...snapshot, grantsByAgency };
}

/** Given a field's decision (or none: not read), returns it as a steward reads it: "ALLOW", "MASK PARTIAL_ID", "DENY", with its rows. */
export function effectOf(field: FieldDecision | undefined): string {
  if (!field) return 'NOT READ';
  const mask = field.effect === 'MASK' ? ` ${field.mask}` : '';
  const rows = field.effect !== 'DENY' && field.scopeUnitCodes ? ` rows ${field.scopeUnitCodes.join(',')}` : '';
  return `${field.effect}${mask}${rows}`;
}

/** Given the decisions before and after for one purpose, returns the change and the fields decided otherwise, or null. */
export function compareDecisions(before: Decision, after: Decision): Pick<OperationImpact, 'change' | 'fields'> | null {
  const afterFields = new Map(after.fields.map((field) => [field.coordinate, field]));
  const fields = before.fields.flatMap((field) => {
    const then = afterFields.get(field.coordinate);
    const [was, will] = [effectOf(field), effectOf(then)];
    return was === will ? [] : [{ coordinate: field.coordinate, before: was, after: will }];
  });
  if (!after.allowed) return { change: 'DENIED', fields };
  if (fields.length === 0) return null;
  const maskChanged = before.fields.some(
    (field) => field.effect !== afterFields.get(field.coordinate)?.effect || field.mask !== afterFields.get(field.coordinate)?.mask,
  );
  return { change: maskChanged ? 'MASK_CHANGED' : 'ROWS_CHANGED', fields };
}

/**
 * Given the approved operations, the policy now and as proposed, and the instant, returns every registered
 * operation (of one agency, or of all) that runs now for a purpose and would be refused, masked otherwise or
 * read other rows for it under the proposed policy: what a steward reviews before changing grants.
 */
export function operationImpact(
  planning: PlanningSchema,
  approved: ApprovedOperations,
  current: PolicySnapshot,
  proposal: GrantProposal,
  now: Date,
  agencyCode: string | null = null,
): OperationImpact[] {
  const proposed = applyProposal(current, proposal);
  const later = proposal.at ?? now;
  const impacts: OperationImpact[] = [];
  for (const [code, { byId }] of approved) {
    const agency = current.agencies.get(code);
    if (!agency || (agencyCode !== null && code !== agencyCode)) continue;
    for (const operation of byId.values()) {
      const before = decisionsFor(planning, operation, agency, current, now);
      const after = decisionsFor(planning, operation, agency, proposed, later);
      if (typeof before === 'string' || typeof after === 'string') continue;
      for (const [purpose, decision] of before) {
        if (!decision.allowed) continue;
        const then = after.get(purpose) ?? after.get(null);
        const difference = then ? compareDecisions(decision, then) : null;
        if (!difference) continue;
        impacts.push({
          agencyCode: code,
          application: operation.application,
          id: operation.id,
          name: operation.name,
          purpose: (purpose as Purpose | null) ?? 'NONE',
          ...difference,
        });
      }
    }
  }
  return impacts;
}

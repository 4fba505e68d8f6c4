import { decide } from '../policy/decide';
import { PURPOSES } from '../policy/types';
import type { Agency, Decision, PolicySnapshot, Purpose, SchemaCatalog } from '../policy/types';
import { compareDecisions } from './impact';

/** How a past request fares under the proposed policy, against the policy in force. */
export const REPLAY_CHANGES = ['UNCHANGED', 'NEWLY_ALLOWED', 'NEWLY_REFUSED', 'MASKED_DIFFERENTLY', 'ROWS_CHANGED'] as const;
export type ReplayChange = (typeof REPLAY_CHANGES)[number];

/** What a replay reads of one audit record: when, for which purpose, which operation, and the fields decided. */
export interface ReplayedRecord {
  at: string;
  purpose: string | null;
  operationName: string | null;
  outcome: string;
  /** The fields the record's decision covered ("Type.field"); none when the request was refused before any decision. */
  coordinates: readonly string[];
}

/** Counts of past requests by how they would fare. */
export type ReplayCounts = Record<ReplayChange, number>;

/** One past request the proposal changes: what a steward reads in the sample list. */
export interface ReplaySample {
  at: string;
  operationName: string | null;
  purpose: string;
  /** The outcome the audit trail recorded then. */
  recordedOutcome: string;
  change: Exclude<ReplayChange, 'UNCHANGED'>;
  /** Each field decided otherwise: its decision now and under the proposal ("ALLOW", "MASK PARTIAL_ID", "DENY", with rows). */
  fields: Array<{ coordinate: string; before: string; after: string }>;
}

/** What the replay found: counts overall and per purpose, and the newest changed requests. */
export interface ReplayTallyResult {
  replayed: number;
  /** Records of requests refused before any decision (no credential, no purpose where one was needed): nothing to replay. */
  withoutDecision: number;
  counts: ReplayCounts;
  byPurpose: Array<{ purpose: string } & ReplayCounts>;
  samples: ReplaySample[];
}

/** What every record of one replay is decided against. */
export interface ReplayPolicies {
  agency: Agency;
  catalog: SchemaCatalog;
  current: PolicySnapshot;
  proposed: PolicySnapshot;
  now: Date;
}

const zeroCounts = (): ReplayCounts => ({ UNCHANGED: 0, NEWLY_ALLOWED: 0, NEWLY_REFUSED: 0, MASKED_DIFFERENTLY: 0, ROWS_CHANGED: 0 });

/** Given a purpose as a record keeps it, returns it as the policy knows it, null for none or one it no longer knows. */
function purposeOf(value: string | null): Purpose | null {
  return value !== null && (PURPOSES as readonly string[]).includes(value) ? (value as Purpose) : null;
}

/** Given the decisions under the policy in force and under the proposal, returns how the request fares and the fields decided otherwise. */
export function classifyReplay(before: Decision, after: Decision): Pick<ReplaySample, 'fields'> & { change: ReplayChange } {
  const difference = compareDecisions(before, after);
  const fields = difference?.fields ?? [];
  if (!before.allowed) return { change: after.allowed ? 'NEWLY_ALLOWED' : 'UNCHANGED', fields: after.allowed ? fields : [] };
  if (!after.allowed) return { change: 'NEWLY_REFUSED', fields };
  if (difference === null) return { change: 'UNCHANGED', fields: [] };
  return { change: difference.change === 'MASK_CHANGED' ? 'MASKED_DIFFERENTLY' : 'ROWS_CHANGED', fields };
}

/**
 * Replays past requests of one agency, one record at a time, against the policy in force and the proposed one:
 * each record's decided fields are decided again for its purpose (the exact input of the policy decision), once
 * per distinct purpose and field set. Keeps counts and at most sampleLimit samples, so that memory stays bounded
 * by the distinct field sets, never by the records.
 */
export class ReplayTally {
  private readonly counts = zeroCounts();
  private readonly byPurpose = new Map<string, ReplayCounts>();
  private readonly outcomes = new Map<string, ReturnType<typeof classifyReplay>>();
  private readonly samples: ReplaySample[] = [];
  private replayed = 0;
  private withoutDecision = 0;

  constructor(
    private readonly policies: ReplayPolicies,
    private readonly sampleLimit: number,
  ) {}

  private outcomeOf(purpose: Purpose | null, coordinates: readonly string[]): ReturnType<typeof classifyReplay> {
    const key = `${purpose ?? ''}|${coordinates.join(',')}`;
    let outcome = this.outcomes.get(key);
    if (outcome === undefined) {
      const { agency, catalog, current, proposed, now } = this.policies;
      const principal = { kind: 'AGENCY' as const, agency, credentialId: 'replay', userId: null };
      const input = { principal, purpose, fields: [...coordinates], catalog, now };
      outcome = classifyReplay(decide({ ...input, snapshot: current }), decide({ ...input, snapshot: proposed }));
      this.outcomes.set(key, outcome);
    }
    return outcome;
  }

  /** Given one record, newest first, replays it and counts it. */
  add(record: ReplayedRecord): void {
    if (record.coordinates.length === 0) {
      this.withoutDecision += 1;
      return;
    }
    this.replayed += 1;
    const purpose = purposeOf(record.purpose);
    const { change, fields } = this.outcomeOf(purpose, record.coordinates);
    const label = purpose ?? 'NONE';
    const perPurpose = this.byPurpose.get(label) ?? zeroCounts();
    perPurpose[change] += 1;
    this.byPurpose.set(label, perPurpose);
    this.counts[change] += 1;
    if (change !== 'UNCHANGED' && this.samples.length < this.sampleLimit) {
      this.samples.push({ at: record.at, operationName: record.operationName, purpose: label, recordedOutcome: record.outcome, change, fields });
    }
  }

  result(): ReplayTallyResult {
    return {
      replayed: this.replayed,
      withoutDecision: this.withoutDecision,
      counts: { ...this.counts },
      byPurpose: [...this.byPurpose].sort(([left], [right]) => left.localeCompare(right)).map(([purpose, counts]) => ({ purpose, ...counts })),
      samples: [...this.samples],
    };
  }
}

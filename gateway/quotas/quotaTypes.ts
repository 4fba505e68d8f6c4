/** A steward's setting of one agency's quota, or of one of its credentials'; null: the value falls to the next level. */
export interface QuotaSetting {
  agencyCode: string;
  /** Null for the agency as a whole; an API key's id for that key alone. */
  credentialId: string | null;
  requestsPerMinute: number | null;
  costPerMinute: number | null;
  updatedAt: string;
}

/** The quota of a caller no steward has set: QUOTA_REQUESTS_PER_MINUTE and QUOTA_COST_PER_MINUTE. */
export interface QuotaDefaults {
  requestsPerMinute: number;
  costPerMinute: number;
}

/** The quota one request is counted against: under which key, and its two budgets per minute. */
export interface AppliedQuota {
  /** What the counts are kept under: `agency:<code>`, `credential:<id>` or `anonymous:<address>`. */
  key: string;
  /** The agency counted, for the refusal's event; null for an anonymous caller. */
  agencyCode: string | null;
  requestsPerMinute: number;
  costPerMinute: number;
}

/** The two budgets a quota sets, each per minute. */
export type QuotaBudget = 'requests' | 'cost';

/** What the count says of one request: taken or refused, and the budget that binds it. */
export interface QuotaVerdict {
  allowed: boolean;
  /** The budget reported: the one that refused, or else the one nearer its end. */
  budget: QuotaBudget;
  limit: number;
  remaining: number;
  /** Seconds until that budget's window ends and it is whole again. */
  resetSeconds: number;
}

/** One refused request, as the refusal's event tells it (a metric counts these). */
export interface QuotaRefusal {
  agencyCode: string | null;
  budget: QuotaBudget;
}

/** The length of every quota's window: budgets are per minute. */
export const QUOTA_WINDOW_SECONDS = 60;

/** Given an agency code and a credential id or null, returns the key a setting is stored and looked up under. */
export function quotaSettingKey(agencyCode: string, credentialId: string | null): string {
  return credentialId === null ? agencyCode : `${agencyCode}/${credentialId}`;
}

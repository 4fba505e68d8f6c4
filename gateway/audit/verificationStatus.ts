import type { VerificationRun } from './verificationLog';

/** Why the console warns about the verifier: it never ran, its last run found problems, or that run is too old. */
export type VerificationWarning = 'NEVER_RUN' | 'FAILED' | 'STALE';

/** The verifier's last run as the console shows it, with what it should warn about. */
export interface VerificationStatus {
  last: VerificationRun | null;
  /** How long ago the last run finished, in whole minutes; null when it never ran. */
  ageMinutes: number | null;
  /** The configured age past which a run counts as stale (AUDIT_VERIFY_MAX_AGE_HOURS). */
  maxAgeHours: number;
  /** Every warning that holds, FAILED before STALE. */
  warnings: VerificationWarning[];
}

/** Given the last run (or null), now and the configured maximum age, returns what the console shows and warns about. */
export function verificationStatus(last: VerificationRun | null, now: Date, maxAgeMs: number): VerificationStatus {
  const maxAgeHours = maxAgeMs / 3_600_000;
  if (last === null) return { last, ageMinutes: null, maxAgeHours, warnings: ['NEVER_RUN'] };
  const ageMs = now.getTime() - Date.parse(last.finishedAt);
  const warnings: VerificationWarning[] = [];
  if (!last.sound) warnings.push('FAILED');
  if (ageMs > maxAgeMs) warnings.push('STALE');
  return { last, ageMinutes: Math.max(0, Math.floor(ageMs / 60_000)), maxAgeHours, warnings };
}

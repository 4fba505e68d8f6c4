import type { QuotaVerdict } from './quotaTypes';

/**
 * Given what the count says of a request, returns the headers that tell the caller its budget, after the IETF's
 * RateLimit header fields (draft-ietf-httpapi-ratelimit-headers, the three-field form): RateLimit-Limit,
 * RateLimit-Remaining and RateLimit-Reset (seconds) of the budget that binds (the one that refused, else the one
 * nearer its end), RateLimit-Policy naming it, and Retry-After on a refusal.
 */
export function rateLimitHeaders(verdict: QuotaVerdict): Array<[string, string]> {
  const headers: Array<[string, string]> = [
    ['ratelimit-limit', String(verdict.limit)],
    ['ratelimit-remaining', String(verdict.remaining)],
    ['ratelimit-reset', String(verdict.resetSeconds)],
    ['ratelimit-policy', `${verdict.limit};w=60;name="${verdict.budget}"`],
  ];
  if (!verdict.allowed) headers.push(['retry-after', String(verdict.resetSeconds)]);
  return headers;
}

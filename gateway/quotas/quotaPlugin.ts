import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../common/errors';
import type { GatewayContext } from '../enforcement/context';
import { operationFigures } from '../limits/operationFigures';
import { appliedQuota } from './appliedQuota';
import type { QuotaCounter } from './quotaCounter';
import type { QuotaDefaults, QuotaRefusal, QuotaSetting, QuotaVerdict } from './quotaTypes';
import { rateLimitHeaders } from './rateLimitHeaders';

export interface QuotaPluginOptions {
  counter: QuotaCounter;
  defaults: QuotaDefaults;
  /** The stewards' settings in force now (the policy snapshot's). */
  settings(): ReadonlyMap<string, QuotaSetting> | undefined;
  /** Told of every refused request, once: the one place a refusal is counted (a metric, a log line). */
  onRefused?: (refusal: QuotaRefusal) => void;
}

/** Given a refusal's verdict and who was counted, returns the error the caller sees (RATE_LIMITED, HTTP 429). */
export function rateLimited(verdict: QuotaVerdict, agencyCode: string | null): GraphQLError {
  const who = agencyCode === null ? 'This address' : `The agency ${agencyCode}`;
  const what = verdict.budget === 'requests' ? `its ${verdict.limit} requests` : `its query cost budget of ${verdict.limit}`;
  return new GraphQLError(`${who} has used ${what} for this minute: try again in ${verdict.resetSeconds} s`, {
    extensions: {
      code: ErrorCode.RATE_LIMITED,
      budget: verdict.budget,
      limit: verdict.limit,
      retryAfterSeconds: verdict.resetSeconds,
      http: { status: 429 },
    },
  });
}

/**
 * The quotas at the gateway: once the operation is resolved (so that its cost is known, as the query limits
 * measure it), counts the request and its cost against the caller's quota and refuses it with RATE_LIMITED
 * (HTTP 429) when either budget of the minute is spent; every answer tells the budget in RateLimit-* headers.
 * A refused request is recorded in the audit trail like any other the pipeline answers (auditPlugin).
 */
export function quotaPlugin(options: QuotaPluginOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      let verdict: QuotaVerdict | null = null;
      return {
        async didResolveOperation({ document, operation, contextValue }) {
          if (!operation) return;
          const quota = appliedQuota(options.settings(), options.defaults, contextValue.principal, contextValue.clientAddress ?? null);
          const { cost } = operationFigures(document)(operation);
          verdict = await options.counter.consume(quota, cost);
          if (verdict.allowed) return;
          options.onRefused?.({ agencyCode: quota.agencyCode, budget: verdict.budget });
          throw rateLimited(verdict, quota.agencyCode);
        },
        async willSendResponse({ response }) {
          if (!verdict) return;
          for (const [name, value] of rateLimitHeaders(verdict)) response.http.headers.set(name, value);
        },
      };
    },
  };
}

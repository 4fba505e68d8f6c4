import type { QuotaStewardship, QuotaView } from '../../gateway/store/quotaStewardship';
import type { Actor } from '../../gateway/store/types';
import type { CommandSpec, Output } from './commandKit';
import { single, table, whole } from './commandKit';

/** What the quotas' commands work on. */
interface QuotaServices {
  quotas: QuotaStewardship;
  actor: Actor;
}

/** The quotas' lines of the steward command's usage. */
export const QUOTA_USAGE = `
  quotas list [--agency H56.30]                 the quotas set; every other caller has the defaults
  quotas set --agency H56.30 [--key <key id>] [--requests-per-minute N] [--cost-per-minute N]
                                                a budget left out falls to the agency's, then the default
  quotas clear --agency H56.30 [--key <key id>]
`;

const quotaOutput = (quota: QuotaView): Output =>
  single(quota, [
    ['agency', quota.agencyCode],
    ['key', quota.credentialId ?? 'every key of the agency'],
    ['requests/min', quota.requestsPerMinute ?? `default (${quota.effectiveRequestsPerMinute})`],
    ['cost/min', quota.costPerMinute ?? `default (${quota.effectiveCostPerMinute})`],
    ['updated', quota.updatedAt],
  ]);
const QUOTA_COLUMNS = ['agencyCode', 'credentialId', 'requestsPerMinute', 'costPerMinute', 'effectiveRequestsPerMinute', 'effectiveCostPerMinute', 'updatedAt'];

/** The quotas' commands. */
export const QUOTA_COMMANDS: Record<string, CommandSpec<QuotaServices>> = {
  'quotas list': {
    field: 'Query.quotas',
    flags: { agency: 'string' },
    run: async ({ quotas }, flags) => {
      const rows = await quotas.list(flags.string('agency') ?? null);
      const { requestsPerMinute, costPerMinute } = quotas.defaults();
      return {
        data: { defaults: quotas.defaults(), quotas: rows },
        text: () =>
          `${table(rows as unknown as Array<Record<string, unknown>>, QUOTA_COLUMNS)}\n\nDefaults: ${requestsPerMinute} requests and ${costPerMinute} cost per minute`,
      };
    },
  },
  'quotas set': {
    field: 'Mutation.setQuota',
    flags: { agency: 'string', key: 'string', 'requests-per-minute': 'string', 'cost-per-minute': 'string' },
    required: ['agency'],
    run: async ({ quotas, actor }, flags) => {
      const quota = await quotas.set(actor, {
        agencyCode: flags.string('agency')!,
        credentialId: flags.string('key') ?? null,
        requestsPerMinute: whole(flags, 'requests-per-minute') ?? null,
        costPerMinute: whole(flags, 'cost-per-minute') ?? null,
      });
      return quotaOutput(quota);
    },
  },
  'quotas clear': {
    field: 'Mutation.clearQuota',
    flags: { agency: 'string', key: 'string' },
    required: ['agency'],
    run: async ({ quotas, actor }, flags) => {
      const quota = await quotas.clear(actor, flags.string('agency')!, flags.string('key') ?? null);
      return quotaOutput(quota);
    },
  },
};

import type { Knex } from 'knex';
import { loadWorkingCalendar } from '../common/workingDays';
import type { AuditRepository } from '../gateway/audit/auditRepository';
import { Accounts } from '../gateway/console/accounts';
import { GrantPreviews } from '../gateway/operations/grantPreviews';
import { OperationRegistration } from '../gateway/operations/registration';
import { SharingDesk } from '../gateway/sharing/sharingDesk';
import { AccountRepository } from '../gateway/store/accountRepository';
import type { PolicyCache } from '../gateway/store/policyCache';
import type { PolicyRepository } from '../gateway/store/policyRepository';
import { QuotaStewardship } from '../gateway/store/quotaStewardship';
import { Stewardship } from '../gateway/store/stewardship';
import type { GatewayServiceOptions } from './gatewayServiceOptions';

/** What the stewards work with, on /admin, the console and the CLI alike. */
export interface StewardServices {
  stewardship: Stewardship;
  quotas: QuotaStewardship;
  operations: OperationRegistration;
  sharing: SharingDesk;
  accounts: Accounts;
  previews: GrantPreviews;
}

/** Where the stewards' services read and write, and what they are told by. */
export interface StewardServicesInput {
  gatewayDb: Knex;
  repository: PolicyRepository;
  auditRepository: AuditRepository;
  /** Reloaded after each change, so that this gateway applies it at once. */
  policyCache: PolicyCache;
  quotaDefaults: { requestsPerMinute: number; costPerMinute: number };
  options: Pick<GatewayServiceOptions, 'supergraphSdl' | 'workingCalendar'>;
  /** What a registration of approved operations waits for once stored; reloading the policy when left out. */
  onOperationsChange?: () => Promise<unknown>;
}

/** Given the gateway's store and policy cache, returns the stewards' services over them, each change reloading the policy. */
export function stewardServices(input: StewardServicesInput): StewardServices {
  const { repository, policyCache, options } = input;
  const onChange = () => policyCache.refreshNow();
  const supergraph = options.supergraphSdl ? { supergraphSdl: options.supergraphSdl } : {};
  const stewardship = new Stewardship({ repository, onChange, ...supergraph });
  return {
    stewardship,
    quotas: new QuotaStewardship({ repository, defaults: input.quotaDefaults, onChange }),
    operations: new OperationRegistration({ repository, stewardship, onChange: input.onOperationsChange ?? onChange }),
    sharing: new SharingDesk({ stewardship, repository, calendar: options.workingCalendar ?? loadWorkingCalendar() }),
    accounts: new Accounts({ repository: new AccountRepository(input.gatewayDb) }),
    previews: new GrantPreviews({ repository, stewardship, audit: input.auditRepository, ...supergraph }),
  };
}

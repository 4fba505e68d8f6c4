import type { Principal } from '../policy/types';
import type { AppliedQuota, QuotaDefaults, QuotaSetting } from './quotaTypes';
import { quotaSettingKey } from './quotaTypes';

/**
 * Given the stewards' settings, the defaults, who calls and from which address, returns the quota the request is
 * counted against. A credential's own setting counts that key alone, with what it leaves unset taken from its
 * agency's setting and then the defaults; otherwise every key of the agency counts together, under the agency's
 * setting or the defaults. Anonymous callers are counted per address, citizens per national ID, under the defaults.
 */
export function appliedQuota(
  settings: ReadonlyMap<string, QuotaSetting> | undefined,
  defaults: QuotaDefaults,
  principal: Principal,
  clientAddress: string | null,
): AppliedQuota {
  if (principal.kind === 'CITIZEN') return { key: `citizen:${principal.nationalId}`, agencyCode: null, ...defaults };
  if (principal.kind !== 'AGENCY') {
    return { key: `anonymous:${clientAddress ?? 'unknown'}`, agencyCode: null, ...defaults };
  }
  const code = principal.agency.code;
  const ofAgency = settings?.get(quotaSettingKey(code, null));
  const ofCredential = settings?.get(quotaSettingKey(code, principal.credentialId));
  return {
    key: ofCredential ? `credential:${principal.credentialId}` : `agency:${code}`,
    agencyCode: code,
    requestsPerMinute: ofCredential?.requestsPerMinute ?? ofAgency?.requestsPerMinute ?? defaults.requestsPerMinute,
    costPerMinute: ofCredential?.costPerMinute ?? ofAgency?.costPerMinute ?? defaults.costPerMinute,
  };
}

import { printable } from '../../common/nationalId';
import type { QuotaDefaults, QuotaSetting } from '../quotas/quotaTypes';
import { quotaSettingKey } from '../quotas/quotaTypes';
import { badInput, notFound } from './errors';
import type { PolicyRepository } from './policyRepository';
import { actorColumns } from './stewardship';
import type { Actor } from './types';

/** The largest budget a steward may set: beyond it, a quota would bound nothing a gateway can serve. */
export const MAX_REQUESTS_PER_MINUTE = 10_000_000;
export const MAX_COST_PER_MINUTE = 1_000_000_000_000;

/** What a steward sets: an agency's quota, or one of its keys' (credentialId); a budget left null falls to the next level. */
export interface QuotaInput {
  agencyCode: string;
  credentialId?: string | null;
  requestsPerMinute?: number | null;
  costPerMinute?: number | null;
}

/** A setting with what it comes to: each budget as counted, and where it comes from. */
export interface QuotaView extends QuotaSetting {
  effectiveRequestsPerMinute: number;
  effectiveCostPerMinute: number;
}

export interface QuotaStewardshipOptions {
  repository: PolicyRepository;
  defaults: QuotaDefaults;
  now?: () => Date;
  /** Told after each committed change, so that this gateway's cache reloads at once. */
  onChange?: () => Promise<unknown> | void;
}

function budget(value: number | null | undefined, what: string, max: number): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 1 || value > max) throw badInput(`${what} must be a whole number from 1 to ${max}, got ${value}`);
  return value;
}

/**
 * The stewards' operations on quotas, for the admin API and the command line: set or clear an agency's or a key's
 * requests and cost per minute. Each change is one transaction with its entry in the policy history (action
 * SET_QUOTA or CLEAR_QUOTA, entity QUOTA "agency" or "agency/key id", before and after), which moves the policy
 * version, so that every gateway applies it at its next refresh.
 */
export class QuotaStewardship {
  private readonly now: () => Date;

  constructor(private readonly options: QuotaStewardshipOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Given a setting (or none) and the agency's own, returns what it comes to. */
  private view(setting: QuotaSetting, ofAgency: QuotaSetting | null): QuotaView {
    const { defaults } = this.options;
    return {
      ...setting,
      effectiveRequestsPerMinute: setting.requestsPerMinute ?? ofAgency?.requestsPerMinute ?? defaults.requestsPerMinute,
      effectiveCostPerMinute: setting.costPerMinute ?? ofAgency?.costPerMinute ?? defaults.costPerMinute,
    };
  }

  /** The budgets of a caller no steward has set. */
  defaults(): QuotaDefaults {
    return { ...this.options.defaults };
  }

  /** Given an agency code or null, returns the settings with what each comes to. */
  async list(agencyCode: string | null = null): Promise<QuotaView[]> {
    const settings = await this.options.repository.quotas().settings(agencyCode);
    const byKey = new Map(settings.map((setting) => [quotaSettingKey(setting.agencyCode, setting.credentialId), setting]));
    return settings.map((setting) => this.view(setting, setting.credentialId === null ? null : (byKey.get(setting.agencyCode) ?? null)));
  }

  /** Given who acts and a quota, stores it in place of the agency's or key's previous one. */
  async set(actor: Actor, input: QuotaInput): Promise<QuotaView> {
    const requestsPerMinute = budget(input.requestsPerMinute, 'requestsPerMinute', MAX_REQUESTS_PER_MINUTE);
    const costPerMinute = budget(input.costPerMinute, 'costPerMinute', MAX_COST_PER_MINUTE);
    if (requestsPerMinute === null && costPerMinute === null)
      throw badInput('A quota needs requestsPerMinute, costPerMinute or both: to go back to the defaults, clear it');
    return this.change(actor, input.agencyCode, input.credentialId ?? null, 'SET_QUOTA', (agencyCode, credentialId, now) => ({
      agencyCode,
      credentialId,
      requestsPerMinute,
      costPerMinute,
      updatedAt: now,
    }));
  }

  /** Given who acts, an agency and a key or null, removes that setting: its budgets fall back to the next level. */
  async clear(actor: Actor, agencyCode: string, credentialId: string | null = null): Promise<QuotaView> {
    return this.change(actor, agencyCode, credentialId, 'CLEAR_QUOTA', () => null);
  }

  private async change(
    actor: Actor,
    agencyCodeGiven: string,
    credentialIdGiven: string | null,
    action: 'SET_QUOTA' | 'CLEAR_QUOTA',
    next: (agencyCode: string, credentialId: string | null, now: string) => QuotaSetting | null,
  ): Promise<QuotaView> {
    const now = this.now().toISOString();
    const result = await this.options.repository.transaction(async (repository) => {
      const agency = await repository.agencyByCode(agencyCodeGiven, true);
      if (!agency) throw notFound(`Unknown agency "${printable(agencyCodeGiven)}"`);
      let credentialId: string | null = null;
      if (credentialIdGiven !== null) {
        const credential = await repository.credentialById(credentialIdGiven);
        if (!credential || credential.agencyCode !== agency.code) throw notFound(`The agency ${agency.code} has no API key "${printable(credentialIdGiven)}"`);
        credentialId = credential.id;
      }
      const quotas = repository.quotas();
      const before = await quotas.setting(agency.code, credentialId);
      const after = next(agency.code, credentialId, now);
      if (after === null && before === null) throw notFound(`No quota is set for ${quotaSettingKey(agency.code, credentialId)}: the defaults apply already`);
      if (after) await quotas.put(after);
      else await quotas.remove(agency.code, credentialId);
      await repository.recordChange({
        ...actorColumns(actor),
        changedAt: now,
        action,
        entityType: 'QUOTA',
        entityId: quotaSettingKey(agency.code, credentialId),
        before,
        after,
      });
      const ofAgency = credentialId === null ? null : await quotas.setting(agency.code, null);
      const shown: QuotaSetting = after ?? { agencyCode: agency.code, credentialId, requestsPerMinute: null, costPerMinute: null, updatedAt: now };
      return this.view(shown, ofAgency);
    });
    try {
      await this.options.onChange?.();
    } catch {
      // The change is committed: a cache that fails to reload now picks it up at its next poll.
    }
    return result;
  }
}

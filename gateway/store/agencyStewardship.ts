import { printable } from '../../common/nationalId';
import type { Agency } from '../policy/types';
import { badInput, conflict } from './errors';
import { requiredText } from './grantInput';
import { assertCommunesInStore } from './stewardshipCore';
import type { StewardshipCore } from './stewardshipCore';
import { sectorOf } from './stewardshipTerms';
import type { AgencyInput, AgencyPatch } from './stewardshipTypes';
import type { Actor } from './types';
import { communeCodes } from './unitCodes';

const AGENCY_CODE = /^[A-Z][0-9]{2}(\.[0-9A-Z]{1,10}){0,4}$/;

/** The stewards' operations on agencies: register, edit, deactivate and reactivate, each with its history entry. */
export class AgencyStewardship {
  constructor(private readonly core: StewardshipCore) {}

  list(): Promise<Agency[]> {
    return this.core.repository.agencies();
  }

  byCode(code: string): Promise<Agency | null> {
    return this.core.repository.agencyByCode(code);
  }

  /** Given a new agency, registers it; CONFLICT when the code is taken. */
  async create(actor: Actor, input: AgencyInput): Promise<Agency> {
    const code = (input.code ?? '').trim();
    if (!AGENCY_CODE.test(code))
      throw badInput(`Malformed agency code "${printable(code)}": expected a letter, two digits and dot-separated parts, such as H56.20`);
    const agency: Agency = {
      code,
      name: requiredText(input.name, 'The agency name', 200),
      sector: sectorOf(input.sector, this.core.schema().catalog.sectors),
      unitCodes: communeCodes(input.unitCodes ?? [], 'unit codes'),
      steward: input.steward ?? false,
    };
    return this.core.change(async (repository, now) => {
      await assertCommunesInStore(repository, agency.unitCodes, 'unit codes', now);
      if (await repository.agencyByCode(code)) throw conflict(`The agency ${code} exists already; update it instead`);
      await repository.insertAgency(agency, now);
      await this.core.record(repository, actor, now, 'CREATE_AGENCY', 'AGENCY', code, null, agency);
      return agency;
    });
  }

  /** Given an agency code and the fields to change, updates the agency; NOT_FOUND when unknown. */
  async update(actor: Actor, code: string, patch: AgencyPatch): Promise<Agency> {
    const name = patch.name === undefined || patch.name === null ? undefined : requiredText(patch.name, 'The agency name', 200);
    const sector = patch.sector === undefined ? undefined : sectorOf(patch.sector, this.core.schema().catalog.sectors);
    const unitCodes = patch.unitCodes === undefined || patch.unitCodes === null ? undefined : communeCodes(patch.unitCodes, 'unit codes');
    return this.core.change(async (repository, now) => {
      if (unitCodes !== undefined) await assertCommunesInStore(repository, unitCodes, 'unit codes', now);
      const before = await this.core.existingAgency(repository, code, true);
      const after: Agency = {
        ...before,
        ...(name !== undefined ? { name } : {}),
        ...(sector !== undefined ? { sector } : {}),
        ...(unitCodes !== undefined ? { unitCodes } : {}),
        ...(patch.steward !== undefined && patch.steward !== null ? { steward: patch.steward } : {}),
      };
      await repository.updateAgency(after, now);
      await this.core.record(repository, actor, now, 'UPDATE_AGENCY', 'AGENCY', code, before, after);
      return after;
    });
  }

  /** Given an agency's code, deactivates it (its credentials stop at once, its grants stop applying) or reactivates it; history kept. */
  async setActive(actor: Actor, code: string, active: boolean): Promise<Agency> {
    return this.core.change(async (repository, now) => {
      const before = await this.core.existingAgency(repository, code, true);
      if (Boolean(before.deactivatedAt) !== active) throw conflict(`The agency ${before.code} is ${active ? 'active' : 'deactivated'} already`);
      const after: Agency = { ...before, deactivatedAt: active ? null : now };
      await repository.setDeactivation(before.code, after.deactivatedAt ?? null);
      await this.core.record(repository, actor, now, active ? 'REACTIVATE_AGENCY' : 'DEACTIVATE_AGENCY', 'AGENCY', before.code, before, after);
      return after;
    });
  }
}

import { printable } from '../../common/nationalId';
import { badInput, notFound } from '../store/errors';
import type { PolicyRepository } from '../store/policyRepository';
import type { Stewardship } from '../store/stewardship';
import type { Actor } from '../store/types';
import type { DuplicateCollection } from './duplicateCollection';
import { duplicateCollection } from './duplicateCollection';

/**
 * What agencies' own forms collect from citizens, and the report of what they collect again although another agency
 * provides it ("declare once"): the declarations are in the history like every change.
 */
export class CollectedFieldsDesk {
  constructor(
    private readonly stewardship: Stewardship,
    private readonly repository: PolicyRepository,
    private readonly now: () => Date,
  ) {}

  /**
   * Given an agency and the fields its own forms collect from citizens, replaces the list declared for it, in the
   * history; the duplicate-collection report compares it with what the agency was granted or refused.
   */
  async declare(actor: Actor, agencyCode: string, coordinates: readonly string[]): Promise<string[]> {
    const { catalog } = this.stewardship.schema();
    const fields = [...new Set(coordinates)].sort();
    const unknown = fields.filter((coordinate) => !catalog.fields.has(coordinate));
    if (unknown.length > 0) throw badInput(`Unknown fields ${unknown.map((value) => `"${printable(value)}"`).join(', ')}: expected Type.field`);
    return this.stewardship.change(async (repository, nowIso) => {
      const agency = await repository.agencyByCode(agencyCode, true);
      if (!agency) throw notFound(`Unknown agency "${printable(agencyCode)}"`);
      const before = (await repository.sharing().collectedFields()).get(agency.code) ?? [];
      await repository.sharing().replaceCollectedFields(agency.code, fields);
      await this.stewardship.record(repository, actor, nowIso, 'DECLARE_COLLECTED_FIELDS', 'AGENCY', agency.code, { collects: before }, { collects: fields });
      return fields;
    });
  }

  /** Given an agency's code, returns the fields its own forms collect, as declared. */
  async of(agencyCode: string): Promise<string[]> {
    return (await this.repository.sharing().collectedFields()).get(agencyCode) ?? [];
  }

  /** Returns, per agency, the fields its forms collect that another agency provides and it was refused or never asked for. */
  async duplicates(): Promise<DuplicateCollection[]> {
    const [snapshot, collected, requests] = await Promise.all([
      this.repository.loadSnapshot(),
      this.repository.sharing().collectedFields(),
      this.repository.sharing().requests(),
    ]);
    return duplicateCollection([...snapshot.agencies.values()], collected, requests, snapshot.grantsByAgency, this.stewardship.schema().catalog, this.now());
  }
}

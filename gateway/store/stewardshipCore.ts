import fs from 'node:fs';
import { printable } from '../../common/nationalId';
import { SUPERGRAPH_PATH } from '../../schema/load';
import { apiSchemaOf, buildCatalog } from '../policy/catalog';
import type { Agency } from '../policy/types';
import { notFound } from './errors';
import type { SchemaFacts } from './grantInput';
import { commitChange, recordChange } from './policyChanges';
import type { PolicyRepository } from './policyRepository';
import type { StewardshipOptions } from './stewardshipTypes';
import type { Actor, PolicyEntity } from './types';
import { assertCommunesInForce } from './unitCodes';

/**
 * Given commune codes (none: nothing to check), throws BAD_USER_INPUT unless each names a commune the store knows,
 * in force at the instant given.
 */
export async function assertCommunesInStore(repository: PolicyRepository, codes: readonly string[] | null, what: string, at: string): Promise<void> {
  if (codes === null || codes.length === 0) return;
  const [known, loaded] = await Promise.all([repository.unitsByCodes(codes), repository.unitCount()]);
  assertCommunesInForce(codes, known, loaded, what, at.slice(0, 10));
}

/**
 * What every job of the stewards' operations shares (agencies, keys, grants): the store, its clock, the schema
 * grants are checked against, and the transaction each change runs in with its history entry.
 */
export class StewardshipCore {
  readonly repository: PolicyRepository;
  readonly now: () => Date;
  private schemaFacts: SchemaFacts | null = null;

  constructor(private readonly options: StewardshipOptions) {
    this.repository = options.repository;
    this.now = options.now ?? (() => new Date());
  }

  /** The catalog and API schema, derived from the supergraph once, when first needed: what grants and operations are checked against. */
  schema(): SchemaFacts {
    if (!this.schemaFacts) {
      const sdl = this.options.supergraphSdl ?? fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
      const catalog = buildCatalog(sdl);
      const typeNames = new Set([...catalog.fields.keys()].map((coordinate) => coordinate.slice(0, coordinate.indexOf('.'))));
      this.schemaFacts = { catalog, apiSchema: apiSchemaOf(sdl), typeNames };
    }
    return this.schemaFacts;
  }

  /** Runs a change and its history entry in one transaction, then tells onChange. */
  change<T>(work: (repository: PolicyRepository, now: string) => Promise<T>): Promise<T> {
    return commitChange(this.repository, this.now().toISOString(), work, this.options.onChange);
  }

  /** Given a change's parts, records it in the history within the change's transaction. */
  record(repository: PolicyRepository, actor: Actor, now: string, action: string, entityType: PolicyEntity, entityId: string, before: unknown, after: unknown) {
    return recordChange(repository, actor, now, { action, entityType, entityId, before, after });
  }

  /** Given an agency's code, returns the agency as registered (its row locked when asked), or throws NOT_FOUND. */
  async existingAgency(repository: PolicyRepository, code: string, lock = false): Promise<Agency> {
    const agency = await repository.agencyByCode(code, lock);
    if (!agency) throw notFound(`Unknown agency "${printable(code)}"`);
    return agency;
  }
}

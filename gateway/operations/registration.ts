import { printable } from '../../common/nationalId';
import { badInput, notFound } from '../store/errors';
import { oneOf } from '../store/grantInput';
import type { Agency } from '../policy/types';
import { commitChange, recordChange } from '../store/policyChanges';
import type { PolicyRepository } from '../store/policyRepository';
import { parseInstant } from '../store/stewardship';
import type { GrantInput, Stewardship } from '../store/stewardship';
import type { Actor } from '../store/types';
import type { OperationImpact } from './impact';
import { operationImpact } from './impact';
import { grantsToRevoke, proposedGrants } from './proposal';
import { manifestInvalid, parseManifest } from './manifest';
import type { OperationPlan, PlanningSchema } from './planning';
import { planOperations } from './planning';
import { OPERATION_MODES } from './types';
import type { ApprovedOperation, OperationListVersion, OperationMode, RegisteredOperation } from './types';

/** An application's name as its agency registers it: letters, digits, dots, dashes and underscores. */
const APPLICATION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface OperationRegistrationOptions {
  repository: PolicyRepository;
  /** The steward operations, whose schema the operations are checked against. */
  stewardship: Stewardship;
  now?: () => Date;
  /** Told after each committed change, so that this gateway's cache can reload at once. */
  onChange?: () => Promise<unknown> | void;
}

export interface RegisterInput {
  agencyCode: string;
  application: string;
  /** The build's file: an Apollo persisted-query manifest or GraphQL Codegen's persisted documents, as JSON text. */
  manifest: string;
}

/** A list version just registered, with each of its operations planned against the agency's grants now. */
export interface Registered {
  list: OperationListVersion;
  plans: OperationPlan[];
}

/** A proposed grant change whose effect on registered operations is asked: grants to revoke and to add, and when. */
export interface ImpactInput {
  /** Only this agency's operations; every agency's when left out. */
  agencyCode?: string | null;
  revokeGrantIds?: readonly string[] | null;
  addGrants?: readonly GrantInput[] | null;
  /** The instant to decide the proposed policy at (ISO); now when left out. */
  at?: string | null;
}

/**
 * The stewards' operations on approved operations, shared by the admin API and the command line: agencies'
 * persisted-operation lists (each upload a new version of its application's list, recorded in the history with
 * who, in which role and why), each agency's mode, and what a proposed grant change would do to what is registered.
 */
export class OperationRegistration {
  private readonly repository: PolicyRepository;
  private readonly now: () => Date;

  constructor(private readonly options: OperationRegistrationOptions) {
    this.repository = options.repository;
    this.now = options.now ?? (() => new Date());
  }

  private planning(): PlanningSchema {
    const { apiSchema, catalog } = this.options.stewardship.schema();
    return { schema: apiSchema, catalog };
  }

  private async agency(code: string): Promise<Agency> {
    const agency = await this.repository.agencyByCode(code);
    if (!agency) throw notFound(`Unknown agency "${printable(code)}"`);
    return agency;
  }

  /**
   * Given an agency, an application and its build's operation file, checks every operation (the file's format,
   * ids, and each operation parsed and validated against the schema) and registers them as the application's
   * next list version, in force at once; returns the version and each operation decided against the agency's
   * grants. A file with any problem is refused whole with OPERATION_MANIFEST_INVALID and changes nothing.
   */
  async register(actor: Actor, input: RegisterInput): Promise<Registered> {
    const application = (input.application ?? '').trim();
    if (!APPLICATION_NAME.test(application))
      throw badInput(`Malformed application name "${printable(application)}": letters, digits, ".", "-" and "_", at most 100, such as so-tiep-nhan-web`);
    const manifest = parseManifest(input.manifest ?? '');
    const agency = await this.agency(input.agencyCode);
    const snapshot = await this.repository.loadSnapshot();
    const plans = planOperations(this.planning(), manifest.operations, agency, snapshot, this.now());
    const invalid = plans.filter((plan) => plan.problem !== null);
    if (invalid.length > 0) throw manifestInvalid(invalid.map((plan) => `operation ${plan.name ?? plan.id}: ${plan.problem}`));
    const list = await commitChange(
      this.repository,
      this.now().toISOString(),
      async (repository, now) => {
        const operations = repository.operations();
        const version = await operations.nextVersion(agency.code, application);
        const changeId = await recordChange(repository, actor, now, {
          action: 'REGISTER_OPERATIONS',
          entityType: 'OPERATIONS',
          entityId: `${agency.code}/${application}`,
          before: version === 1 ? null : { version: version - 1 },
          after: { version, format: manifest.format, operations: manifest.operations.map(({ id, name, type }) => ({ id, name, type })) },
        });
        await operations.insertList({ agencyCode: agency.code, application, version, format: manifest.format, changeId, createdAt: now }, manifest.operations);
        return {
          agencyCode: agency.code,
          application,
          version,
          format: manifest.format,
          operationCount: manifest.operations.length,
          changeId,
          createdAt: now,
          current: true,
        };
      },
      this.options.onChange,
    );
    return { list, plans };
  }

  /** Given an agency and a mode (off, log-unknown, enforce), sets it, recorded in the history; the same mode again changes nothing. */
  async setMode(actor: Actor, agencyCode: string, mode: string): Promise<{ agencyCode: string; mode: OperationMode; changed: boolean }> {
    const wanted = oneOf(mode, OPERATION_MODES, 'operations mode');
    const { code } = await this.agency(agencyCode);
    return commitChange(
      this.repository,
      this.now().toISOString(),
      async (repository, now) => {
        const operations = repository.operations();
        const before = await operations.modeOf(code);
        if (before === wanted) return { agencyCode: code, mode: wanted, changed: false };
        await operations.setMode(code, wanted, now);
        await recordChange(repository, actor, now, {
          action: 'SET_OPERATIONS_MODE',
          entityType: 'OPERATIONS',
          entityId: code,
          before: { mode: before },
          after: { mode: wanted },
        });
        return { agencyCode: code, mode: wanted, changed: true };
      },
      this.options.onChange,
    );
  }

  /** Given an agency, returns its mode: off until one is set. */
  async mode(agencyCode: string): Promise<OperationMode> {
    const { code } = await this.agency(agencyCode);
    return this.repository.operations().modeOf(code);
  }

  /** Given an optional agency and application, returns every list version, the current one of each application marked. */
  async lists(filter: { agencyCode?: string | null; application?: string | null } = {}): Promise<OperationListVersion[]> {
    const code = filter.agencyCode ? (await this.agency(filter.agencyCode)).code : null;
    return this.repository.operations().listVersions(code, filter.application ?? null);
  }

  /** Given an agency, an application and optionally a version (the current one when left out), returns its operations. */
  async operations(agencyCode: string, application: string, version: number | null = null): Promise<RegisteredOperation[]> {
    const { code } = await this.agency(agencyCode);
    const found = await this.repository.operations().operationsOf(code, application, version);
    if (!found) throw notFound(`${code} has no list for "${printable(application)}"${version === null ? '' : ` at version ${version}`}`);
    return found;
  }

  /** Given an agency, returns each operation of its applications' current lists decided against its grants now. */
  async plan(agencyCode: string): Promise<Array<OperationPlan & { application: string }>> {
    const agency = await this.agency(agencyCode);
    const snapshot = await this.repository.loadSnapshot();
    const registered: ApprovedOperation[] = [...(snapshot.approvedOperations?.get(agency.code)?.byId.values() ?? [])];
    const plans = planOperations(this.planning(), registered, agency, snapshot, this.now());
    return plans.map((plan, index) => ({ ...plan, application: registered[index]!.application }));
  }

  /**
   * Given grants to revoke and to add (checked, never stored) and an instant, returns each registered operation
   * that runs now for a purpose and would be refused, masked otherwise or read other rows under that policy.
   */
  async impact(input: ImpactInput): Promise<OperationImpact[]> {
    const snapshot = await this.repository.loadSnapshot();
    const agencyCode = input.agencyCode ? (await this.agency(input.agencyCode)).code : null;
    const revokeGrantIds = grantsToRevoke(input.revokeGrantIds, snapshot);
    const now = this.now();
    const addGrants = proposedGrants(input.addGrants, snapshot, this.options.stewardship.schema(), now);
    const at = input.at ? new Date(parseInstant(input.at, 'at')) : null;
    return operationImpact(this.planning(), snapshot.approvedOperations ?? new Map(), snapshot, { revokeGrantIds, addGrants, at }, now, agencyCode);
  }
}

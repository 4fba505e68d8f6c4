import fs from 'node:fs';
import { UsageError } from '../../common/commandLine';
import type { OperationRegistration } from '../../gateway/operations/registration';
import type { GrantInput } from '../../gateway/store/stewardship';
import type { Actor } from '../../gateway/store/types';
import type { CommandSpec, Output } from './commandKit';
import { single, table, whole } from './commandKit';

/** What the approved operations' commands work on. */
interface OperationServices {
  operations: OperationRegistration;
  actor: Actor;
}

/** The approved operations' lines of the steward command's usage. */
export const OPERATION_USAGE = `
  operations register --agency H56.20 --application land-web --file persisted-query-manifest.json
                  an Apollo persisted-query manifest or GraphQL Codegen's persisted documents (SHA-256 ids);
                  registers the application's next list version and prints each operation decided
  operations lists [--agency H56.20] [--application land-web]       every version, the current one marked
  operations show --agency H56.20 --application land-web [--version N]   ids and names (--json: bodies)
  operations mode --agency H56.20
  operations set-mode --agency H56.20 --mode off|log-unknown|enforce  roll out with log-unknown first
  operations plan --agency H56.20              each registered operation parsed, validated, decided now
  operations impact [--agency H56.20] [--revoke-grant <grant id>]… [--grants-file grants.json] [--at 2027-01-01]
                  the registered operations a grant change would deny, mask otherwise or narrow; stores nothing
`;

/** Given a file named by --file, returns its text, or throws a UsageError. */
function readFileFlag(file: string, flag: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--${flag} needs a readable file: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const rows = (values: readonly object[]) => values as unknown as Array<Record<string, unknown>>;
const planText = (
  plans: ReadonlyArray<{
    name: string | null;
    id: string;
    problem: string | null;
    allowedPurposes: string[];
    masked: Array<{ purpose: string; fields: string[] }>;
    denied: string[];
  }>,
) =>
  table(
    plans.map((plan) => ({
      name: plan.name ?? '(anonymous)',
      id: plan.id.slice(0, 16),
      runsFor: plan.problem ?? (plan.allowedPurposes.length > 0 ? plan.allowedPurposes : 'NO PURPOSE'),
      masked: plan.masked.map((entry) => `${entry.purpose}: ${entry.fields.join(', ')}`),
      denied: plan.denied,
    })),
    ['name', 'id', 'runsFor', 'masked', 'denied'],
  );

/** The approved operations' commands, each named after the admin API's field whose roles it needs. */
export const OPERATION_COMMANDS: Record<string, CommandSpec<OperationServices>> = {
  'operations register': {
    field: 'Mutation.registerOperations',
    flags: { agency: 'string', application: 'string', file: 'string' },
    required: ['agency', 'application', 'file'],
    run: async ({ operations, actor }, flags) => {
      const manifest = readFileFlag(flags.string('file')!, 'file');
      const registered = await operations.register(actor, { agencyCode: flags.string('agency')!, application: flags.string('application')!, manifest });
      const { list } = registered;
      return {
        data: registered,
        text: () =>
          `${list.agencyCode}/${list.application} version ${list.version} (${list.format}, ${list.operationCount} operations) is in force, change ${list.changeId}.\n\n${planText(registered.plans)}`,
      };
    },
  },
  'operations lists': {
    field: 'Query.operationLists',
    flags: { agency: 'string', application: 'string' },
    run: async ({ operations }, flags) => {
      const lists = await operations.lists({ agencyCode: flags.string('agency') ?? null, application: flags.string('application') ?? null });
      return {
        data: lists,
        text: () => table(rows(lists), ['agencyCode', 'application', 'version', 'current', 'format', 'operationCount', 'changeId', 'createdAt']),
      };
    },
  },
  'operations show': {
    field: 'Query.registeredOperations',
    flags: { agency: 'string', application: 'string', version: 'string' },
    required: ['agency', 'application'],
    run: async ({ operations }, flags) => {
      const found = await operations.operations(flags.string('agency')!, flags.string('application')!, whole(flags, 'version') ?? null);
      return { data: found, text: () => table(rows(found), ['id', 'type', 'name']) };
    },
  },
  'operations mode': {
    field: 'Query.operationsMode',
    flags: { agency: 'string' },
    required: ['agency'],
    run: async ({ operations }, flags) => {
      const mode = await operations.mode(flags.string('agency')!);
      return single({ agencyCode: flags.string('agency'), mode }, [['mode', mode]]);
    },
  },
  'operations set-mode': {
    field: 'Mutation.setOperationsMode',
    flags: { agency: 'string', mode: 'string' },
    required: ['agency', 'mode'],
    run: async ({ operations, actor }, flags) => {
      const set = await operations.setMode(actor, flags.string('agency')!, flags.string('mode')!);
      return single(set, Object.entries(set));
    },
  },
  'operations plan': {
    field: 'Query.operationPlan',
    flags: { agency: 'string' },
    required: ['agency'],
    run: async ({ operations }, flags): Promise<Output> => {
      const plans = await operations.plan(flags.string('agency')!);
      return { data: plans, text: () => planText(plans) };
    },
  },
  'operations impact': {
    field: 'Query.operationImpact',
    flags: { agency: 'string', 'revoke-grant': 'repeated', 'grants-file': 'string', at: 'string' },
    run: async ({ operations }, flags) => {
      const file = flags.string('grants-file');
      let addGrants: GrantInput[] = [];
      if (file !== undefined) {
        try {
          addGrants = JSON.parse(readFileFlag(file, 'grants-file')) as GrantInput[];
        } catch (error) {
          if (error instanceof UsageError) throw error;
          throw new UsageError('--grants-file needs a JSON array of grants, as the admin API takes them: [{ agencyCode, target, purposes, legalBasis, … }]');
        }
        if (!Array.isArray(addGrants)) throw new UsageError('--grants-file needs a JSON array of grants');
      }
      const impacts = await operations.impact({
        agencyCode: flags.string('agency') ?? null,
        revokeGrantIds: flags.repeated('revoke-grant'),
        addGrants,
        at: flags.string('at') ?? null,
      });
      return {
        data: impacts,
        text: () =>
          impacts.length === 0
            ? 'No registered operation would be refused, masked otherwise or read other rows.'
            : table(
                impacts.map((impact) => ({
                  ...impact,
                  operation: impact.name ?? impact.id.slice(0, 16),
                  fields: impact.fields.map((field) => `${field.coordinate}: ${field.before} -> ${field.after}`),
                })),
                ['agencyCode', 'application', 'operation', 'purpose', 'change', 'fields'],
              ),
      };
    },
  },
};

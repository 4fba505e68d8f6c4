import fs from 'node:fs';
import { UsageError } from '../../common/commandLine';
import { explainDecision } from '../../gateway/policy/explain';
import { grantsNeedingReview } from '../../gateway/register/review';
import type { Stewardship, UnitInput } from '../../gateway/store/stewardship';
import type { Actor } from '../../gateway/store/types';
import type { CommandSpec } from './commandKit';
import { single, table, whole } from './commandKit';

/** What these commands work on. */
interface PolicyServices {
  stewardship: Stewardship;
  actor: Actor;
}

/** Their lines of the steward command's usage. */
export const POLICY_USAGE = `  units load --file units.json      the province's whole list: [{ code, name, level, validFrom, validTo, replacedBy }]
  changes [--limit 50] [--before <change id>] [--entity-type AGENCY|CREDENTIAL|GRANT|UNITS|ACCOUNT|QUOTA|OPERATIONS|SHARING_REQUEST|LEGAL_INSTRUMENT] [--entity-id X]
  explain [--agency H56.30] [--purpose P] --query '{ … }' [--variables '{ … }'] [--operation-name N] [--at 2026-06-01]
`;

/** Given a flag's name and its JSON text, returns the value parsed, or throws a UsageError. */
function jsonFlag(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--${name} needs JSON text`);
  }
}

/** The administrative units' load, the history of changes, and explain: what the policy store holds and would decide. */
export const POLICY_COMMANDS: Record<string, CommandSpec<PolicyServices>> = {
  'units load': {
    field: 'Mutation.loadAdministrativeUnits',
    flags: { file: 'string' },
    required: ['file'],
    run: async ({ stewardship, actor }, flags) => {
      const file = flags.string('file')!;
      let units: unknown;
      try {
        units = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (error) {
        throw new UsageError(`--file needs a readable JSON file: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!Array.isArray(units)) throw new UsageError('--file needs a JSON array of units');
      const loaded = await stewardship.loadUnits(actor, units as UnitInput[]);
      return single(loaded, Object.entries(loaded));
    },
  },
  changes: {
    field: 'Query.policyChanges',
    flags: { limit: 'string', before: 'string', 'entity-type': 'string', 'entity-id': 'string' },
    run: async ({ stewardship }, flags) => {
      const changes = await stewardship.changes({
        limit: whole(flags, 'limit') ?? null,
        before: whole(flags, 'before') ?? null,
        entityType: flags.string('entity-type') ?? null,
        entityId: flags.string('entity-id') ?? null,
      });
      return {
        data: changes,
        text: () =>
          table(changes as unknown as Array<Record<string, unknown>>, ['id', 'changedAt', 'actor', 'credentialId', 'action', 'entityType', 'entityId']),
      };
    },
  },
  explain: {
    field: 'Query.explain',
    flags: { agency: 'string', purpose: 'string', query: 'string', variables: 'string', 'operation-name': 'string', at: 'string' },
    required: ['query'],
    run: async ({ stewardship }, flags) => {
      const variables = flags.string('variables');
      const decision = await stewardship.explain({
        variables: variables === undefined ? null : (jsonFlag('variables', variables) as Record<string, unknown>),
        agencyCode: flags.string('agency') ?? null,
        purpose: flags.string('purpose') ?? null,
        query: flags.string('query')!,
        operationName: flags.string('operation-name') ?? null,
        at: flags.string('at') ?? null,
      });
      // The grants that decided a field and need review: what the decision rests on may no longer hold.
      const used = new Set(decision.fields.map((field) => field.grantId));
      const flagged = grantsNeedingReview(await stewardship.listGrants(), await stewardship.register.list(), new Date()).filter(({ grant }) =>
        used.has(grant.id),
      );
      const notes = flagged.map(
        ({ grant, review }) =>
          `Grant ${grant.id} needs review: ${review.citesNothing ? 'it cites no entry of the legal register' : `${review.obsoleteInstruments.join(', ')} replaced; cite ${review.successors.join(', ') || 'its successors'}`}`,
      );
      return { data: decision, text: () => [...explainDecision(decision), ...(notes.length ? ['', ...notes] : [])].join('\n') };
    },
  },
};

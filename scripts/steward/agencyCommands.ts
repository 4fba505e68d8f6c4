import { UsageError } from '../../common/commandLine';
import type { IssuedApiKey, Stewardship } from '../../gateway/store/stewardship';
import type { Actor } from '../../gateway/store/types';
import type { CommandSpec, Output } from './commandKit';
import { listOf, single, table, whole } from './commandKit';
import { AGENCY_COLUMNS } from './sharingCommands';

/** What the agencies' and keys' commands work on. */
interface AgencyServices {
  stewardship: Stewardship;
  actor: Actor;
}

/** The agencies' and their keys' lines of the steward command's usage. */
export const AGENCY_USAGE = `  agencies list
  agencies create --code H56.30 --name "…" [--sector population|land|health|education] [--units 40778,40779] [--steward]
  agencies update --code H56.30 [--name "…"] [--sector S|none] [--units C1,C2|none] [--steward | --no-steward]
  keys list [--agency H56.30]
  keys create --agency H56.30 [--expires 2027-01-01] [--label "…"]        prints the key once
  keys rotate --id <key id> [--grace-seconds N] [--expires 2027-01-01]   prints the new key once
  keys revoke --id <key id>
`;

const KEY_COLUMNS = ['id', 'agencyCode', 'status', 'expiresAt', 'revokedAt', 'replacedBy', 'label'];

const issuedKey = (issued: IssuedApiKey): Output => ({
  data: issued,
  text: () =>
    `API key for ${issued.credential.agencyCode} (id ${issued.credential.id}, expires ${issued.credential.expiresAt}):\n\n  ${issued.key}\n\n` +
    'It is shown this once and not stored: hand it over now.',
});

/** The agencies' commands (list, create, update) and their API keys' (list, create, rotate, revoke: a key shown once). */
export const AGENCY_COMMANDS: Record<string, CommandSpec<AgencyServices>> = {
  'agencies list': {
    field: 'Query.agencies',
    flags: {},
    run: async ({ stewardship }) => {
      const agencies = await stewardship.listAgencies();
      return { data: agencies, text: () => table(agencies as unknown as Array<Record<string, unknown>>, AGENCY_COLUMNS) };
    },
  },
  'agencies create': {
    field: 'Mutation.createAgency',
    flags: { code: 'string', name: 'string', sector: 'string', units: 'string', steward: 'boolean' },
    required: ['code', 'name'],
    run: async ({ stewardship, actor }, flags) => {
      const agency = await stewardship.createAgency(actor, {
        code: flags.string('code')!,
        name: flags.string('name')!,
        sector: flags.string('sector') === 'none' ? null : (flags.string('sector') ?? null),
        unitCodes: listOf(flags.string('units')) ?? [],
        steward: flags.boolean('steward'),
      });
      return single(agency, Object.entries(agency));
    },
  },
  'agencies update': {
    field: 'Mutation.updateAgency',
    flags: { code: 'string', name: 'string', sector: 'string', units: 'string', steward: 'boolean', 'no-steward': 'boolean' },
    required: ['code'],
    run: async ({ stewardship, actor }, flags) => {
      if (flags.boolean('steward') && flags.boolean('no-steward')) throw new UsageError('give --steward or --no-steward, not both');
      const sector = flags.string('sector');
      const agency = await stewardship.updateAgency(actor, flags.string('code')!, {
        ...(flags.string('name') !== undefined ? { name: flags.string('name') } : {}),
        ...(sector !== undefined ? { sector: sector === 'none' ? null : sector } : {}),
        ...(flags.string('units') !== undefined ? { unitCodes: listOf(flags.string('units')) } : {}),
        ...(flags.boolean('steward') ? { steward: true } : flags.boolean('no-steward') ? { steward: false } : {}),
      });
      return single(agency, Object.entries(agency));
    },
  },
  'keys list': {
    field: 'Query.apiKeys',
    flags: { agency: 'string' },
    run: async ({ stewardship }, flags) => {
      const keys = await stewardship.listApiKeys(flags.string('agency') ?? null);
      return { data: keys, text: () => table(keys as unknown as Array<Record<string, unknown>>, KEY_COLUMNS) };
    },
  },
  'keys create': {
    field: 'Mutation.createApiKey',
    flags: { agency: 'string', expires: 'string', label: 'string' },
    required: ['agency'],
    run: async ({ stewardship, actor }, flags) =>
      issuedKey(
        await stewardship.createApiKey(actor, {
          agencyCode: flags.string('agency')!,
          expiresAt: flags.string('expires') ?? null,
          label: flags.string('label') ?? null,
        }),
      ),
  },
  'keys rotate': {
    field: 'Mutation.rotateApiKey',
    flags: { id: 'string', 'grace-seconds': 'string', expires: 'string' },
    required: ['id'],
    run: async ({ stewardship, actor }, flags) =>
      issuedKey(
        await stewardship.rotateApiKey(actor, {
          id: flags.string('id')!,
          graceSeconds: whole(flags, 'grace-seconds') ?? null,
          expiresAt: flags.string('expires') ?? null,
        }),
      ),
  },
  'keys revoke': {
    field: 'Mutation.revokeApiKey',
    flags: { id: 'string' },
    required: ['id'],
    run: async ({ stewardship, actor }, flags) => {
      const key = await stewardship.revokeApiKey(actor, flags.string('id')!);
      return single(key, Object.entries(key));
    },
  },
};

import { UsageError } from '../../common/commandLine';
import type { GrantInput, GrantTargetInput, GrantView, Stewardship } from '../../gateway/store/stewardship';
import { describeTarget } from '../../gateway/store/stewardship';
import type { Actor } from '../../gateway/store/types';
import type { CommandSpec, FlagKind, Flags, Output } from './commandKit';
import { listOf, single, table } from './commandKit';

/** What the grant commands work on. */
interface GrantServices {
  stewardship: Stewardship;
  actor: Actor;
}

/** Their lines of the steward command's usage. */
export const GRANT_USAGE = `  grants list [--agency H56.30] [--include-revoked]
  grants create --agency H56.30 (--field Type.field | --type Type | --classification SHARED/BASIC
                [--sector population] [--types Citizen,Residence])
                --purposes P1,P2 --legal-basis 47/2020/NĐ-CP,194/2025/NĐ-CP [--citation "Điều 12"]
                [--scope 40778,…] [--mask Type.field=KIND]… [--valid-from 2026-01-01] [--valid-to 2027-01-01]
                --legal-basis: numbers of entries of the legal register (grants cite the register, not free text)
  grants revoke --id <grant id>
  grants replace --id <grant id> --agency H56.30 (the flags of grants create)
                changes a grant: the old one revoked and the new one stored together, or neither; a new grant
                on sensitive data waits for a second policy steward, the old one in force until it is approved
`;

/** The flags of a grant's terms, as grants create and grants replace take them. */
const GRANT_FLAGS: Record<string, FlagKind> = {
  agency: 'string',
  field: 'string',
  type: 'string',
  classification: 'string',
  sector: 'string',
  types: 'string',
  purposes: 'string',
  'legal-basis': 'string',
  citation: 'string',
  scope: 'string',
  mask: 'repeated',
  'valid-from': 'string',
  'valid-to': 'string',
};

/** Given the flags, returns the grant's target they name, or throws a UsageError. */
function grantTarget(flags: Flags): GrantTargetInput {
  const given = (['field', 'type', 'classification'] as const).filter((name) => flags.string(name) !== undefined);
  if (given.length !== 1) throw new UsageError('give exactly one of --field, --type and --classification');
  if (given[0] !== 'classification' && (flags.string('sector') !== undefined || flags.string('types') !== undefined)) {
    throw new UsageError('--sector and --types limit a --classification only');
  }
  const value = flags.string(given[0]!)!;
  if (given[0] === 'field') return { kind: 'FIELD', coordinate: value };
  if (given[0] === 'type') return { kind: 'TYPE', typeName: value };
  const [sharing, personal, extra] = value.split('/');
  if (!sharing || extra !== undefined) throw new UsageError(`--classification needs SHARING/PERSONAL, such as SHARED/BASIC, got "${value}"`);
  return {
    kind: 'CLASSIFICATION',
    sharing,
    personal: personal ?? 'NONE',
    sector: flags.string('sector') ?? null,
    typeNames: listOf(flags.string('types')) ?? null,
  };
}

function masks(flags: Flags): Array<{ coordinate: string; mask: string }> {
  return flags.repeated('mask').map((raw) => {
    const [coordinate, mask, extra] = raw.split('=');
    if (!coordinate || !mask || extra !== undefined) throw new UsageError(`--mask needs Type.field=KIND, such as Citizen.dateOfBirth=YEAR_ONLY, got "${raw}"`);
    return { coordinate, mask };
  });
}

/** Given the flags, returns the grant they describe. */
function grantInput(flags: Flags): GrantInput {
  return {
    agencyCode: flags.string('agency')!,
    target: grantTarget(flags),
    purposes: listOf(flags.string('purposes')) ?? [],
    legalInstruments: listOf(flags.string('legal-basis')) ?? [],
    legalBasis: flags.string('citation') ?? null,
    scopeUnitCodes: listOf(flags.string('scope')) ?? null,
    masks: masks(flags),
    validFrom: flags.string('valid-from') ?? null,
    validTo: flags.string('valid-to') ?? null,
  };
}

const grantRows = (grant: GrantView): Array<[string, unknown]> => [
  ...Object.entries(grant).filter(([name]) => name !== 'target' && name !== 'masks'),
  ['target', describeTarget(grant.target)],
  ['masks', grant.masks.map((mask) => `${mask.coordinate}=${mask.mask}`)],
];

/** The commands that create, revoke and replace grants. */
export const GRANT_COMMANDS: Record<string, CommandSpec<GrantServices>> = {
  'grants list': {
    field: 'Query.grants',
    flags: { agency: 'string', 'include-revoked': 'boolean' },
    run: async ({ stewardship }, flags) => {
      const grants = await stewardship.listGrants({ agencyCode: flags.string('agency') ?? null, includeRevoked: flags.boolean('include-revoked') });
      const rows = grants.map((grant) => ({
        ...grant,
        target: describeTarget(grant.target),
        masks: grant.masks.map((mask) => `${mask.coordinate}=${mask.mask}`),
        scope: grant.scopeUnitCodes,
      }));
      return {
        data: grants,
        text: () => table(rows, ['id', 'agencyCode', 'status', 'target', 'purposes', 'scope', 'masks', 'validFrom', 'validTo', 'legalInstruments']),
      };
    },
  },
  'grants create': {
    field: 'Mutation.createGrant',
    flags: GRANT_FLAGS,
    required: ['agency', 'purposes', 'legal-basis'],
    run: async ({ stewardship, actor }, flags) => {
      const grant = await stewardship.createGrant(actor, grantInput(flags));
      return single(grant, grantRows(grant));
    },
  },
  'grants revoke': {
    field: 'Mutation.revokeGrant',
    flags: { id: 'string' },
    required: ['id'],
    run: async ({ stewardship, actor }, flags) => {
      const grant = await stewardship.revokeGrant(actor, flags.string('id')!);
      return single(grant, [
        ['id', grant.id],
        ['agencyCode', grant.agencyCode],
        ['target', describeTarget(grant.target)],
        ['status', grant.status],
        ['revokedAt', grant.revokedAt],
      ]);
    },
  },
  'grants replace': {
    field: 'Mutation.replaceGrant',
    flags: { id: 'string', ...GRANT_FLAGS },
    required: ['id', 'agency', 'purposes', 'legal-basis'],
    run: async ({ stewardship, actor }, flags): Promise<Output> => {
      const { replaced, replacement } = await stewardship.replaceGrant(actor, flags.string('id')!, grantInput(flags));
      return single({ replaced, replacement }, [['replaced', replaced.id], ['replacedStatus', replaced.status], ...grantRows(replacement)]);
    },
  },
};

import type { LegalRegister } from '../../gateway/register/legalRegister';
import { grantsNeedingReview } from '../../gateway/register/review';
import type { Stewardship } from '../../gateway/store/stewardship';
import { describeTarget } from '../../gateway/store/stewardship';
import type { Actor } from '../../gateway/store/types';
import type { CommandSpec } from './commandKit';
import { listOf, single, table } from './commandKit';

/** What the legal register's commands work on. */
interface RegisterServices {
  stewardship: Stewardship;
  register: LegalRegister;
  actor: Actor;
}

/** The legal register's lines of the steward command's usage. */
export const REGISTER_USAGE = `
  grants review                      grants in force citing a replaced instrument, or none: to review
  grants cite --id <grant id> --legal-basis 91/2025/QH15,356/2025/NĐ-CP [--citation "…"]
  register list
  register create --number 12/2026/QĐ-UBND --title "…" --type LAW|CODE|RESOLUTION|DECREE|DECISION|CIRCULAR|OTHER
                  --issuer "…" --effective-from 2026-03-01 [--short-title "…"]
  register update --number N [--title "…"] [--type T] [--issuer "…"] [--effective-from D] [--short-title "…"|none]
  register replace --number 13/2023/NĐ-CP --by 91/2025/QH15,356/2025/NĐ-CP [--from 2026-01-01]
  register amend --number 47/2020/NĐ-CP --by 194/2025/NĐ-CP
`;

/** The legal register's commands, and the grants' review against it. */
export const REGISTER_COMMANDS: Record<string, CommandSpec<RegisterServices>> = {
  'grants review': {
    field: 'Query.grantsNeedingReview',
    flags: {},
    run: async ({ stewardship, register }) => {
      const reviews = grantsNeedingReview(await stewardship.listGrants(), await register.list(), new Date());
      const rows = reviews.map(({ grant, review }) => ({
        id: grant.id,
        agencyCode: grant.agencyCode,
        target: describeTarget(grant.target),
        cites: grant.legalInstruments,
        replaced: review.citesNothing ? 'no register entry' : review.obsoleteInstruments,
        citeInstead: review.successors,
      }));
      return { data: reviews, text: () => table(rows, ['id', 'agencyCode', 'target', 'cites', 'replaced', 'citeInstead']) };
    },
  },
  'grants cite': {
    field: 'Mutation.citeGrantLegalBasis',
    flags: { id: 'string', 'legal-basis': 'string', citation: 'string' },
    required: ['id', 'legal-basis'],
    run: async ({ stewardship, actor }, flags) => {
      const grant = await stewardship.citeLegalBasis(actor, flags.string('id')!, {
        legalInstruments: listOf(flags.string('legal-basis')) ?? [],
        legalBasis: flags.string('citation') ?? null,
      });
      return single(grant, [
        ['id', grant.id],
        ['agencyCode', grant.agencyCode],
        ['target', describeTarget(grant.target)],
        ['legalInstruments', grant.legalInstruments],
        ['legalBasis', grant.legalBasis],
      ]);
    },
  },
  'register list': {
    field: 'Query.legalInstruments',
    flags: {},
    run: async ({ register }) => {
      const instruments = await register.list();
      return {
        data: instruments,
        text: () =>
          table(instruments as unknown as Array<Record<string, unknown>>, [
            'number',
            'type',
            'issuer',
            'effectiveFrom',
            'replacedBy',
            'replacedFrom',
            'amendedBy',
            'title',
          ]),
      };
    },
  },
  'register create': {
    field: 'Mutation.createLegalInstrument',
    flags: { number: 'string', title: 'string', type: 'string', issuer: 'string', 'effective-from': 'string', 'short-title': 'string' },
    required: ['number', 'title', 'type', 'issuer', 'effective-from'],
    run: async ({ register, actor }, flags) => {
      const instrument = await register.create(actor, {
        number: flags.string('number')!,
        title: flags.string('title')!,
        type: flags.string('type')!,
        issuer: flags.string('issuer')!,
        effectiveFrom: flags.string('effective-from')!,
        shortTitle: flags.string('short-title') ?? null,
      });
      return single(instrument, Object.entries(instrument));
    },
  },
  'register update': {
    field: 'Mutation.updateLegalInstrument',
    flags: { number: 'string', title: 'string', type: 'string', issuer: 'string', 'effective-from': 'string', 'short-title': 'string' },
    required: ['number'],
    run: async ({ register, actor }, flags) => {
      const shortTitle = flags.string('short-title');
      const instrument = await register.update(actor, flags.string('number')!, {
        title: flags.string('title') ?? null,
        type: flags.string('type') ?? null,
        issuer: flags.string('issuer') ?? null,
        effectiveFrom: flags.string('effective-from') ?? null,
        ...(shortTitle !== undefined ? { shortTitle: shortTitle === 'none' ? null : shortTitle } : {}),
      });
      return single(instrument, Object.entries(instrument));
    },
  },
  'register replace': {
    field: 'Mutation.markLegalInstrumentReplaced',
    flags: { number: 'string', by: 'string', from: 'string' },
    required: ['number', 'by'],
    run: async ({ register, actor }, flags) => {
      const instrument = await register.markReplaced(actor, flags.string('number')!, {
        replacedBy: listOf(flags.string('by')) ?? [],
        from: flags.string('from') ?? null,
      });
      return single(instrument, Object.entries(instrument));
    },
  },
  'register amend': {
    field: 'Mutation.markLegalInstrumentAmended',
    flags: { number: 'string', by: 'string' },
    required: ['number', 'by'],
    run: async ({ register, actor }, flags) => {
      const instrument = await register.markAmended(actor, flags.string('number')!, listOf(flags.string('by')) ?? []);
      return single(instrument, Object.entries(instrument));
    },
  },
};

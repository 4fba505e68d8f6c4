import type { PreviewField } from '../catalogue/grantPreview';
import type { GrantPreviews, ReplayInput } from '../operations/grantPreviews';
import type { ReplayCounts } from '../operations/replay';
import { forbidden } from '../store/errors';
import type { GrantInput } from '../store/stewardship';

/** What these resolvers read of the admin context: the previews. */
interface PreviewContext {
  previews: GrantPreviews | null;
}

type Resolver<Args> = (source: unknown, args: Args, context: PreviewContext) => unknown;

function previewsOf(context: PreviewContext): GrantPreviews {
  if (!context.previews) throw forbidden('Grant previews are not offered on this gateway');
  return context.previews;
}

/** Given counts keyed by change, returns them as the API names them. */
const countsView = (counts: ReplayCounts) => ({
  unchanged: counts.UNCHANGED,
  newlyAllowed: counts.NEWLY_ALLOWED,
  newlyRefused: counts.NEWLY_REFUSED,
  maskedDifferently: counts.MASKED_DIFFERENTLY,
  rowsChanged: counts.ROWS_CHANGED,
});

/** The admin API's root fields of grant previews (preview.graphql), each one call to GrantPreviews, and their types. */
export const previewResolvers = {
  Query: {
    grantPreview: ((_source, args: { input: GrantInput; replacesGrantId?: string | null }, context) =>
      previewsOf(context).preview(args.input, args.replacesGrantId ?? null)) as Resolver<never>,
    grantReplay: (async (_source, args: ReplayInput, context) => {
      const replay = await previewsOf(context).replay(args);
      return {
        ...replay,
        counts: countsView(replay.counts),
        byPurpose: replay.byPurpose.map(({ purpose, ...counts }) => ({ purpose, counts: countsView(counts) })),
      };
    }) as Resolver<never>,
  },
  PreviewField: {
    sharing: (field: PreviewField) => field.classification.sharing,
    personal: (field: PreviewField) => field.classification.personal,
    importance: (field: PreviewField) => field.classification.importance,
    labelVi: (field: PreviewField) => field.label?.vi ?? null,
    labelEn: (field: PreviewField) => field.label?.en ?? null,
  },
};

import { admin } from './api';
import { ChangeForm, Table, useQuery } from './Common';
import { useConsole } from './consoleContext';
import { LegalBasisPicker } from './LegalBasisPicker';

interface UnderReview {
  grant: { id: string; agencyCode: string; target: { description: string }; legalBasis: string; legalInstruments: string[] };
  review: { obsoleteInstruments: string[]; successors: string[]; citesNothing: boolean };
}

const REVIEWS =
  '{ grantsNeedingReview { grant { id agencyCode target { description } legalBasis legalInstruments } review { obsoleteInstruments successors citesNothing } } }';

/** Grants needing review (a replaced legal basis, or none from the register), and the form that cites a new one. */
export function ReviewPage() {
  const { session, t } = useConsole();
  const { data, error, reload } = useQuery<{ grantsNeedingReview: UnderReview[] }>(REVIEWS);
  const reviews = data?.grantsNeedingReview ?? [];
  return (
    <section>
      <h2>{t('review')}</h2>
      {error && <div role="alert">{error}</div>}
      {data && reviews.length === 0 && <p data-testid="no-review">{t('noReview')}</p>}
      <Table
        testId="review"
        rows={reviews}
        columns={[
          ['ID', ({ grant }) => grant.id],
          [t('agency'), ({ grant }) => grant.agencyCode],
          [t('target'), ({ grant }) => grant.target.description],
          [t('legalBasis'), ({ grant }) => grant.legalInstruments.join(', ') || grant.legalBasis],
          [t('obsolete'), ({ review }) => (review.citesNothing ? t('citesNothing') : review.obsoleteInstruments.join(', '))],
          [t('citeInstead'), ({ review }) => review.successors.join(', ') || '-'],
        ]}
      />
      {session.permittedFields.includes('Mutation.citeGrantLegalBasis') && reviews.length > 0 && (
        <ChangeForm
          testId="cite-grant"
          title={t('cite')}
          submit={t('save')}
          onSubmit={async (reason, form) => {
            await admin(
              session,
              'mutation ($id: ID!, $numbers: [String!]!, $text: String) { citeGrantLegalBasis(id: $id, legalInstruments: $numbers, legalBasis: $text) { id } }',
              { id: String(form.get('id')), numbers: form.getAll('legalInstruments').map(String), text: String(form.get('citation') ?? '').trim() || null },
              reason,
            );
            await reload();
          }}
        >
          <label>
            ID
            <select name="id">
              {reviews.map(({ grant }) => (
                <option key={grant.id} value={grant.id}>
                  #{grant.id} {grant.agencyCode} {grant.target.description}
                </option>
              ))}
            </select>
          </label>
          <LegalBasisPicker />
        </ChangeForm>
      )}
    </section>
  );
}

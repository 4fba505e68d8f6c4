import { useState } from 'react';
import type { ReactNode } from 'react';
import { admin } from './api';
import type { ConsoleSession } from './api';
import { ChangeForm, Table, useQuery } from './Common';
import { useConsole } from './consoleContext';
import { grantInputOf } from './grantForm';
import type { GrantFormInput } from './grantForm';
import { ChangePreviewView, previewChange } from './GrantPreview';
import type { ChangePreview } from './GrantPreview';
import { LegalBasisPicker } from './LegalBasisPicker';
import { UnitPicker } from './UnitPicker';

interface Grant {
  id: string;
  agencyCode: string;
  target: { description: string };
  purposes: string[];
  legalBasis: string;
  legalInstruments: string[];
  review: { needsReview: boolean };
  scopeUnitCodes: string[] | null;
  status: string;
}

const GRANTS =
  '{ grants { id agencyCode target { description } purposes legalBasis legalInstruments review { needsReview } scopeUnitCodes status } agencies { code name } }';
const PURPOSES = [
  'LAND_REGISTRATION',
  'MEDICAL_TREATMENT',
  'HEALTH_INSURANCE',
  'PUBLIC_SERVICE',
  'EDUCATION_ADMISSION',
  'SOCIAL_SUPPORT',
  'INVESTIGATION',
  'STATISTICS',
];

/** What saving the grant form did: the grant made and, for a change, the grant it replaces. */
interface Saved {
  replaced: { id: string } | null;
  replacement: { id: string; status: string };
}

async function createGrant(session: ConsoleSession, input: GrantFormInput, reason: string): Promise<Saved> {
  const result = await admin<{ createGrant: Saved['replacement'] }>(
    session,
    'mutation ($input: CreateGrantInput!) { createGrant(input: $input) { id status } }',
    { input },
    reason,
  );
  return { replaced: null, replacement: result.createGrant };
}

/** A change of a grant is one call: the server revokes the old grant and stores the new one together, or neither. */
async function replaceGrant(session: ConsoleSession, id: string, input: GrantFormInput, reason: string): Promise<Saved> {
  const result = await admin<{ replaceGrant: { replaced: { id: string }; replacement: Saved['replacement'] } }>(
    session,
    'mutation ($id: ID!, $input: CreateGrantInput!) { replaceGrant(id: $id, input: $input) { replaced { id } replacement { id status } } }',
    { id, input },
    reason,
  );
  return result.replaceGrant;
}

/** A form's preview: shown before saving, dropped as soon as a field changes, so that what is saved is what was shown. */
function usePreview() {
  const [state, setState] = useState<{ preview: ChangePreview | null; error: string | null }>({ preview: null, error: null });
  return {
    ...state,
    clear: () => setState({ preview: null, error: null }),
    run: (work: Promise<ChangePreview>) =>
      work.then(
        (preview) => setState({ preview, error: null }),
        (error: Error) => setState({ preview: null, error: error.message }),
      ),
  };
}

/** Given what the button does with the form, returns a button that previews it. */
function PreviewButton({ label, onPreview }: { label: string; onPreview(form: FormData): void }): ReactNode {
  return (
    <button type="button" className="preview" onClick={(event) => onPreview(new FormData(event.currentTarget.form!))}>
      {label}
    </button>
  );
}

/**
 * Grants: those in force; creating one (target, purposes, legal basis, row scope, masks, validity), possibly in place
 * of another (a change), and revoking. Before either is saved, the steward previews it: the fields the grant opens and
 * the agency's last 30 days of requests replayed against the changed policy.
 */
export function GrantsPage() {
  const { session, t } = useConsole();
  const { data, error, reload } = useQuery<{ grants: Grant[]; agencies: Array<{ code: string; name: string }> }>(GRANTS);
  const creation = usePreview();
  const revocation = usePreview();
  const grants = data?.grants ?? [];
  const agencyOfGrant = (id: string) => grants.find((grant) => grant.id === id)?.agencyCode ?? '';
  return (
    <section>
      <h2>{t('grants')}</h2>
      {error && <div role="alert">{error}</div>}
      <Table
        testId="grants"
        rows={grants}
        columns={[
          ['ID', (grant) => grant.id],
          [t('agency'), (grant) => grant.agencyCode],
          [t('target'), (grant) => grant.target.description],
          [t('purposes'), (grant) => grant.purposes.join(', ')],
          [t('legalBasis'), (grant) => `${grant.legalInstruments.join(', ') || grant.legalBasis}${grant.review.needsReview ? ` (${t('needsReview')})` : ''}`],
          [t('scope'), (grant) => grant.scopeUnitCodes?.join(', ') ?? '-'],
          [t('status'), (grant) => grant.status],
        ]}
      />
      <ChangeForm
        testId="create-grant"
        title={`${t('create')}: ${t('grants')}`}
        submit={t('create')}
        onChange={creation.clear}
        submitDisabled={creation.preview === null}
        beforeSubmit={
          <>
            <PreviewButton
              label={t('previewGrant')}
              onPreview={(form) => {
                const input = grantInputOf(form);
                const replaces = String(form.get('replaces') ?? '');
                void creation.run(previewChange(session, input.agencyCode, { add: input, replaces: replaces || null }));
              }}
            />
            <ChangePreviewView preview={creation.preview} error={creation.error} />
          </>
        }
        onSubmit={async (reason, form) => {
          const input = grantInputOf(form);
          const replaces = String(form.get('replaces') ?? '');
          const saved = await (replaces ? replaceGrant(session, replaces, input, reason) : createGrant(session, input, reason)).finally(() => reload());
          creation.clear();
          const waits = saved.replacement.status === 'AWAITING_APPROVAL' ? ` (${t('awaitsSecondSteward')})` : '';
          return saved.replaced ? `#${saved.replaced.id} ${t('grantReplacedBy')} #${saved.replacement.id}${waits}` : `#${saved.replacement.id}${waits}`;
        }}
      >
        <label>
          {t('agency')}
          <select name="agency">
            {(data?.agencies ?? []).map((agency) => (
              <option key={agency.code} value={agency.code}>
                {agency.code} {agency.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('target')} <input name="target" required placeholder="Citizen.fullName | Citizen | SHARED/BASIC" />
        </label>
        <fieldset>
          <legend>{t('classificationLimits')}</legend>
          <label className="inline">
            {t('sector')} <input name="sector" placeholder="population" />
          </label>
          <label className="inline">
            {t('types')} <input name="types" placeholder="Citizen, Residence" />
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('purposes')}</legend>
          {PURPOSES.map((purpose) => (
            <label key={purpose} className="inline">
              <input type="checkbox" name="purposes" value={purpose} /> {purpose}
            </label>
          ))}
        </fieldset>
        <LegalBasisPicker />
        <UnitPicker onChange={creation.clear} />
        <label>
          {t('masks')} <input name="masks" placeholder="Citizen.nationalId=PARTIAL_ID, Citizen.dateOfBirth=YEAR_ONLY" />
        </label>
        <label>
          {t('expires')} <input name="validTo" type="date" />
        </label>
        <label>
          {t('replaces')}
          <select name="replaces">
            <option value="">-</option>
            {grants.map((grant) => (
              <option key={grant.id} value={grant.id}>
                #{grant.id} {grant.agencyCode} {grant.target.description}
              </option>
            ))}
          </select>
        </label>
      </ChangeForm>
      <ChangeForm
        testId="revoke-grant"
        title={`${t('revoke')}: ${t('grants')}`}
        submit={t('revoke')}
        onChange={revocation.clear}
        submitDisabled={revocation.preview === null}
        beforeSubmit={
          <>
            <PreviewButton
              label={t('previewRevoke')}
              onPreview={(form) => {
                const id = String(form.get('id') ?? '');
                void revocation.run(previewChange(session, agencyOfGrant(id), { revoke: id }));
              }}
            />
            <ChangePreviewView preview={revocation.preview} error={revocation.error} />
          </>
        }
        onSubmit={async (reason, form) => {
          await admin(session, 'mutation ($id: ID!) { revokeGrant(id: $id) { id } }', { id: String(form.get('id')) }, reason);
          revocation.clear();
          await reload();
        }}
      >
        <label>
          ID
          <select name="id">
            {grants.map((grant) => (
              <option key={grant.id} value={grant.id}>
                #{grant.id} {grant.agencyCode} {grant.target.description}
              </option>
            ))}
          </select>
        </label>
      </ChangeForm>
    </section>
  );
}

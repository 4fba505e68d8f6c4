import { admin } from './api';
import { ChangeForm, Table, listOf, useQuery } from './Common';
import { useConsole } from './consoleContext';
import { LegalBasisPicker } from './LegalBasisPicker';

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

/** Given the form's target text (Type.field, Type, or SHARING/PERSONAL), returns the admin API's target input. */
export function targetInput(text: string): Record<string, string> {
  if (text.includes('/')) {
    const [sharing, personal] = text.split('/');
    return { kind: 'CLASSIFICATION', sharing: sharing ?? '', personal: personal ?? 'NONE' };
  }
  return text.includes('.') ? { kind: 'FIELD', coordinate: text } : { kind: 'TYPE', typeName: text };
}

/** Grants: those in force, creating one (target, purposes, legal basis, row scope, validity) and revoking. */
export function GrantsPage() {
  const { session, t } = useConsole();
  const { data, error, reload } = useQuery<{ grants: Grant[]; agencies: Array<{ code: string; name: string }> }>(GRANTS);
  return (
    <section>
      <h2>{t('grants')}</h2>
      {error && <div role="alert">{error}</div>}
      <Table
        testId="grants"
        rows={data?.grants ?? []}
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
        onSubmit={async (reason, form) => {
          const scope = listOf(form.get('scope'));
          const input = {
            agencyCode: String(form.get('agency')),
            target: targetInput(String(form.get('target')).trim()),
            purposes: form.getAll('purposes').map(String),
            legalInstruments: form.getAll('legalInstruments').map(String),
            legalBasis: String(form.get('citation') ?? '').trim() || null,
            scopeUnitCodes: scope.length > 0 ? scope : null,
            validTo: String(form.get('validTo') || '') || null,
          };
          const result = await admin<{ createGrant: { id: string } }>(
            session,
            'mutation ($input: CreateGrantInput!) { createGrant(input: $input) { id } }',
            { input },
            reason,
          );
          await reload();
          return `#${result.createGrant.id}`;
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
          <legend>{t('purposes')}</legend>
          {PURPOSES.map((purpose) => (
            <label key={purpose} className="inline">
              <input type="checkbox" name="purposes" value={purpose} /> {purpose}
            </label>
          ))}
        </fieldset>
        <LegalBasisPicker />
        <label>
          {t('scope')} <input name="scope" placeholder="40778" />
        </label>
        <label>
          {t('expires')} <input name="validTo" type="date" />
        </label>
      </ChangeForm>
      <ChangeForm
        testId="revoke-grant"
        title={`${t('revoke')}: ${t('grants')}`}
        submit={t('revoke')}
        onSubmit={async (reason, form) => {
          await admin(session, 'mutation ($id: ID!) { revokeGrant(id: $id) { id } }', { id: String(form.get('id')) }, reason);
          await reload();
        }}
      >
        <label>
          ID
          <select name="id">
            {(data?.grants ?? []).map((grant) => (
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

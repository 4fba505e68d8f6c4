import { admin } from './api';
import { ChangeForm, Table, listOf, useQuery } from './Common';
import { useConsole } from './consoleContext';

interface Agency {
  code: string;
  name: string;
  sector: string | null;
  unitCodes: string[];
  steward: boolean;
  active: boolean;
}

const AGENCIES = '{ agencies { code name sector unitCodes steward active } }';

/** Agencies: the list, and for a policy steward, creating and editing them with their administrative units. */
export function AgenciesPage() {
  const { session, t } = useConsole();
  const { data, error, reload } = useQuery<{ agencies: Agency[] }>(AGENCIES);
  const mayChange = session.permittedFields.includes('Mutation.createAgency');
  return (
    <section>
      <h2>{t('agencies')}</h2>
      {error && <div role="alert">{error}</div>}
      <Table
        testId="agencies"
        rows={data?.agencies ?? []}
        columns={[
          [t('code_'), (agency) => agency.code],
          [t('name'), (agency) => agency.name],
          [t('sector'), (agency) => agency.sector ?? '-'],
          [t('units'), (agency) => agency.unitCodes.join(', ') || '-'],
          [t('active'), (agency) => (agency.active ? '✓' : t('deactivate'))],
        ]}
      />
      {mayChange && (
        <ChangeForm
          testId="agency-activity"
          title={`${t('deactivate')} / ${t('reactivate')}`}
          submit={t('save')}
          onSubmit={async (reason, form) => {
            const field = form.get('activity') === 'reactivate' ? 'reactivateAgency' : 'deactivateAgency';
            await admin(session, `mutation ($code: String!) { ${field}(code: $code) { code } }`, { code: String(form.get('code')) }, reason);
            await reload();
          }}
        >
          <label>
            {t('code_')}
            <select name="code">
              {(data?.agencies ?? []).map((agency) => (
                <option key={agency.code}>{agency.code}</option>
              ))}
            </select>
          </label>
          <label>
            {t('action')}
            <select name="activity">
              <option value="deactivate">{t('deactivate')}</option>
              <option value="reactivate">{t('reactivate')}</option>
            </select>
          </label>
        </ChangeForm>
      )}
      {mayChange && (
        <ChangeForm
          testId="create-agency"
          title={`${t('create')}: ${t('agency')}`}
          submit={t('create')}
          onSubmit={async (reason, form) => {
            const input = {
              code: String(form.get('code')),
              name: String(form.get('name')),
              sector: String(form.get('sector') || '') || null,
              unitCodes: listOf(form.get('units')),
            };
            await admin(session, 'mutation ($input: CreateAgencyInput!) { createAgency(input: $input) { code } }', { input }, reason);
            await reload();
          }}
        >
          <label>
            {t('code_')} <input name="code" required placeholder="H56.30" />
          </label>
          <label>
            {t('name')} <input name="name" required />
          </label>
          <label>
            {t('sector')}
            <select name="sector">
              <option value="">-</option>
              {['population', 'land', 'health', 'education'].map((sector) => (
                <option key={sector}>{sector}</option>
              ))}
            </select>
          </label>
          <label>
            {t('units')} <input name="units" placeholder="40778, 40779" />
          </label>
        </ChangeForm>
      )}
      {mayChange && (
        <ChangeForm
          testId="update-agency"
          title={`${t('save')}: ${t('agency')}`}
          submit={t('save')}
          onSubmit={async (reason, form) => {
            const name = String(form.get('name') ?? '').trim();
            const units = String(form.get('units') ?? '').trim();
            const input = { ...(name ? { name } : {}), ...(units ? { unitCodes: units === '-' ? [] : listOf(units) } : {}) };
            await admin(
              session,
              'mutation ($code: String!, $input: UpdateAgencyInput!) { updateAgency(code: $code, input: $input) { code } }',
              { code: String(form.get('code')), input },
              reason,
            );
            await reload();
          }}
        >
          <label>
            {t('code_')}
            <select name="code">
              {(data?.agencies ?? []).map((agency) => (
                <option key={agency.code}>{agency.code}</option>
              ))}
            </select>
          </label>
          <label>
            {t('name')} <input name="name" />
          </label>
          <label>
            {t('units')} <input name="units" />
          </label>
        </ChangeForm>
      )}
    </section>
  );
}

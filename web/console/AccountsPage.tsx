import { useState } from 'react';
import { admin } from './api';
import { ChangeForm, Table, useQuery } from './Common';
import { useConsole } from './consoleContext';

interface Account {
  id: number;
  email: string;
  name: string;
  unit: string;
  roles: string[];
  agencyCode: string | null;
  disabledAt: string | null;
}

const ROLES = ['POLICY_STEWARD', 'KEY_OFFICER', 'AUDITOR', 'ADMINISTRATOR'];

/** Given the agency field of a form, returns the code typed, or null (the province's central data office) when left empty. */
export function agencyOfForm(form: FormData): string | null {
  return String(form.get('agency') ?? '').trim() || null;
}

/**
 * Accounts (administrators only): persons with their roles and the agency whose sharing requests they answer
 * (none: the province's central data office); creating one shows its password and TOTP secret once.
 */
export function AccountsPage() {
  const { session, t } = useConsole();
  const { data, error, reload } = useQuery<{ accounts: Account[] }>('{ accounts { id email name unit roles agencyCode disabledAt } }');
  const [created, setCreated] = useState<{ password: string; totpSecret: string } | null>(null);
  return (
    <section>
      <h2>{t('accounts')}</h2>
      {error && <div role="alert">{error}</div>}
      <Table
        testId="accounts"
        rows={data?.accounts ?? []}
        columns={[
          ['ID', (account) => account.id],
          [t('email'), (account) => account.email],
          [t('name'), (account) => account.name],
          [t('unit'), (account) => account.unit],
          [t('roles'), (account) => account.roles.join(', ') || '-'],
          [t('stewardAgency'), (account) => account.agencyCode ?? t('provinceWide')],
          [t('status'), (account) => (account.disabledAt ? `✗ ${account.disabledAt}` : '✓')],
        ]}
      />
      {created && (
        <p className="issued">
          {t('password')}: <code>{created.password}</code> TOTP: <code>{created.totpSecret}</code> {t('shownOnce')}
        </p>
      )}
      <ChangeForm
        testId="create-account"
        title={`${t('create')}: ${t('accounts')}`}
        submit={t('create')}
        onSubmit={async (reason, form) => {
          const input = {
            email: String(form.get('email')),
            name: String(form.get('name')),
            unit: String(form.get('unit')),
            roles: form.getAll('roles').map(String),
            agencyCode: agencyOfForm(form),
          };
          const result = await admin<{ createAccount: { password: string; totpSecret: string } }>(
            session,
            'mutation ($input: CreateAccountInput!) { createAccount(input: $input) { password totpSecret } }',
            { input },
            reason,
          );
          setCreated(result.createAccount);
          await reload();
        }}
      >
        <label>
          {t('email')} <input name="email" type="email" required />
        </label>
        <label>
          {t('name')} <input name="name" required />
        </label>
        <label>
          {t('unit')} <input name="unit" required />
        </label>
        <label>
          {t('stewardAgency')} <input name="agency" placeholder={`H56.01 — ${t('provinceWideHint')}`} />
        </label>
        <fieldset>
          <legend>{t('roles')}</legend>
          {ROLES.map((role) => (
            <label key={role} className="inline">
              <input type="checkbox" name="roles" value={role} /> {role}
            </label>
          ))}
        </fieldset>
      </ChangeForm>
      <ChangeForm
        testId="link-account"
        title={`${t('stewardAgency')}: ${t('accounts')}`}
        submit={t('save')}
        onSubmit={async (reason, form) => {
          await admin(
            session,
            'mutation ($id: Int!, $agency: String) { updateAccount(id: $id, input: { agencyCode: $agency }) { id } }',
            { id: Number(form.get('id')), agency: agencyOfForm(form) ?? '' },
            reason,
          );
          await reload();
        }}
      >
        <label>
          ID
          <select name="id">
            {(data?.accounts ?? []).map((account) => (
              <option key={account.id} value={account.id}>
                {account.id} {account.email}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('stewardAgency')} <input name="agency" placeholder={`H56.01 — ${t('provinceWideHint')}`} />
        </label>
      </ChangeForm>
      <ChangeForm
        testId="disable-account"
        title={`${t('disable')}: ${t('accounts')}`}
        submit={t('disable')}
        onSubmit={async (reason, form) => {
          await admin(session, 'mutation ($id: Int!) { disableAccount(id: $id) { id } }', { id: Number(form.get('id')) }, reason);
          await reload();
        }}
      >
        <label>
          ID
          <select name="id">
            {(data?.accounts ?? [])
              .filter((account) => !account.disabledAt && account.id !== session.account.id)
              .map((account) => (
                <option key={account.id} value={account.id}>
                  {account.id} {account.email}
                </option>
              ))}
          </select>
        </label>
      </ChangeForm>
    </section>
  );
}

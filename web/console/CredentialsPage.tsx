import { useState } from 'react';
import { admin } from './api';
import { ChangeForm, Table, useQuery } from './Common';
import { useConsole } from './consoleContext';

interface ApiKey {
  id: string;
  agencyCode: string;
  label: string | null;
  expiresAt: string;
  status: string;
  replacedBy: string | null;
}

const KEYS = '{ apiKeys { id agencyCode label expiresAt status replacedBy } agencies { code name } }';
const ISSUED = 'key apiKey { id agencyCode expiresAt }';
const SOON_MS = 30 * 24 * 60 * 60 * 1000;

/** Credentials: keys with their expiries (those within 30 days marked), creating (the key shown once), rotating and revoking. */
export function CredentialsPage() {
  const { session, t } = useConsole();
  const { data, error, reload } = useQuery<{ apiKeys: ApiKey[]; agencies: Array<{ code: string; name: string }> }>(KEYS);
  const [issued, setIssued] = useState<string | null>(null);
  const active = (data?.apiKeys ?? []).filter((key) => key.status === 'ACTIVE');
  const shown = (key: string) => (
    <>
      <code data-testid="issued-key">{key}</code> {t('shownOnce')}
    </>
  );
  return (
    <section>
      <h2>{t('credentials')}</h2>
      {error && <div role="alert">{error}</div>}
      <Table
        testId="api-keys"
        rows={data?.apiKeys ?? []}
        columns={[
          ['ID', (key) => key.id],
          [t('agency'), (key) => key.agencyCode],
          [t('status'), (key) => key.status],
          [
            t('expires'),
            (key) =>
              Date.parse(key.expiresAt) - Date.now() < SOON_MS && key.status === 'ACTIVE' ? <strong className="soon">{key.expiresAt}</strong> : key.expiresAt,
          ],
        ]}
      />
      {issued && <p className="issued">{shown(issued)}</p>}
      <ChangeForm
        testId="create-key"
        title={`${t('create')}: ${t('credentials')}`}
        submit={t('create')}
        onSubmit={async (reason, form) => {
          const result = await admin<{ createApiKey: { key: string } }>(
            session,
            `mutation ($agencyCode: String!, $label: String) { createApiKey(agencyCode: $agencyCode, label: $label) { ${ISSUED} } }`,
            { agencyCode: String(form.get('agency')), label: String(form.get('label') || '') || null },
            reason,
          );
          setIssued(result.createApiKey.key);
          await reload();
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
          Label <input name="label" />
        </label>
      </ChangeForm>
      <ChangeForm
        testId="rotate-key"
        title={`${t('rotate')}: ${t('credentials')}`}
        submit={t('rotate')}
        onSubmit={async (reason, form) => {
          const result = await admin<{ rotateApiKey: { key: string } }>(
            session,
            `mutation ($id: String!, $grace: Int) { rotateApiKey(id: $id, graceSeconds: $grace) { ${ISSUED} } }`,
            { id: String(form.get('id')), grace: Number(form.get('grace') || 0) },
            reason,
          );
          setIssued(result.rotateApiKey.key);
          await reload();
        }}
      >
        <KeyPicker keys={active} />
        <label>
          {t('graceSeconds')} <input name="grace" type="number" min={0} defaultValue={86400} />
        </label>
      </ChangeForm>
      <ChangeForm
        testId="revoke-key"
        title={`${t('revoke')}: ${t('credentials')}`}
        submit={t('revoke')}
        onSubmit={async (reason, form) => {
          await admin(session, 'mutation ($id: String!) { revokeApiKey(id: $id) { id status } }', { id: String(form.get('id')) }, reason);
          await reload();
        }}
      >
        <KeyPicker keys={active} />
      </ChangeForm>
    </section>
  );
}

function KeyPicker(props: { keys: ApiKey[] }) {
  return (
    <label>
      ID
      <select name="id">
        {props.keys.map((key) => (
          <option key={key.id} value={key.id}>
            {key.id} ({key.agencyCode})
          </option>
        ))}
      </select>
    </label>
  );
}

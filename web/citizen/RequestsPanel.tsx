import { useEffect, useState } from 'react';
import type { CitizenRequestView, CitizenSession } from './api';
import { myRequests, sendRequest } from './api';
import type { Language, StringKey } from './i18n';
import { localTime, translator } from './i18n';

const KINDS = ['COPY', 'CORRECTION', 'RESTRICTION', 'OBJECTION', 'COMPLAINT'] as const;

/** My requests (contested accesses and rights requests) with their status, deadline and answer, and a form for a new one. */
export function RequestsPanel({ session, language, version, onSent }: { session: CitizenSession; language: Language; version: number; onSent(): void }) {
  const t = translator(language);
  const [requests, setRequests] = useState<CitizenRequestView[]>([]);
  const [kind, setKind] = useState<string>('COPY');
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    myRequests().then(setRequests, (failure: Error) => setError(failure.message));
  }, [version]);
  return (
    <section aria-labelledby="my-requests">
      <h2 id="my-requests">{t('myRequests')}</h2>
      <p>{t('rights')}</p>
      {error ? <p role="alert">{error}</p> : null}
      {requests.length === 0 ? (
        <p>{t('noRequests')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('kind')}</th>
              <th>{t('message')}</th>
              <th>{t('received')}</th>
              <th>{t('due')}</th>
              <th>{t('status')}</th>
              <th>{t('answer')}</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((request) => (
              <tr key={request.id} data-testid="my-request">
                <td>
                  {t(request.kind as StringKey)}
                  {request.recordReference ? (
                    <>
                      {' '}
                      <code>{request.recordReference}</code>
                    </>
                  ) : null}
                </td>
                <td>{request.message}</td>
                <td>{localTime(request.receivedAt, language)}</td>
                <td>
                  {localTime(request.dueAt, language)}
                  {request.overdue ? ` (${t('overdue')})` : ''}
                </td>
                <td data-testid="request-status">{t(request.status as StringKey)}</td>
                <td>{request.answer ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('newRequest')}</h3>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          sendRequest(session, { kind, message }).then(
            () => {
              setMessage('');
              onSent();
            },
            (failure: Error) => setError(failure.message),
          );
        }}
      >
        <label>
          {t('kind')}{' '}
          <select value={kind} onChange={(event) => setKind(event.target.value)}>
            {KINDS.map((candidate) => (
              <option key={candidate} value={candidate}>
                {t(candidate)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('message')} <textarea required value={message} onChange={(event) => setMessage(event.target.value)} />
        </label>
        <button type="submit">{t('send')}</button>
      </form>
    </section>
  );
}

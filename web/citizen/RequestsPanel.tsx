import { useEffect, useState } from 'react';
import type { CitizenRequestView, CitizenSession } from './api';
import { myRequests, sendRequest } from './api';
import type { Language, StringKey } from './i18n';
import { localTime, translator } from './i18n';

const KINDS = ['COPY', 'CORRECTION', 'RESTRICTION', 'OBJECTION', 'WITHDRAWAL', 'COMPLAINT'] as const;
/** The kinds that name the data they are about: they go to the agency that owns it. */
const DATA_KINDS: readonly string[] = ['CORRECTION', 'RESTRICTION', 'OBJECTION', 'WITHDRAWAL'];

/** My requests (contested accesses and rights requests) with their status, deadline and answer, and a form for a new one. */
export function RequestsPanel({ session, language, version, onSent }: { session: CitizenSession; language: Language; version: number; onSent(): void }) {
  const t = translator(language);
  const [requests, setRequests] = useState<CitizenRequestView[]>([]);
  const [kind, setKind] = useState<string>('COPY');
  const [message, setMessage] = useState('');
  const [concerns, setConcerns] = useState('');
  const namesData = DATA_KINDS.includes(kind);
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
              <th>{t('handledBy')}</th>
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
                  {request.concerns ? (
                    <>
                      {' '}
                      <code>{request.concerns}</code>
                    </>
                  ) : null}
                </td>
                <td>{request.message}</td>
                <td data-testid="request-agency">{request.agencyName ?? t('provinceOffice')}</td>
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
          sendRequest(session, { kind, message, ...(namesData ? { concerns } : {}) }).then(
            () => {
              setMessage('');
              setConcerns('');
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
        {namesData ? (
          <label>
            {t('concerns')}{' '}
            <select required name="concerns" value={concerns} onChange={(event) => setConcerns(event.target.value)}>
              <option value="" />
              {session.dataConcerned.map((entry) => (
                <option key={entry.value} value={entry.value}>
                  {entry.value === entry.sector ? `${entry.words[language]} (${t('wholeSector')})` : `— ${entry.words[language]}`}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          {t('message')} <textarea required value={message} onChange={(event) => setMessage(event.target.value)} />
        </label>
        <button type="submit">{t('send')}</button>
      </form>
    </section>
  );
}

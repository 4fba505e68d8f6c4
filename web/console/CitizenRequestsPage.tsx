import { useCallback, useEffect, useState } from 'react';
import { useConsole } from './consoleContext';

interface QueuedRequest {
  id: number;
  nationalId: string;
  kind: string;
  recordReference: string | null;
  concerns: string | null;
  agencyCode: string | null;
  agencyName: string | null;
  message: string;
  status: string;
  receivedAt: string;
  dueAt: string;
  workingDaysLeft: number;
  overdue: boolean;
  answer: string | null;
}

type ErrorBody = { errors?: Array<{ message: string }> };

/**
 * The queue of citizens' requests, the nearest deadline first, each answered once by an auditor or a policy steward:
 * a steward of one agency sees that agency's requests only, one of the province's data office every request.
 */
export function CitizenRequestsPage() {
  const { session, t } = useConsole();
  const [requests, setRequests] = useState<QueuedRequest[]>([]);
  const [answers, setAnswers] = useState<Record<number, string>>({});
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    fetch('/console/api/citizen-requests?status=ALL', { credentials: 'same-origin' })
      .then(async (response) => {
        const body = (await response.json()) as { requests?: QueuedRequest[] } & ErrorBody;
        if (!response.ok) throw new Error(body.errors?.[0]?.message ?? `HTTP ${response.status}`);
        setRequests(body.requests ?? []);
      })
      .catch((failure: Error) => setError(failure.message));
  }, []);
  useEffect(load, [load]);
  const answer = (id: number) => {
    fetch('/console/api/citizen-requests/answer', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
      body: JSON.stringify({ id, answer: answers[id] ?? '' }),
    })
      .then(async (response) => {
        const body = (await response.json()) as ErrorBody;
        if (!response.ok) throw new Error(body.errors?.[0]?.message ?? `HTTP ${response.status}`);
        load();
      })
      .catch((failure: Error) => setError(failure.message));
  };
  return (
    <section>
      <h2>{t('citizenRequests')}</h2>
      {error ? <p role="alert">{error}</p> : null}
      <table data-testid="citizen-requests">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('citizen')}</th>
            <th>{t('kind')}</th>
            <th>{t('accessReference')}</th>
            <th>{t('dataConcerned')}</th>
            <th>{t('handlingAgency')}</th>
            <th>{t('message')}</th>
            <th>{t('due')}</th>
            <th>{t('workingDaysLeft')}</th>
            <th>{t('status')}</th>
            <th>{t('answer')}</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((request) => (
            <tr key={request.id} data-testid="citizen-request" data-kind={request.kind}>
              <td>{request.id}</td>
              <td>{request.nationalId}</td>
              <td>{request.kind}</td>
              <td>{request.recordReference ?? ''}</td>
              <td>{request.concerns ?? ''}</td>
              <td data-testid="handling-agency">{request.agencyName ?? t('provinceDataOffice')}</td>
              <td>{request.message}</td>
              <td>{new Date(request.dueAt).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' })}</td>
              <td>{request.workingDaysLeft}</td>
              <td>{request.status}</td>
              <td>
                {request.status === 'OPEN' ? (
                  <form
                    onSubmit={(event) => {
                      event.preventDefault();
                      answer(request.id);
                    }}
                  >
                    <textarea required value={answers[request.id] ?? ''} onChange={(event) => setAnswers({ ...answers, [request.id]: event.target.value })} />
                    <button type="submit">{t('send')}</button>
                  </form>
                ) : (
                  request.answer
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

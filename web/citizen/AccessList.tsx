import { useCallback, useEffect, useState } from 'react';
import type { AccessView, CitizenSession } from './api';
import { accesses, sendRequest } from './api';
import type { Language } from './i18n';
import { localTime, monthName, translator } from './i18n';
import type { ProofTrust } from '../../gateway/audit/proofCheck';
import { ProofBadge } from './ProofBadge';

interface Group {
  key: string;
  agencyName: string;
  month: string;
  accesses: AccessView[];
}

/** Given accesses newest first, returns them grouped by month and agency, in the same order. */
function grouped(list: readonly AccessView[]): Group[] {
  const groups = new Map<string, Group>();
  for (const access of list) {
    const key = `${access.month}|${access.agencyCode}`;
    const group = groups.get(key) ?? { key, agencyName: access.agencyName, month: access.month, accesses: [] };
    group.accesses.push(access);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Who read my data: filters, groups by agency and month, pages, and a contest button on each access. */
export function AccessList({ session, language, onContested }: { session: CitizenSession; language: Language; onContested(): void }) {
  const t = translator(language);
  const [filter, setFilter] = useState({ from: '', to: '', agency: '', purpose: '' });
  const [applied, setApplied] = useState(filter);
  const [list, setList] = useState<AccessView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [trust, setTrust] = useState<ProofTrust | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [contesting, setContesting] = useState<string | null>(null);
  const [contestText, setContestText] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const load = useCallback(
    (after: string | null) => {
      accesses(applied, after).then(
        (page) => {
          setList((previous) => (after ? [...previous, ...page.accesses] : page.accesses));
          setCursor(page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null);
          setTrust(page.trust);
          setError(null);
        },
        (failure: Error) => setError(failure.message),
      );
    },
    [applied],
  );
  useEffect(() => load(null), [load]);
  const agencies = [...new Map(list.map((access) => [access.agencyCode, access.agencyName])).entries()];
  const contest = (reference: string) => {
    sendRequest(session, { kind: 'DISPUTE', message: contestText, recordReference: reference }).then(
      () => {
        setContesting(null);
        setContestText('');
        setNotice(t('requestSent'));
        onContested();
      },
      (failure: Error) => setError(failure.message),
    );
  };
  return (
    <section aria-labelledby="who-read">
      <h2 id="who-read">{t('whoRead')}</h2>
      <p data-testid="deferral-notice">
        {t('deferred').replace('{agencies}', session.deferral.agencies.join(', ')).replace('{days}', String(session.deferral.days))}
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setApplied(filter);
        }}
        style={{ display: 'flex', gap: '0.5rem', flexWrap: 'wrap', alignItems: 'end' }}
      >
        <label>
          {t('from')} <input type="date" value={filter.from} onChange={(event) => setFilter({ ...filter, from: event.target.value })} />
        </label>
        <label>
          {t('to')} <input type="date" value={filter.to} onChange={(event) => setFilter({ ...filter, to: event.target.value })} />
        </label>
        <label>
          {t('agency')}{' '}
          <select value={filter.agency} onChange={(event) => setFilter({ ...filter, agency: event.target.value })}>
            <option value="">{t('all')}</option>
            {agencies.map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('purpose')}{' '}
          <select value={filter.purpose} onChange={(event) => setFilter({ ...filter, purpose: event.target.value })}>
            <option value="">{t('all')}</option>
            {session.purposes.map((purpose) => (
              <option key={purpose.code} value={purpose.code}>
                {purpose.words[language]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('filter')}</button>
      </form>
      {error ? <p role="alert">{error}</p> : null}
      {notice ? <p role="status">{notice}</p> : null}
      {list.length === 0 ? <p>{t('none')}</p> : null}
      {grouped(list).map((group) => (
        <article key={group.key} className="access-group" data-testid="access-group">
          <h3>
            {group.agencyName || t('yourself')} · {monthName(group.month, language)}
          </h3>
          <table>
            <thead>
              <tr>
                <th>{t('time')}</th>
                <th>{t('purpose')}</th>
                <th>{t('officerUnit')}</th>
                <th>{t('dossier')}</th>
                <th>{t('dataRead')}</th>
                <th>{t('reference')}</th>
                <th>{t('proof')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {group.accesses.map((access) => (
                <tr key={access.reference} data-testid="access" data-reference={access.reference}>
                  <td>{localTime(access.at, language)}</td>
                  <td>{access.purposeWords ? access.purposeWords[language] : ''}</td>
                  <td data-testid="officer-unit">{access.officerUnit ? (access.officerUnit.name ?? access.officerUnit.code) : ''}</td>
                  <td>{access.dossierId ?? ''}</td>
                  <td>{access.dataRead.map((words) => words[language]).join(', ')}</td>
                  <td>
                    <code>{access.reference}</code>
                  </td>
                  <td>
                    <ProofBadge access={access} nationalId={session.nationalId} trust={trust} language={language} />
                  </td>
                  <td>
                    {contesting === access.reference ? (
                      <form
                        onSubmit={(event) => {
                          event.preventDefault();
                          contest(access.reference);
                        }}
                      >
                        <label>
                          {t('contestMessage')}
                          <textarea required value={contestText} onChange={(event) => setContestText(event.target.value)} />
                        </label>
                        <button type="submit">{t('send')}</button>
                        <button type="button" onClick={() => setContesting(null)}>
                          {t('cancel')}
                        </button>
                      </form>
                    ) : (
                      <button type="button" onClick={() => setContesting(access.reference)}>
                        {t('contest')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </article>
      ))}
      {cursor ? (
        <button type="button" onClick={() => load(cursor)}>
          {t('more')}
        </button>
      ) : null}
    </section>
  );
}

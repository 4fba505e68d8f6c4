import { useCallback, useEffect, useState } from 'react';
import { SiteBar } from '../shared/SiteBar';
import type { CitizenSession } from './api';
import { currentSession, signOut } from './api';
import { AccessList } from './AccessList';
import { LanguageSwitch, useLanguage } from '../shared/LanguageSwitch';
import { translator } from './i18n';
import { RequestsPanel } from './RequestsPanel';
import { DataCopyPanel } from './DataCopyPanel';
import { NotificationChoice } from './NotificationChoice';

/** The citizens' page: sign in through the identity provider, see who read my data, make requests. */
export function CitizenApp() {
  const [language, setLanguage] = useLanguage();
  const [session, setSession] = useState<CitizenSession | null | undefined>(undefined);
  const [requestsVersion, setRequestsVersion] = useState(0);
  // A copy read is an access of its own: the list is read again to show it.
  const [accessesVersion, setAccessesVersion] = useState(0);
  const t = translator(language);
  useEffect(() => {
    currentSession().then(setSession, () => setSession(null));
  }, []);
  const requestsChanged = useCallback(() => setRequestsVersion((version) => version + 1), []);
  return (
    <>
      <SiteBar />
      <main className="citizen-page" lang={language}>
        <LanguageSwitch language={language} onChange={setLanguage} kind="buttons" />
        <h1>{t('title')}</h1>
        <p>{t('intro')}</p>
        {session === undefined ? null : session === null ? (
          <p>
            <a className="button" href="/citizen/sign-in" data-testid="sign-in">
              {t('signIn')}
            </a>
          </p>
        ) : (
          <>
            <p>
              {t('signedInAs')} <strong data-testid="national-id">{session.nationalId}</strong>{' '}
              <button type="button" onClick={() => signOut(session).then(() => setSession(null))}>
                {t('signOut')}
              </button>
            </p>
            <AccessList key={accessesVersion} session={session} language={language} onContested={requestsChanged} />
            <DataCopyPanel session={session} language={language} onRead={() => setAccessesVersion((version) => version + 1)} />
            <NotificationChoice session={session} language={language} />
            <RequestsPanel session={session} language={language} version={requestsVersion} onSent={requestsChanged} />
          </>
        )}
      </main>
    </>
  );
}

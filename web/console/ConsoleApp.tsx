import { useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { SiteBar } from '../shared/SiteBar';
import type { ConsoleSession } from './api';
import { currentSession, signIn, signOut } from './api';
import { AccountsPage } from './AccountsPage';
import { AgenciesPage } from './AgenciesPage';
import { AuditPage } from './AuditPage';
import { CataloguePage } from './CataloguePage';
import { ConsoleContext } from './consoleContext';
import { CredentialsPage } from './CredentialsPage';
import { GrantsPage } from './GrantsPage';
import { HistoryPage } from './HistoryPage';
import { RegisterPage } from './RegisterPage';
import { ReviewPage } from './ReviewPage';
import type { Language, StringKey } from './i18n';
import { LANGUAGES, translator } from './i18n';

/** The console's pages, each shown only to an account whose roles admit the field it reads. */
const PAGES: ReadonlyArray<{ key: StringKey; needs: string; render(): ReactNode }> = [
  { key: 'agencies', needs: 'Query.agencies', render: () => <AgenciesPage /> },
  { key: 'credentials', needs: 'Query.apiKeys', render: () => <CredentialsPage /> },
  { key: 'grants', needs: 'Query.grants', render: () => <GrantsPage /> },
  { key: 'review', needs: 'Query.grantsNeedingReview', render: () => <ReviewPage /> },
  { key: 'register', needs: 'Query.legalInstruments', render: () => <RegisterPage /> },
  { key: 'catalogue', needs: 'Query.catalogue', render: () => <CataloguePage /> },
  { key: 'audit', needs: 'Query.auditRecords', render: () => <AuditPage /> },
  { key: 'accounts', needs: 'Query.accounts', render: () => <AccountsPage /> },
  { key: 'history', needs: 'Query.policyChanges', render: () => <HistoryPage /> },
];

/** The stewards' console: sign-in, then the pages the account's roles admit. */
export function ConsoleApp() {
  const [language, setLanguage] = useState<Language>('vi');
  const t = useMemo(() => translator(language), [language]);
  const [session, setSession] = useState<ConsoleSession | null | undefined>(undefined);
  const [page, setPage] = useState<StringKey | null>(null);
  useEffect(() => {
    currentSession().then(setSession, () => setSession(null));
  }, []);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const pages = session ? PAGES.filter((candidate) => session.permittedFields.includes(candidate.needs)) : [];
  const shown = pages.find((candidate) => candidate.key === page) ?? pages[0];
  return (
    <>
      <SiteBar />
      <main className="console">
        <header className="console-bar">
          <h1>{t('title')}</h1>
          <select aria-label="Language" value={language} onChange={(event) => setLanguage(event.target.value as Language)}>
            {LANGUAGES.map((code) => (
              <option key={code} value={code}>
                {code === 'vi' ? 'Tiếng Việt' : 'English'}
              </option>
            ))}
          </select>
          {session && (
            <>
              <span data-testid="who">
                {session.account.name} ({session.account.roles.join(', ') || '-'})
              </span>
              <button type="button" onClick={() => void signOut(session).then(() => setSession(null))}>
                {t('signOut')}
              </button>
            </>
          )}
        </header>
        {session === null && <SignInForm t={t} onSignedIn={setSession} />}
        {session && (
          <ConsoleContext.Provider value={{ session, t }}>
            <nav className="console-tabs">
              {pages.map((candidate) => (
                <button key={candidate.key} type="button" aria-pressed={candidate === shown} onClick={() => setPage(candidate.key)}>
                  {t(candidate.key)}
                </button>
              ))}
            </nav>
            {shown ? <div key={shown.key}>{shown.render()}</div> : <p data-testid="no-role">{t('nothing')}</p>}
          </ConsoleContext.Provider>
        )}
      </main>
    </>
  );
}

function SignInForm(props: { t: (key: StringKey) => string; onSignedIn(session: ConsoleSession): void }) {
  const { t } = props;
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="change-form sign-in"
      data-testid="sign-in"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        signIn(String(form.get('email')), String(form.get('password')), String(form.get('code'))).then(props.onSignedIn, (refused: Error) =>
          setError(refused.message),
        );
      }}
    >
      <h2>{t('signIn')}</h2>
      <label>
        {t('email')} <input name="email" type="email" autoComplete="username" required />
      </label>
      <label>
        {t('password')} <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <label>
        {t('code')} <input name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" required />
      </label>
      <button type="submit">{t('signIn')}</button>
      {error && <div role="alert">{error}</div>}
    </form>
  );
}

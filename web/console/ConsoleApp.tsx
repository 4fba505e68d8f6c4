import { useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { SiteBar } from '../shared/SiteBar';
import type { ConsoleSession, SignInMethods } from './api';
import { IDENTITY_PROVIDER_SIGN_IN, currentSession, signIn, signOut } from './api';
import { AccountsPage } from './AccountsPage';
import { AgenciesPage } from './AgenciesPage';
import { AuditPage } from './AuditPage';
import { CataloguePage } from './CataloguePage';
import { ConsoleContext } from './consoleContext';
import { CitizenRequestsPage } from './CitizenRequestsPage';
import { CredentialsPage } from './CredentialsPage';
import { FourEyesPage } from './FourEyesPage';
import { GrantsPage } from './GrantsPage';
import { SharingPage } from './SharingPage';
import { HistoryPage } from './HistoryPage';
import { OperationsPage } from './OperationsPage';
import { RegisterPage } from './RegisterPage';
import { ReviewPage } from './ReviewPage';
import { LanguageSwitch, useLanguage } from '../shared/LanguageSwitch';
import type { StringKey } from './i18n';
import { translator } from './i18n';

/** Who answers citizens' requests: as gateway/console/permissions.ts CITIZEN_REQUEST_ROLES. */
const CITIZEN_REQUEST_ROLES = ['AUDITOR', 'POLICY_STEWARD'];

/** The console's pages, each shown only to an account whose roles admit the field it reads. */
const PAGES: ReadonlyArray<{ key: StringKey; admits(session: ConsoleSession): boolean; render(): ReactNode }> = [
  { key: 'agencies', admits: (session) => session.permittedFields.includes('Query.agencies'), render: () => <AgenciesPage /> },
  { key: 'credentials', admits: (session) => session.permittedFields.includes('Query.apiKeys'), render: () => <CredentialsPage /> },
  { key: 'grants', admits: (session) => session.permittedFields.includes('Query.grants'), render: () => <GrantsPage /> },
  { key: 'operations', admits: (session) => session.permittedFields.includes('Query.operationLists'), render: () => <OperationsPage /> },
  { key: 'fourEyes', admits: (session) => session.permittedFields.includes('Mutation.approveGrant'), render: () => <FourEyesPage /> },
  { key: 'review', admits: (session) => session.permittedFields.includes('Query.grantsNeedingReview'), render: () => <ReviewPage /> },
  { key: 'legalRegister', admits: (session) => session.permittedFields.includes('Query.legalInstruments'), render: () => <RegisterPage /> },
  { key: 'catalogue', admits: (session) => session.permittedFields.includes('Query.catalogue'), render: () => <CataloguePage /> },
  { key: 'audit', admits: (session) => session.permittedFields.includes('Query.auditRecords'), render: () => <AuditPage /> },
  { key: 'sharing', admits: (session) => session.permittedFields.includes('Query.sharingRequests'), render: () => <SharingPage /> },
  { key: 'accounts', admits: (session) => session.permittedFields.includes('Query.accounts'), render: () => <AccountsPage /> },
  { key: 'history', admits: (session) => session.permittedFields.includes('Query.policyChanges'), render: () => <HistoryPage /> },
  {
    key: 'citizenRequests',
    admits: (session) => session.account.roles.some((role) => CITIZEN_REQUEST_ROLES.includes(role)),
    render: () => <CitizenRequestsPage />,
  },
];

/** The stewards' console: sign-in, then the pages the account's roles admit. */
export function ConsoleApp() {
  const [language, setLanguage] = useLanguage();
  const t = useMemo(() => translator(language), [language]);
  const [session, setSession] = useState<ConsoleSession | null | undefined>(undefined);
  const [page, setPage] = useState<StringKey | null>(null);
  const [methods, setMethods] = useState<SignInMethods>({ password: true, identityProvider: false });
  useEffect(() => {
    currentSession(setMethods).then(setSession, () => setSession(null));
  }, []);
  const pages = session ? PAGES.filter((candidate) => candidate.admits(session)) : [];
  const shown = pages.find((candidate) => candidate.key === page) ?? pages[0];
  return (
    <>
      <SiteBar />
      <main className="console">
        <header className="console-bar">
          <h1>{t('title')}</h1>
          <LanguageSwitch language={language} onChange={setLanguage} />
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
        {session === null && <SignInForm t={t} methods={methods} onSignedIn={setSession} />}
        {session && (
          <ConsoleContext.Provider value={{ session, t, language }}>
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

function SignInForm(props: { t: (key: StringKey) => string; methods: SignInMethods; onSignedIn(session: ConsoleSession): void }) {
  const { t, methods } = props;
  const [error, setError] = useState<string | null>(null);
  const identityProvider = methods.identityProvider && (
    <a className="button" href={IDENTITY_PROVIDER_SIGN_IN} data-testid="sign-in-identity-provider">
      {t('signInIdentityProvider')}
    </a>
  );
  if (!methods.password)
    return (
      <div className="change-form sign-in" data-testid="sign-in">
        <h2>{t('signIn')}</h2>
        {identityProvider}
      </div>
    );
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
      {identityProvider}
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

import { useEffect, useState } from 'react';
import type { CitizenSession } from './api';
import { chooseNotifications, notificationChoice } from './api';
import type { Language } from './i18n';
import { translator } from './i18n';

/** The citizen's choice to be told of every new access to their data. */
export function NotificationChoice({ session, language }: { session: CitizenSession; language: Language }) {
  const t = translator(language);
  const [notify, setNotify] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    notificationChoice().then(setNotify, (failure: Error) => setError(failure.message));
  }, []);
  return (
    <section>
      <h2>{t('notifyTitle')}</h2>
      <label>
        <input
          type="checkbox"
          data-testid="notify"
          disabled={notify === null}
          checked={notify === true}
          onChange={(event) => chooseNotifications(session, event.target.checked).then(setNotify, (failure: Error) => setError(failure.message))}
        />{' '}
        {t('notifyLabel')}
      </label>
      {error ? <p role="alert">{error}</p> : null}
    </section>
  );
}

import { useState } from 'react';
import type { CitizenSession, DataCopy } from './api';
import { dataCopy } from './api';
import { COPY_WORDS, VALUE_WORDS } from './copyWords';
import type { Language, StringKey } from './i18n';
import { translator } from './i18n';

/** Given a value of the copy, shows it readably: words for its parts, lists as lists, nothing as "None". */
function CopyValue({ value, language }: { value: unknown; language: Language }) {
  const t = translator(language);
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return <span>{t('copyEmpty')}</span>;
  if (Array.isArray(value))
    return (
      <ol>
        {value.map((item, index) => (
          <li key={index}>
            <CopyValue value={item} language={language} />
          </li>
        ))}
      </ol>
    );
  if (typeof value === 'object')
    return (
      <dl>
        {Object.entries(value as Record<string, unknown>).map(([key, item]) => (
          <div key={key}>
            <dt>{COPY_WORDS[key]?.[language] ?? key}</dt>
            <dd>
              <CopyValue value={item} language={language} />
            </dd>
          </div>
        ))}
      </dl>
    );
  return <span>{typeof value === 'string' ? (VALUE_WORDS[value]?.[language] ?? value) : String(value)}</span>;
}

/** Given the copy, offers it as a JSON file saved by the browser (the copy already read, not another read). */
function saveJson(copy: DataCopy): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([JSON.stringify(copy, null, 2)], { type: 'application/json' }));
  link.download = `ban-sao-du-lieu-${copy.takenAt.slice(0, 10)}.json`;
  link.click();
  URL.revokeObjectURL(link.href);
}

/** "Tải bản sao dữ liệu": reads everything the platform holds about the citizen, shows it by sector, and saves it as JSON. */
export function DataCopyPanel({ language, onRead }: { session: CitizenSession; language: Language; onRead: () => void }) {
  const t = translator(language);
  const [copy, setCopy] = useState<DataCopy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const read = () => {
    setBusy(true);
    setError(null);
    dataCopy().then(
      (taken) => {
        setCopy(taken);
        setBusy(false);
        onRead();
      },
      (failure: Error) => {
        setError(failure.message);
        setBusy(false);
      },
    );
  };
  return (
    <section data-testid="data-copy">
      <h2>{t('copyTitle')}</h2>
      <p>{t('copyIntro')}</p>
      <button type="button" onClick={read} disabled={busy} data-testid="copy-show">
        {t('copyShow')}
      </button>
      {error ? <p role="alert">{error}</p> : null}
      {copy ? (
        <>
          <p>
            {t('copyTaken')} {new Date(copy.takenAt).toLocaleString(language === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: 'Asia/Ho_Chi_Minh' })}{' '}
            <button type="button" onClick={() => saveJson(copy)} data-testid="copy-json">
              {t('copyJson')}
            </button>
          </p>
          {copy.found ? null : <p>{t('copyNotFound')}</p>}
          {copy.unavailable.length > 0 ? (
            <p role="alert">{t('copyUnavailable').replace('{sectors}', copy.unavailable.map((sector) => t(sector as StringKey)).join(', '))}</p>
          ) : null}
          {copy.sections.map((section) => (
            <article key={section.sector} data-testid={`copy-${section.sector}`}>
              <h3>{t(section.sector as StringKey)}</h3>
              <dl>
                {section.items.map((item) => (
                  <div key={item.field} data-testid="copy-item" data-field={item.field}>
                    <dt>{item.label[language]}</dt>
                    <dd>
                      <CopyValue value={item.value} language={language} />
                    </dd>
                  </div>
                ))}
              </dl>
            </article>
          ))}
        </>
      ) : null}
    </section>
  );
}

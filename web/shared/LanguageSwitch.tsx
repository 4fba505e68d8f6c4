import { useEffect, useState } from 'react';
import type { Language } from './i18n';
import { LANGUAGES, LANGUAGE_NAMES } from './i18n';

/**
 * Returns the language chosen (Vietnamese first) and how to change it; the page's lang attribute follows it, so
 * that a screen reader speaks each language as such.
 */
export function useLanguage(initial: Language = 'vi'): [Language, (language: Language) => void] {
  const [language, setLanguage] = useState<Language>(initial);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  return [language, setLanguage];
}

export interface LanguageSwitchProps {
  language: Language;
  onChange(language: Language): void;
  /** A menu (the console's bar) or a pair of pressed buttons (the citizen's page, a panel). */
  kind?: 'menu' | 'buttons';
}

/** The switch between the platform's languages, each named in itself. */
export function LanguageSwitch({ language, onChange, kind = 'menu' }: LanguageSwitchProps) {
  if (kind === 'buttons')
    return (
      <div className="language-switch" role="group" aria-label="Language / Ngôn ngữ" style={{ display: 'flex', gap: '0.5rem', justifyContent: 'flex-end' }}>
        {LANGUAGES.map((candidate) => (
          <button key={candidate} type="button" lang={candidate} aria-pressed={candidate === language} onClick={() => onChange(candidate)}>
            {LANGUAGE_NAMES[candidate]}
          </button>
        ))}
      </div>
    );
  return (
    <select aria-label="Language" value={language} onChange={(event) => onChange(event.target.value as Language)}>
      {LANGUAGES.map((code) => (
        <option key={code} value={code} lang={code}>
          {LANGUAGE_NAMES[code]}
        </option>
      ))}
    </select>
  );
}

/** The platform's languages: Vietnamese first, English available. */
export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** One text in each of the languages. */
export type Bilingual = Readonly<Record<Language, string>>;

/** Each language's own name, as its speakers write it: what a language switch offers. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { vi: 'Tiếng Việt', en: 'English' };

/** Given an app's texts, returns the function that, given a language, gives each text in it. */
export function translatorOf<Key extends string>(strings: Readonly<Record<Key, Bilingual>>): (language: Language) => (key: Key) => string {
  return (language) => (key) => strings[key][language];
}

/** Given a language, returns the locale dates and numbers are written in. */
export function localeOf(language: Language): string {
  return language === 'vi' ? 'vi-VN' : 'en-GB';
}

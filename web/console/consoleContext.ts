import { createContext, useContext } from 'react';
import type { ConsoleSession } from './api';
import type { Language, StringKey } from './i18n';

/** What every page of the console reads: the session and the texts in the chosen language. */
export interface ConsoleContextValue {
  session: ConsoleSession;
  t: (key: StringKey) => string;
  language: Language;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole outside the console');
  return value;
}

import { createContext, useContext } from 'react';
import type { Caller } from './caller';
import { ANONYMOUS_CALLER } from './caller';

/** The caller the explorer speaks for, for the panels GraphiQL renders without props. */
export const CallerContext = createContext<Caller>(ANONYMOUS_CALLER);

export function useCaller(): Caller {
  return useContext(CallerContext);
}

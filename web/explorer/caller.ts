import type { Purpose } from '../../gateway/policy/types';

/** Who the explorer speaks for: the credential, the purpose and, optionally, the officer and the dossier. */
export interface Caller {
  /** An API key (dsp_...) or an agency JWT; empty for the anonymous caller. */
  credential: string;
  purpose: Purpose | '';
  userId: string;
  dossierId: string;
}

export const ANONYMOUS_CALLER: Caller = { credential: '', purpose: '', userId: '', dossierId: '' };

/** Where the caller is kept: this tab's session storage, never local storage, never the URL. */
const STORAGE_KEY = 'dsp-explorer:caller';

/** Given a caller, returns the headers the platform reads: Authorization, X-Purpose, X-User-Id, X-Dossier-Id. */
export function callerHeaders(caller: Caller): Record<string, string> {
  const headers: Record<string, string> = {};
  if (caller.credential.trim() !== '') headers.authorization = `Bearer ${caller.credential.trim()}`;
  if (caller.purpose !== '') headers['x-purpose'] = caller.purpose;
  if (caller.userId.trim() !== '') headers['x-user-id'] = caller.userId.trim();
  if (caller.dossierId.trim() !== '') headers['x-dossier-id'] = caller.dossierId.trim();
  return headers;
}

/** Returns the caller this tab used last, or the anonymous caller. */
export function loadCaller(storage: Storage = sessionStorage): Caller {
  try {
    const saved = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Partial<Caller> | null;
    return saved ? { ...ANONYMOUS_CALLER, ...saved } : ANONYMOUS_CALLER;
  } catch {
    return ANONYMOUS_CALLER;
  }
}

/** Keeps the caller for this tab only: session storage is dropped when the tab closes. */
export function saveCaller(caller: Caller, storage: Storage = sessionStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(caller));
}

/** The body of a GraphQL answer, as the panels read it. */
export interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** Given a caller, an operation and its variables, posts it to /graphql with the caller's headers. */
export async function askGateway<T>(caller: Caller, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer<T>> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...callerHeaders(caller) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLAnswer<T>;
}

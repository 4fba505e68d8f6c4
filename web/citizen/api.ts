import type { AccessProof, ProofTrust } from '../../gateway/audit/proofCheck';

/** Words in both languages, as the server sends them. */
export interface Bilingual {
  vi: string;
  en: string;
}

export interface CitizenSession {
  nationalId: string;
  csrfToken: string;
  expiresAt: string;
  deferral: { agencies: string[]; days: number };
  /** The purposes of processing, in plain words, for the filter. */
  purposes: Array<{ code: string; words: Bilingual }>;
  /** What a correction, restriction or objection may name: each sector, then its labelled fields. */
  dataConcerned: Array<{ value: string; sector: string; words: Bilingual }>;
}

export interface AccessView {
  reference: string;
  at: string;
  month: string;
  agencyCode: string;
  agencyName: string;
  purpose: string | null;
  purposeWords: Bilingual | null;
  dossierId: string | null;
  officerUnit: { code: string; name: string | null } | null;
  ownCopy: boolean;
  dataRead: Bilingual[];
  /** That the signed audit trail holds this access; null until the next checkpoint seals it. */
  proof: AccessProof | null;
}

/** Everything the platform holds about the citizen, by sector, each field under its label. */
export interface DataCopy {
  nationalId: string;
  takenAt: string;
  found: boolean;
  sections: Array<{ sector: string; items: Array<{ field: string; label: Bilingual; value: unknown }> }>;
  unavailable: string[];
}

export interface CitizenRequestView {
  id: number;
  kind: string;
  recordReference: string | null;
  /** The sector or field a correction, restriction or objection is about. */
  concerns: string | null;
  /** The agency whose queue answers it; null: the province's central data office. */
  agencyCode: string | null;
  agencyName: string | null;
  message: string;
  status: string;
  receivedAt: string;
  dueAt: string;
  answer: string | null;
  answeredAt: string | null;
  workingDaysLeft: number;
  overdue: boolean;
}

/** A refusal from the server, with its stable code. */
export class CitizenPageError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type ErrorBody = { errors?: Array<{ message: string; extensions?: { code?: string } }> };

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json()) as T & ErrorBody;
  if (!response.ok) {
    const first = body.errors?.[0];
    throw new CitizenPageError(String(first?.extensions?.code ?? response.status), first?.message ?? `HTTP ${response.status}`);
  }
  return body;
}

/** Returns this browser's session, or null when signed out. */
export async function currentSession(): Promise<CitizenSession | null> {
  const response = await fetch('/citizen/api/session', { credentials: 'same-origin' });
  if (response.status === 401) return null;
  return json<CitizenSession>(response);
}

export async function signOut(session: CitizenSession): Promise<void> {
  await fetch('/citizen/api/sign-out', { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': session.csrfToken } });
}

/** Given filters and a cursor, returns a page of the citizen's accesses, newest first. */
export async function accesses(
  filter: Record<string, string>,
  after: string | null,
): Promise<{ accesses: AccessView[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; trust: ProofTrust | null }> {
  const query = new URLSearchParams(Object.entries(filter).filter(([, value]) => value !== ''));
  query.set('first', '20');
  if (after) query.set('after', after);
  return json(await fetch(`/citizen/api/accesses?${query}`, { credentials: 'same-origin' }));
}

export async function myRequests(): Promise<CitizenRequestView[]> {
  return (await json<{ requests: CitizenRequestView[] }>(await fetch('/citizen/api/requests', { credentials: 'same-origin' }))).requests;
}

/** Given the session and a request, sends it with the session's CSRF token. */
export async function sendRequest(
  session: CitizenSession,
  request: { kind: string; message: string; recordReference?: string; concerns?: string },
): Promise<CitizenRequestView> {
  const response = await fetch('/citizen/api/requests', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
    body: JSON.stringify(request),
  });
  return (await json<{ request: CitizenRequestView }>(response)).request;
}

/** Reads a copy of everything the platform holds about the signed-in citizen (recorded as their own access). */
export async function dataCopy(): Promise<DataCopy> {
  return json<DataCopy>(await fetch('/citizen/api/copy', { credentials: 'same-origin' }));
}

/** Tells whether the citizen has chosen to be told of new accesses. */
export async function notificationChoice(): Promise<boolean> {
  return (await json<{ notify: boolean }>(await fetch('/citizen/api/notifications', { credentials: 'same-origin' }))).notify;
}

/** Given the session and the choice, stores it with the session's CSRF token. */
export async function chooseNotifications(session: CitizenSession, notify: boolean): Promise<boolean> {
  const response = await fetch('/citizen/api/notifications', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
    body: JSON.stringify({ notify }),
  });
  return (await json<{ notify: boolean }>(response)).notify;
}

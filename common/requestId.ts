import { randomUUID } from 'node:crypto';

/** The header a request's id travels in: from the client (or a proxy), to the subgraphs, and back in the answer. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * What a request id sent by a client may be: a UUID, a proxy's id, up to 128 characters of a safe alphabet, and no
 * run of nine digits or more, which could be someone's national ID or phone number and would reach the logs.
 */
const WELL_FORMED = /^(?!.*\d{9})[A-Za-z0-9._:@-]{1,128}$/;

/** A UUID in its canonical form, which is taken as it is: one in twenty random ones has nine digits in a row in its last group. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Given the X-Request-Id header a request carries (or none), returns the request's id: the one given when it is
 * well formed (a UUID, or up to 128 letters, digits or . _ : @ -, no nine digits in a row), so that a proxy's id follows the request through; a new
 * UUID otherwise, so that no client text of any other shape reaches a log line.
 */
export function acceptedRequestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && (WELL_FORMED.test(header) || UUID.test(header)) ? header : randomUUID();
}

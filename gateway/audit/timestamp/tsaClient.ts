import { QUERY_MEDIA_TYPE } from './protocol';
import type { TimestampFailure } from './timestampFile';

/** The most a TSA's answer may hold: a token with its certificate chain is a few kilobytes. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** A TSA that could not be asked in time, or answered with an HTTP error. */
export class TsaError extends Error {
  constructor(
    readonly failure: TimestampFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TsaError';
  }
}

/**
 * Given the TSA's URL, a TimeStampReq (DER) and how long to wait, posts it (RFC 3161 §3.4) and returns the body
 * of the answer, unchecked. Throws a TsaError: UNREACHABLE when no answer came within the time, REFUSED for an
 * HTTP status other than 200 or an answer too large to be a token.
 */
export async function postTimeStampRequest(url: string, request: Buffer, timeoutMs: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': QUERY_MEDIA_TYPE },
      body: new Uint8Array(request),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error as Error).message;
    throw new TsaError('UNREACHABLE', `the TSA ${url} cannot be reached (${why})`);
  }
  let body: Buffer;
  try {
    body = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    throw new TsaError('UNREACHABLE', `the TSA ${url} broke off its answer (${(error as Error).message})`);
  }
  if (response.status !== 200) throw new TsaError('REFUSED', `the TSA ${url} answered HTTP ${response.status}`);
  if (body.length > MAX_ANSWER_BYTES) throw new TsaError('REFUSED', `the TSA ${url} answered ${body.length} bytes, too many for a token`);
  return body;
}

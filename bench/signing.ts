import type { AccessContext } from '../common/accessContext';
import { ACCESS_CONTEXT_HEADER, signAccessContext } from '../common/accessContext';
import type { Sector } from '../common/config';

/**
 * What a caller without policy tells a subgraph: nobody in particular, every row, nothing masked. The peers
 * (Apollo, Hive) and the direct floor sign this context, so they pay the same HMAC per call as our gateway.
 */
export const UNRESTRICTED_ACCESS: Readonly<AccessContext> = Object.freeze<AccessContext>({ principal: { kind: 'ANONYMOUS' }, purpose: null, scope: null, masks: {} });

/** Given the shared key, a subgraph and the exact body sent to it, returns the headers that make the call acceptable. */
export function signedAccessHeaders(signingKey: Buffer, sector: Sector, body: string): Record<string, string> {
  return { [ACCESS_CONTEXT_HEADER]: signAccessContext(signingKey, UNRESTRICTED_ACCESS, sector, body, Date.now()) };
}


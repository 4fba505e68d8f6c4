import { ACCESS_CONTEXT_HEADER, UNRESTRICTED_ACCESS, signAccessContext } from '../common/accessContext';
import type { BuiltInSector } from '../common/sectors';

// The peers (Apollo, Hive) and the direct floor sign the unrestricted context, so they pay the same HMAC per call
// as our gateway.
export { UNRESTRICTED_ACCESS };

/** Given the shared key, a subgraph and the exact body sent to it, returns the headers that make the call acceptable. */
export function signedAccessHeaders(signingKey: Buffer, sector: BuiltInSector, body: string): Record<string, string> {
  return { [ACCESS_CONTEXT_HEADER]: signAccessContext(signingKey, UNRESTRICTED_ACCESS, sector, body, Date.now()) };
}

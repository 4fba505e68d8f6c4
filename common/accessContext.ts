import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SectorName } from './sectors';
import type { MaskKind } from './masks';

/** The header in which the gateway hands a subgraph the caller's access context, signed. */
export const ACCESS_CONTEXT_HEADER = 'x-dsp-access';

/** How long a signed context is accepted after it was issued, and the clock skew tolerated. */
export const ACCESS_CONTEXT_LIFETIME_MS = 30_000;
export const ACCESS_CONTEXT_CLOCK_SKEW_MS = 5_000;

/** Who calls, as a subgraph is told: nobody in particular, an agency with its credential, or a citizen reading their own data. */
export type AccessPrincipal = { kind: 'ANONYMOUS' } | { kind: 'AGENCY'; agencyCode: string; credentialId: string } | { kind: 'CITIZEN'; nationalId: string };

/** What a subgraph is told about a request: who asks, for what, which rows and how to mask. */
export interface AccessContext {
  principal: AccessPrincipal;
  purpose: string | null;
  /** Commune codes the rows of this subgraph must belong to; null for no restriction. */
  scope: string[] | null;
  /**
   * The national ID whose rows alone this subgraph may return (a citizen reading their own data). Left out when
   * rows are not restricted to one citizen, so that a context without it signs to the same bytes as before.
   */
  subject?: string;
  /** Fields of this subgraph ("Type.field") disclosed only partially, with the mask to apply. */
  masks: Record<string, MaskKind>;
}

/**
 * What a caller without policy is given: nobody in particular, every row, nothing masked. Only the benchmark
 * runs the gateway so, to measure what enforcement costs.
 */
export const UNRESTRICTED_ACCESS: Readonly<AccessContext> = Object.freeze<AccessContext>({
  principal: { kind: 'ANONYMOUS' },
  purpose: null,
  scope: null,
  masks: {},
});

/** The signed claims: the access context, bound to one subgraph, one request body and a short lifetime. */
export interface AccessClaims extends AccessContext {
  audience: SectorName;
  issuedAt: number;
  expiresAt: number;
  nonce: string;
  bodyDigest: string;
}

/** Given a raw request body, returns the digest the signature binds it to. */
export function bodyDigest(rawBody: string): string {
  return createHash('sha256').update(rawBody, 'utf8').digest('base64url');
}

/**
 * Nonces need to be unique, not secret: a random prefix per process and a counter make them so without a call
 * to the system's random source for every subgraph call.
 */
const NONCE_PREFIX = randomBytes(12).toString('base64url');
let nonceCounter = 0;

function nextNonce(): string {
  nonceCounter += 1;
  return `${NONCE_PREFIX}${nonceCounter.toString(36)}`;
}

function mac(key: Buffer, payload: string): Buffer {
  return createHmac('sha256', key).update(payload, 'utf8').digest();
}

/**
 * Given the shared key, the access context, the target subgraph, the exact body sent and the clock, returns
 * the header value: base64url(claims) "." base64url(HMAC-SHA256(claims)); docs/subgraph-protocol.md specifies it.
 * The nonce is a fresh one unless given (the specification's test vectors give theirs).
 */
export function signAccessContext(key: Buffer, context: AccessContext, audience: SectorName, rawBody: string, now: number, nonce = nextNonce()): string {
  const claims: AccessClaims = {
    ...context,
    audience,
    issuedAt: now,
    expiresAt: now + ACCESS_CONTEXT_LIFETIME_MS,
    nonce,
    bodyDigest: bodyDigest(rawBody),
  };
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/** Remembers the nonces of accepted contexts until they expire, so that none is accepted twice. */
export class NonceRegistry {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly capacity = 200_000) {}

  /** Given a nonce and its expiry, records it; returns false when it was seen already (a replay). */
  remember(nonce: string, expiresAt: number, now: number): boolean {
    if (this.expiries.has(nonce)) return false;
    if (this.expiries.size >= this.capacity) this.prune(now);
    this.expiries.set(nonce, expiresAt);
    return true;
  }

  private prune(now: number): void {
    for (const [nonce, expiresAt] of this.expiries) if (expiresAt <= now) this.expiries.delete(nonce);
    // Still full of live nonces: drop the oldest, which expire first (a Map iterates in insertion order).
    for (const nonce of this.expiries.keys()) {
      if (this.expiries.size < this.capacity) break;
      this.expiries.delete(nonce);
    }
  }
}

/**
 * Given the shared key, a header value, the subgraph that received it, the raw body, the clock and the
 * nonce registry, returns the claims, or the reason they are refused (missing, forged, expired, replayed,
 * meant for another subgraph, or signed for another body).
 */
export function verifyAccessContext(
  key: Buffer,
  header: string | undefined,
  audience: SectorName,
  rawBody: string,
  now: number,
  nonces: NonceRegistry,
): AccessClaims | { error: string } {
  if (!header) return { error: 'the request carries no gateway signature' };
  const [payload, signature, extra] = header.split('.');
  if (!payload || !signature || extra !== undefined) return { error: 'the gateway signature is malformed' };
  const expected = mac(key, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { error: 'the gateway signature does not verify' };
  let claims: AccessClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AccessClaims;
  } catch {
    return { error: 'the gateway signature is malformed' };
  }
  if (claims.audience !== audience) return { error: 'the gateway signature is for another subgraph' };
  if (typeof claims.expiresAt !== 'number' || claims.expiresAt <= now) return { error: 'the gateway signature has expired' };
  if (typeof claims.issuedAt !== 'number' || claims.issuedAt > now + ACCESS_CONTEXT_CLOCK_SKEW_MS)
    return { error: 'the gateway signature is issued in the future' };
  if (claims.bodyDigest !== bodyDigest(rawBody)) return { error: 'the gateway signature is for another request body' };
  if (!nonces.remember(claims.nonce, claims.expiresAt, now)) return { error: 'the gateway signature was used already' };
  return claims;
}

import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { GraphQLError } from 'graphql';
import type { AccessContext } from '../../common/accessContext';
import {
  ACCESS_CONTEXT_CLOCK_SKEW_MS,
  ACCESS_CONTEXT_HEADER,
  ACCESS_CONTEXT_LIFETIME_MS,
  NonceRegistry,
  bodyDigest,
  signAccessContext,
} from '../../common/accessContext';
import type { BuiltInSector } from '../../common/sectors';
import { assertSignedAccess } from '../../common/subgraphServer';

interface SigningVector {
  name: string;
  context: AccessContext;
  audience: BuiltInSector;
  body: string;
  issuedAt: number;
  nonce: string;
  bodyDigest: string;
  claimsJson: string;
  signedBytes: string;
  signatureHex: string;
  signature: string;
  header: string;
}

interface VerificationVector {
  name: string;
  method: string;
  header: string | null;
  audience: BuiltInSector;
  body: string;
  now: number;
  seenNonces: string[];
  expected: { accepted: true; context: AccessContext } | { accepted: false; status: number; code: string; reason: string };
}

const ROOT = path.resolve(__dirname, '../..');
const vectors = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs', 'subgraph-protocol-vectors.json'), 'utf8')) as {
  header: string;
  algorithm: string;
  lifetimeMs: number;
  clockSkewMs: number;
  key: { utf8: string; hex: string };
  signing: SigningVector[];
  verification: VerificationVector[];
};
const key = Buffer.from(vectors.key.utf8, 'utf8');

/** Given a vector, returns the request a subgraph would have received. */
function requestOf(vector: VerificationVector): IncomingMessage {
  return { method: vector.method, headers: vector.header === null ? {} : { [ACCESS_CONTEXT_HEADER]: vector.header } } as unknown as IncomingMessage;
}

/** Given a vector, returns what the subgraph's check of it gives: the access context, or the refusal's extensions. */
function verdictOf(vector: VerificationVector): VerificationVector['expected'] {
  const nonces = new NonceRegistry();
  for (const nonce of vector.seenNonces) nonces.remember(nonce, vector.now + ACCESS_CONTEXT_LIFETIME_MS, vector.now);
  try {
    return { accepted: true, context: assertSignedAccess(key, vector.audience, requestOf(vector), vector.body, vector.now, nonces) };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const { code, reason, http } = error.extensions as { code: string; reason: string; http: { status: number } };
    return { accepted: false, status: http.status, code, reason };
  }
}

describe('the subgraph protocol test vectors (docs/subgraph-protocol-vectors.json)', () => {
  it('state the constants the code uses', () => {
    expect(vectors.header).toBe(ACCESS_CONTEXT_HEADER);
    expect(vectors.algorithm).toBe('HMAC-SHA256');
    expect(vectors.lifetimeMs).toBe(ACCESS_CONTEXT_LIFETIME_MS);
    expect(vectors.clockSkewMs).toBe(ACCESS_CONTEXT_CLOCK_SKEW_MS);
    expect(Buffer.from(vectors.key.hex, 'hex').equals(key)).toBe(true);
  });

  it.each(vectors.signing.map((vector) => [vector.name, vector] as const))('signing: %s', (_name, vector) => {
    // What the gateway sends, byte for byte, given the same clock and nonce.
    expect(signAccessContext(key, vector.context, vector.audience, vector.body, vector.issuedAt, vector.nonce)).toBe(vector.header);
    expect(vector.header).toBe(`${vector.signedBytes}.${vector.signature}`);
    expect(Buffer.from(vector.signedBytes, 'base64url').toString('utf8')).toBe(vector.claimsJson);
    expect(Buffer.from(vector.claimsJson, 'utf8').toString('base64url')).toBe(vector.signedBytes);
    expect(JSON.parse(vector.claimsJson)).toEqual({
      ...vector.context,
      audience: vector.audience,
      issuedAt: vector.issuedAt,
      expiresAt: vector.issuedAt + ACCESS_CONTEXT_LIFETIME_MS,
      nonce: vector.nonce,
      bodyDigest: vector.bodyDigest,
    });
    expect(bodyDigest(vector.body)).toBe(vector.bodyDigest);
    // Computed here apart from the code under test, as another implementation would.
    const signature = createHmac('sha256', Buffer.from(vectors.key.hex, 'hex')).update(Buffer.from(vector.signedBytes, 'ascii')).digest();
    expect(signature.toString('hex')).toBe(vector.signatureHex);
    expect(signature.toString('base64url')).toBe(vector.signature);
    expect(vector.signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each(vectors.verification.map((vector) => [vector.name, vector] as const))('verification: %s', (_name, vector) => {
    expect(verdictOf(vector)).toEqual(vector.expected);
  });

  it('cover every reason a subgraph refuses a call for', () => {
    const sources = ['common/accessContext.ts', 'common/subgraphServer.ts'].map((file) => fs.readFileSync(path.join(ROOT, file), 'utf8')).join('\n');
    const reasons = [...sources.matchAll(/\{ error: '([^']+)' \}|refusal\(sector, '([^']+)'\)/g)].map((match) => match[1] ?? match[2]);
    const covered = new Set(vectors.verification.map((vector) => (vector.expected.accepted ? null : vector.expected.reason)));
    expect(reasons.length).toBeGreaterThanOrEqual(8);
    for (const reason of reasons) expect([reason, covered.has(reason!)]).toEqual([reason, true]);
    expect([...covered].some((reason) => reason?.startsWith('only POST requests are signed'))).toBe(true);
  });

  it('accept a valid call once: the same header again is a replay', () => {
    const vector = vectors.verification.find((candidate) => candidate.expected.accepted)!;
    const nonces = new NonceRegistry();
    expect(assertSignedAccess(key, vector.audience, requestOf(vector), vector.body, vector.now, nonces)).toEqual(
      (vector.expected as { context: AccessContext }).context,
    );
    expect(() => assertSignedAccess(key, vector.audience, requestOf(vector), vector.body, vector.now + 1, nonces)).toThrow(
      /the gateway signature was used already/,
    );
  });
});

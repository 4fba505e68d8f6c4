import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** The prefix every API key starts with, so that a leaked key is recognisable by secret scanners. */
export const API_KEY_PREFIX = 'dsp_';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 8;
const SECRET_BYTES = 32;
/** dsp_ + 8-character id + _ + 43-character base64url secret (32 bytes). */
const API_KEY_PATTERN = /^dsp_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

/** An API key taken apart: the id the store looks it up by, and the secret whose hash it compares. */
export interface ApiKeyParts {
  id: string;
  secret: string;
}

/** A newly made key: the whole key, shown once, and what the store keeps of it. */
export interface IssuedKeyMaterial {
  key: string;
  id: string;
  secretHash: string;
}

/** Given a secret, returns its SHA-256, hex: what the store keeps instead of the secret. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Given an id and a secret, returns the key text: dsp_<id>_<secret>. */
export function formatApiKey(id: string, secret: string): string {
  return `${API_KEY_PREFIX}${id}_${secret}`;
}

/** Given a bearer token, returns its id and secret, or null when it is not an API key of this platform. */
export function parseApiKey(token: string): ApiKeyParts | null {
  const match = API_KEY_PATTERN.exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

/** Tells whether a token looks meant as an API key (its prefix), well-formed or not. */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

/** Given a secret and the stored hash, tells whether they match, in time independent of where they differ. */
export function secretMatches(secret: string, secretHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(secretHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

function material(id: string, secret: string): IssuedKeyMaterial {
  return { key: formatApiKey(id, secret), id, secretHash: hashSecret(secret) };
}

/** Returns a new random key: an 8-character id and a 256-bit secret. */
export function generateApiKey(): IssuedKeyMaterial {
  const id = Array.from({ length: ID_LENGTH }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');
  return material(id, randomBytes(SECRET_BYTES).toString('base64url'));
}

/**
 * Given a fixed secret and a name, returns the same well-formed key every time: demo credentials that a
 * README can print. Anyone who knows the fixed secret knows the keys, which is why production refuses them.
 */
export function deriveApiKey(fixedSecret: string, name: string): IssuedKeyMaterial {
  const derive = (purpose: string) => createHmac('sha256', fixedSecret).update(`${purpose}:${name}`, 'utf8').digest();
  const idBytes = derive('id');
  const id = Array.from({ length: ID_LENGTH }, (_, index) => ID_ALPHABET[idBytes[index]! % ID_ALPHABET.length]).join('');
  return material(id, derive('secret').toString('base64url'));
}

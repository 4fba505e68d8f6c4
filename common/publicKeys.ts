import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * Given the text form of an Ed25519 public key (base64 of its SPKI DER encoding, as AUDIT_TRUSTED_KEYS and
 * the witness keys are written), returns the key; throws an Error saying what is wrong with the text.
 */
export function parseEd25519PublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) throw new Error('not base64');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new Error('not a public key (base64 of its SPKI DER form)');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an ${key.asymmetricKeyType} key, not Ed25519`);
  return key;
}

/** Given a public key, returns its text form: base64 of its SPKI DER encoding. */
export function publicKeyText(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'der' }).toString('base64');
}

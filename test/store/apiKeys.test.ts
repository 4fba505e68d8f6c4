import { createHash } from 'node:crypto';
import { deriveApiKey, formatApiKey, generateApiKey, hashSecret, parseApiKey, secretMatches } from '../../gateway/store/apiKeys';

describe('API keys', () => {
  it('generates dsp_<8-character id>_<43-character base64url secret>, different every time', () => {
    const first = generateApiKey();
    const second = generateApiKey();
    expect(first.key).toMatch(/^dsp_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(first.key).not.toBe(second.key);
    expect(first.key.startsWith(`dsp_${first.id}_`)).toBe(true);
  });

  it('keeps only the SHA-256 of the secret, and matches the secret against it', () => {
    const issued = generateApiKey();
    const { id, secret } = parseApiKey(issued.key)!;
    expect(id).toBe(issued.id);
    expect(issued.secretHash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(secretMatches(secret, issued.secretHash)).toBe(true);
    expect(secretMatches(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`, issued.secretHash)).toBe(false);
  });

  it.each([
    'dsp_abcd1234_short',
    'dsp_ABCD1234_' + 'a'.repeat(43),
    'dsp_abcd123_' + 'a'.repeat(44),
    'xyz_abcd1234_' + 'a'.repeat(43),
    'dsp_abcd1234_' + 'a'.repeat(42) + '=',
    'dsp_abcd1234_' + 'a'.repeat(44),
  ])('does not parse %j', (token) => {
    expect(parseApiKey(token)).toBeNull();
  });

  it('derives the same well-formed key from the same secret and name, and another from another name', () => {
    const first = deriveApiKey('fixed', 'H56.20');
    expect(deriveApiKey('fixed', 'H56.20')).toEqual(first);
    expect(deriveApiKey('fixed', 'H56.01').key).not.toBe(first.key);
    expect(deriveApiKey('other', 'H56.20').key).not.toBe(first.key);
    expect(parseApiKey(first.key)).toEqual({ id: first.id, secret: first.key.slice(13) });
    expect(first.secretHash).toBe(hashSecret(first.key.slice(13)));
    expect(formatApiKey(first.id, first.key.slice(13))).toBe(first.key);
  });
});

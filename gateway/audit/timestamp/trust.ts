import fs from 'node:fs';
import { Certificate } from 'pkijs';
import type { TimestampingConfig } from '../../../common/config';
import type { TimestampTrust } from './tokenCheck';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/g;

/** Given PEM text, returns every certificate it holds, parsed; throws when one is not a certificate. */
export function certificatesOfPem(pem: string): Certificate[] {
  return [...pem.matchAll(PEM_CERTIFICATE)].map((match, index) => {
    try {
      return Certificate.fromBER(new Uint8Array(Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64')).buffer);
    } catch {
      throw new Error(`certificate ${index + 1} is not an X.509 certificate`);
    }
  });
}

/**
 * Given the TSA's settings, returns what its tokens are checked with: the certificates of AUDIT_TSA_CERTIFICATE
 * (the TSA's own, or its CA chain), its policy and the tolerance. Throws with the file's name when it holds none.
 */
export function timestampTrustOf(config: TimestampingConfig): TimestampTrust {
  let certificates: Certificate[];
  try {
    certificates = certificatesOfPem(fs.readFileSync(config.certificateFile, 'utf8'));
  } catch (error) {
    throw new Error(`AUDIT_TSA_CERTIFICATE ${config.certificateFile} cannot be read: ${(error as Error).message}`);
  }
  if (certificates.length === 0) throw new Error(`AUDIT_TSA_CERTIFICATE ${config.certificateFile} holds no PEM certificate`);
  return { certificates, policy: config.policy, toleranceMs: config.toleranceMs, since: config.since ? Date.parse(config.since) : null };
}

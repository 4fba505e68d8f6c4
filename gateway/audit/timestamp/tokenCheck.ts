import type { Certificate } from 'pkijs';
import { ExtKeyUsage, SignedData, SignedDataVerifyError, TSTInfo, TimeStampResp } from 'pkijs';
import './engine';
import { SHA256_OID, integerHex } from './protocol';

const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';
const TST_INFO_OID = '1.2.840.113549.1.9.16.1.4';
const EXTENDED_KEY_USAGE_OID = '2.5.29.37';
/** id-kp-timeStamping: the one purpose RFC 3161 §2.3 lets a TSA's certificate have. */
const TIME_STAMPING_PURPOSE = '1.3.6.1.5.5.7.3.8';
/** PKIStatus granted and grantedWithMods (RFC 3161 §2.4.2): a token was issued. */
const GRANTED = [0, 1];

/** What a token is checked with: the TSA's certificate or CA chain, the policy required, and how far genTime may lie from the checkpoint's time. */
export interface TimestampTrust {
  certificates: Certificate[];
  policy: string | null;
  toleranceMs: number;
  /** From when (ms since the epoch) every checkpoint must hold a token; null: from the first one the file names. */
  since?: number | null;
}

/** What a token must state: the checkpoint's time-stamped bytes and their digest (hex), the nonce asked with, and the checkpoint's time. */
export interface TokenExpectation {
  bytes: Buffer;
  digest: string;
  nonce: string;
  at: string;
}

/** A token's check: its genTime, or why it is not one (refused: the TSA said so itself, with an error status). */
export type TokenCheck = { valid: true; genTime: Date } | { valid: false; reason: string; refused: boolean };

const invalid = (reason: string, refused = false): TokenCheck => ({ valid: false, reason, refused });

/** Given a Buffer, returns an ArrayBuffer holding exactly its bytes (a Buffer may be a view into a larger pool). */
function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  return new Uint8Array(bytes).buffer;
}

/** Given the parsed response, returns its status's text for a person, e.g. "rejection (2): bad request". */
function statusText(response: TimeStampResp): string {
  const texts = (response.status.statusStrings ?? []).map((text) => text.valueBlock.value).join('; ');
  return `status ${response.status.status}${texts ? `: ${texts}` : ''}`;
}

/** Given a certificate, tells whether it may sign time-stamps: its extended key usage names id-kp-timeStamping. */
function timeStampingCertificate(certificate: Certificate): boolean {
  const extension = certificate.extensions?.find((candidate) => candidate.extnID === EXTENDED_KEY_USAGE_OID);
  return extension?.parsedValue instanceof ExtKeyUsage && extension.parsedValue.keyPurposes.includes(TIME_STAMPING_PURPOSE);
}

/** Given the response's SignedData, returns its TSTInfo, or why it holds none. */
function tstInfoOf(signedData: SignedData): TSTInfo | string {
  const { eContentType, eContent } = signedData.encapContentInfo;
  if (eContentType !== TST_INFO_OID || !eContent) return `the token holds ${eContentType}, not a TSTInfo`;
  try {
    return TSTInfo.fromBER(eContent.getValue());
  } catch {
    return 'its TSTInfo is not one';
  }
}

/** Given a TSTInfo and what it must state, returns why it does not, or null. */
function tstInfoMismatch(info: TSTInfo, expected: TokenExpectation, trust: TimestampTrust): string | null {
  const imprint = info.messageImprint;
  if (imprint.hashAlgorithm.algorithmId !== SHA256_OID) return `its messageImprint is of ${imprint.hashAlgorithm.algorithmId}, not SHA-256`;
  if (Buffer.from(imprint.hashedMessage.getValue()).toString('hex') !== expected.digest)
    return 'its messageImprint is not the digest of this checkpoint: the token is for something else';
  if (!info.nonce || integerHex(info.nonce) !== expected.nonce.replace(/^(00)+(?=.)/, '')) return 'its nonce is not the one the checkpoint was sent with';
  if (trust.policy !== null && info.policy !== trust.policy) return `it was issued under policy ${info.policy}, not ${trust.policy}`;
  const offset = info.genTime.getTime() - Date.parse(expected.at);
  if (!Number.isFinite(offset) || Math.abs(offset) > trust.toleranceMs)
    return `its genTime ${info.genTime.toISOString()} is ${Math.round(offset / 1000)} s from the checkpoint's time, beyond the tolerance of ${trust.toleranceMs / 1000} s`;
  return null;
}

/** Given a certificate, tells whether it is one of the configured ones itself (the TSA's own certificate pinned). */
function pinned(certificate: Certificate, trust: TimestampTrust): boolean {
  const der = Buffer.from(certificate.toSchema().toBER(false));
  return trust.certificates.some((candidate) => der.equals(Buffer.from(candidate.toSchema().toBER(false))));
}

/**
 * Given the SignedData of a token, the bytes it time-stamps and its genTime, returns why its signature or the
 * TSA's certificate does not verify, or null: the certificate must be a configured one, valid at genTime, or chain
 * to one (pkijs's chain validation, at genTime), and be issued for time-stamping.
 */
async function signatureProblem(signedData: SignedData, bytes: Buffer, genTime: Date, trust: TimestampTrust): Promise<string | null> {
  if (signedData.signerInfos.length !== 1) return `it has ${signedData.signerInfos.length} signers, not one`;
  // The signer's certificate may be the configured one itself, when the TSA left it out of the token.
  signedData.certificates = [...(signedData.certificates ?? []), ...trust.certificates];
  const data = arrayBufferOf(bytes);
  try {
    const signed = await signedData.verify({ signer: 0, data, checkChain: false, extendedMode: true });
    if (signed.signatureVerified !== true) return "the TSA's signature over its TSTInfo does not verify: the token was altered";
    const signer = signed.signerCertificate!;
    if (!timeStampingCertificate(signer)) return 'it is signed with a certificate not issued for time-stamping';
    if (pinned(signer, trust)) {
      if (genTime < signer.notBefore.value || genTime > signer.notAfter.value) return "its genTime lies outside the TSA certificate's validity";
      return null;
    }
    await signedData.verify({ signer: 0, data, trustedCerts: trust.certificates, checkChain: true, extendedMode: true });
    return null;
  } catch (error) {
    const message = error instanceof SignedDataVerifyError ? error.message : (error as Error).message;
    return `it does not verify against the configured TSA certificate (${message})`;
  }
}

/**
 * Given a TimeStampResp (DER), what its token must state and what it is trusted with, checks it as RFC 3161 §2.4.2
 * asks: a token was granted, its TSTInfo names this checkpoint's digest with SHA-256 and the nonce it was asked
 * with (and the policy required), its genTime lies within the tolerance of the checkpoint's time, and the TSA's
 * signature verifies with a time-stamping certificate that chains to the configured one at genTime. Returns
 * genTime, or why the token is not one.
 */
export async function checkTimeStampResponse(response: Buffer, expected: TokenExpectation, trust: TimestampTrust): Promise<TokenCheck> {
  let parsed: TimeStampResp;
  try {
    parsed = TimeStampResp.fromBER(arrayBufferOf(response));
  } catch {
    return invalid('the answer is not a TimeStampResp');
  }
  if (!GRANTED.includes(parsed.status.status)) return invalid(`the TSA granted no token (${statusText(parsed)})`, true);
  const token = parsed.timeStampToken;
  if (!token || token.contentType !== SIGNED_DATA_OID) return invalid('the answer holds no signed token');
  let signedData: SignedData;
  try {
    signedData = new SignedData({ schema: token.content });
  } catch {
    return invalid('its token is not a CMS SignedData');
  }
  const info = tstInfoOf(signedData);
  if (typeof info === 'string') return invalid(info);
  const mismatch = tstInfoMismatch(info, expected, trust);
  if (mismatch) return invalid(mismatch);
  const signature = await signatureProblem(signedData, expected.bytes, info.genTime, trust);
  return signature ? invalid(signature) : { valid: true, genTime: info.genTime };
}

import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import { AlgorithmIdentifier, MessageImprint, TimeStampReq } from 'pkijs';

/** The OID of SHA-256, the only digest a checkpoint is time-stamped with. */
export const SHA256_OID = '2.16.840.1.101.3.4.2.1';
/** What a TSA is asked with, and answers with (RFC 3161 §3.4). */
export const QUERY_MEDIA_TYPE = 'application/timestamp-query';
export const REPLY_MEDIA_TYPE = 'application/timestamp-reply';

/** Returns a fresh nonce, hex: 64 random bits, positive as an ASN.1 INTEGER (its first bit clear, its first byte not zero). */
export function newNonce(): string {
  const bytes = randomBytes(8);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** Given an ASN.1 INTEGER, returns its value's bytes as hex, without the leading zero bytes DER may add. */
export function integerHex(integer: asn1js.Integer): string {
  return Buffer.from(integer.valueBlock.valueHexView)
    .toString('hex')
    .replace(/^(00)+(?=.)/, '');
}

/**
 * Given a digest (SHA-256, hex), a nonce (hex) and the policy to ask for (or null), returns the DER of the
 * TimeStampReq: version 1, certReq set so that the token carries the TSA's certificate.
 */
export function timeStampRequest(digest: string, nonce: string, policy: string | null): Buffer {
  const request = new TimeStampReq({
    version: 1,
    messageImprint: new MessageImprint({
      hashAlgorithm: new AlgorithmIdentifier({ algorithmId: SHA256_OID }),
      hashedMessage: new asn1js.OctetString({ valueHex: Buffer.from(digest, 'hex') }),
    }),
    nonce: new asn1js.Integer({ valueHex: Buffer.from(nonce, 'hex') }),
    certReq: true,
    ...(policy === null ? {} : { reqPolicy: policy }),
  });
  return Buffer.from(request.toSchema().toBER(false));
}

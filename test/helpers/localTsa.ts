import { createHash, randomBytes, webcrypto } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as asn1js from 'asn1js';
import {
  AlgorithmIdentifier,
  Attribute,
  AttributeTypeAndValue,
  Certificate,
  ContentInfo,
  EncapsulatedContentInfo,
  ExtKeyUsage,
  Extension,
  IssuerAndSerialNumber,
  MessageImprint,
  PKIStatusInfo,
  SignedAndUnsignedAttributes,
  SignedData,
  SignerInfo,
  TSTInfo,
  TimeStampReq,
  TimeStampResp,
} from 'pkijs';
import '../../gateway/audit/timestamp/engine';
import { SHA256_OID } from '../../gateway/audit/timestamp/protocol';

const TST_INFO_OID = '1.2.840.113549.1.9.16.1.4';
const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';
const TIME_STAMPING_PURPOSE = '1.3.6.1.5.5.7.3.8';
const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/**
 * How the TSA answers: with a token (GRANT); with an RFC 3161 rejection (REJECT); with bytes that are no answer
 * (GARBAGE); with HTTP 400 (HTTP_ERROR); or with a token for another digest than the one asked (WRONG_DIGEST).
 */
export type LocalTsaMode = 'GRANT' | 'REJECT' | 'GARBAGE' | 'HTTP_ERROR' | 'WRONG_DIGEST';

/** What the TSA received: the content type and the request, parsed. */
export interface ReceivedRequest {
  contentType: string | undefined;
  request: TimeStampReq;
}

/** A Time-Stamping Authority for tests: an HTTP server that answers TimeStampReqs with tokens it signs with its own key. */
export interface LocalTsa {
  url: string;
  /** A PEM file of its self-signed certificate (extended key usage: time-stamping only). */
  certificateFile: string;
  mode: LocalTsaMode;
  /** When its tokens say they were made; the clock when left out. */
  genTime: (() => Date) | null;
  requests: ReceivedRequest[];
  /** Given a digest (hex), a nonce (hex) and a genTime, returns a TimeStampResp (DER) granting a token for them. */
  issue(digest: string, nonce: string, genTime: Date): Promise<Buffer>;
  close(): Promise<void>;
}

/** Given a name and a key pair, returns a self-signed certificate for time-stamping, valid from a day ago for a year. */
async function timeStampingCertificate(name: string, keys: webcrypto.CryptoKeyPair): Promise<Certificate> {
  const certificate = new Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ valueHex: randomBytes(8).map((byte, index) => (index === 0 ? byte & 0x7f : byte)) });
  for (const distinguished of [certificate.issuer, certificate.subject])
    distinguished.typesAndValues.push(new AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: name }) }));
  certificate.notBefore.value = new Date(Date.now() - 86_400_000);
  certificate.notAfter.value = new Date(Date.now() + 365 * 86_400_000);
  const usage = new ExtKeyUsage({ keyPurposes: [TIME_STAMPING_PURPOSE] });
  certificate.extensions = [new Extension({ extnID: '2.5.29.37', critical: true, extnValue: usage.toSchema().toBER(false), parsedValue: usage })];
  await certificate.subjectPublicKeyInfo.importKey(keys.publicKey);
  await certificate.sign(keys.privateKey, 'SHA-256');
  return certificate;
}

/** Given the TSA's certificate and key, a TSTInfo, signs it into a granted TimeStampResp (DER), the certificate inside. */
async function grantedResponse(certificate: Certificate, privateKey: webcrypto.CryptoKey, info: TSTInfo): Promise<Buffer> {
  const content = info.toSchema().toBER(false);
  const signedData = new SignedData({
    version: 3,
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: TST_INFO_OID, eContent: new asn1js.OctetString({ valueHex: content }) }),
    signerInfos: [
      new SignerInfo({
        version: 1,
        sid: new IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
        signedAttrs: new SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new Attribute({ type: '1.2.840.113549.1.9.3', values: [new asn1js.ObjectIdentifier({ value: TST_INFO_OID })] }),
            new Attribute({
              type: '1.2.840.113549.1.9.4',
              values: [new asn1js.OctetString({ valueHex: createHash('sha256').update(Buffer.from(content)).digest() })],
            }),
          ],
        }),
      }),
    ],
    certificates: [certificate],
  });
  await signedData.sign(privateKey, 0, 'SHA-256');
  const response = new TimeStampResp({
    status: new PKIStatusInfo({ status: 0 }),
    timeStampToken: new ContentInfo({ contentType: SIGNED_DATA_OID, content: signedData.toSchema(true) }),
  });
  return Buffer.from(response.toSchema().toBER(false));
}

/** Given a TimeStampResp (DER), returns it with its TSTInfo's genTime moved, its signature left as it was: a tampered token. */
export function withGenTime(responseDer: Buffer, genTime: Date): Buffer {
  const response = TimeStampResp.fromBER(new Uint8Array(responseDer).buffer);
  const signedData = new SignedData({ schema: response.timeStampToken!.content });
  const info = TSTInfo.fromBER(signedData.encapContentInfo.eContent!.getValue());
  info.genTime = genTime;
  signedData.encapContentInfo.eContent = new asn1js.OctetString({ valueHex: info.toSchema().toBER(false) });
  response.timeStampToken = new ContentInfo({ contentType: SIGNED_DATA_OID, content: signedData.toSchema(true) });
  return Buffer.from(response.toSchema().toBER(false));
}

/**
 * Given a directory for its certificate, a name and the policy it issues under, starts a TSA on an ephemeral port
 * of 127.0.0.1, with a new P-256 key and a self-signed certificate made for the test.
 */
export async function startLocalTsa(options: { directory: string; name?: string; policy?: string }): Promise<LocalTsa> {
  const name = options.name ?? 'Local test TSA';
  const policy = options.policy ?? '1.3.6.1.4.1.99999.1';
  const keys = (await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const certificate = await timeStampingCertificate(name, keys);
  fs.mkdirSync(options.directory, { recursive: true });
  const certificateFile = path.join(options.directory, `${name.replace(/\W+/g, '-')}.pem`);
  const der = Buffer.from(certificate.toSchema().toBER(false)).toString('base64');
  fs.writeFileSync(certificateFile, `-----BEGIN CERTIFICATE-----\n${der.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`);
  let serial = 1;
  const issue = (digest: string, nonce: string, genTime: Date) =>
    grantedResponse(
      certificate,
      keys.privateKey,
      new TSTInfo({
        version: 1,
        policy,
        messageImprint: new MessageImprint({
          hashAlgorithm: new AlgorithmIdentifier({ algorithmId: SHA256_OID }),
          hashedMessage: new asn1js.OctetString({ valueHex: Buffer.from(digest, 'hex') }),
        }),
        serialNumber: new asn1js.Integer({ value: serial++ }),
        genTime,
        nonce: new asn1js.Integer({ valueHex: Buffer.from(nonce, 'hex') }),
      }),
    );
  const tsa: LocalTsa = {
    url: '',
    certificateFile,
    mode: 'GRANT',
    genTime: null,
    requests: [],
    issue,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const answer = async (body: Buffer, contentType: string | undefined): Promise<{ status: number; body: Buffer }> => {
    if (tsa.mode === 'HTTP_ERROR') return { status: 400, body: Buffer.from('bad request') };
    if (tsa.mode === 'GARBAGE') return { status: 200, body: randomBytes(64) };
    if (tsa.mode === 'REJECT') {
      const rejection = new TimeStampResp({ status: new PKIStatusInfo({ status: 2, statusStrings: [new asn1js.Utf8String({ value: 'bad request' })] }) });
      return { status: 200, body: Buffer.from(rejection.toSchema().toBER(false)) };
    }
    const request = TimeStampReq.fromBER(new Uint8Array(body).buffer);
    tsa.requests.push({ contentType, request });
    const asked = Buffer.from(request.messageImprint.hashedMessage.getValue()).toString('hex');
    const digest = tsa.mode === 'WRONG_DIGEST' ? createHash('sha256').update(asked).digest('hex') : asked;
    const nonce = Buffer.from(request.nonce!.valueBlock.valueHexView).toString('hex');
    return { status: 200, body: await issue(digest, nonce, tsa.genTime?.() ?? new Date()) };
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      answer(Buffer.concat(chunks), request.headers['content-type']).then(
        ({ status, body }) => response.writeHead(status, { 'content-type': 'application/timestamp-reply' }).end(body),
        () => response.writeHead(400).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tsa.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
  return tsa;
}

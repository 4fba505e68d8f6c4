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
  BasicConstraints,
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

/** A certificate's issuer: its certificate and private key. */
interface Issuer {
  certificate: Certificate;
  privateKey: webcrypto.CryptoKey;
}

/** Given a name, returns the distinguished name of that common name. */
function commonName(name: string): AttributeTypeAndValue {
  return new AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: name }) });
}

/**
 * Given a name, its key pair, who issues it (itself when left out) and what it is for, returns a certificate valid
 * from a day ago for a year: a CA's (basic constraints cA, keyCertSign), or a TSA's (extended key usage
 * time-stamping only, unless told to leave it out).
 */
async function certificateFor(
  name: string,
  keys: webcrypto.CryptoKeyPair,
  options: { issuer?: Issuer; ca?: boolean; timeStamping?: boolean } = {},
): Promise<Certificate> {
  const certificate = new Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ valueHex: randomBytes(8).map((byte, index) => (index === 0 ? (byte & 0x7f) | 0x01 : byte)) });
  certificate.subject.typesAndValues.push(commonName(name));
  certificate.issuer.typesAndValues.push(options.issuer ? options.issuer.certificate.subject.typesAndValues[0]! : commonName(name));
  certificate.notBefore.value = new Date(Date.now() - 86_400_000);
  certificate.notAfter.value = new Date(Date.now() + 365 * 86_400_000);
  certificate.extensions = [];
  if (options.ca) {
    const constraints = new BasicConstraints({ cA: true });
    certificate.extensions.push(
      new Extension({ extnID: '2.5.29.19', critical: true, extnValue: constraints.toSchema().toBER(false), parsedValue: constraints }),
    );
    const usage = new asn1js.BitString({ valueHex: new Uint8Array([0x06]) });
    certificate.extensions.push(new Extension({ extnID: '2.5.29.15', critical: true, extnValue: usage.toBER(false), parsedValue: usage }));
  } else if (options.timeStamping !== false) {
    const usage = new ExtKeyUsage({ keyPurposes: [TIME_STAMPING_PURPOSE] });
    certificate.extensions.push(new Extension({ extnID: '2.5.29.37', critical: true, extnValue: usage.toSchema().toBER(false), parsedValue: usage }));
  }
  await certificate.subjectPublicKeyInfo.importKey(keys.publicKey);
  await certificate.sign(options.issuer?.privateKey ?? keys.privateKey, 'SHA-256');
  return certificate;
}

/** Given a certificate, returns it as PEM. */
function pemOf(certificate: Certificate): string {
  const der = Buffer.from(certificate.toSchema().toBER(false)).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${der.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
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
 * Given a directory for its certificates, a name, the policy it issues under and how its certificate is issued,
 * starts a TSA on an ephemeral port of 127.0.0.1, with a new P-256 key: its certificate self-signed (the file then
 * holds it), or issued by a CA made with it (the file then holds the CA's, the chain to trust); with
 * timeStamping false, a certificate without the time-stamping purpose.
 */
export async function startLocalTsa(options: {
  directory: string;
  name?: string;
  policy?: string;
  issuedByCa?: boolean;
  timeStamping?: boolean;
}): Promise<LocalTsa> {
  const name = options.name ?? 'Local test TSA';
  const policy = options.policy ?? '1.3.6.1.4.1.99999.1';
  const generate = async () => (await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const keys = await generate();
  let issuer: Issuer | undefined;
  if (options.issuedByCa) {
    const caKeys = await generate();
    issuer = { certificate: await certificateFor(`${name} CA`, caKeys, { ca: true }), privateKey: caKeys.privateKey };
  }
  const certificate = await certificateFor(name, keys, { ...(issuer ? { issuer } : {}), timeStamping: options.timeStamping ?? true });
  fs.mkdirSync(options.directory, { recursive: true });
  const certificateFile = path.join(options.directory, `${name.replace(/\W+/g, '-')}.pem`);
  fs.writeFileSync(certificateFile, pemOf(issuer?.certificate ?? certificate));
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

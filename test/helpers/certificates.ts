import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** PEM files a test made with the openssl command: two CAs, a server certificate and client certificates. */
export interface TestCertificates {
  directory: string;
  caFile: string;
  /** A CA that signed none of the certificates below but otherCaClient's: the wrong CA. */
  otherCaFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** A client certificate signed by the other CA. */
  otherCaClientCertFile: string;
  otherCaClientKeyFile: string;
  remove(): void;
}

function openssl(directory: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: directory, stdio: 'pipe' });
}

/** Given a CA's name, a certificate's name and its extensions, makes a key and a certificate the CA signs. */
function makeSigned(directory: string, ca: string, name: string, extensions: string): void {
  fs.writeFileSync(path.join(directory, `${name}.ext`), extensions);
  openssl(directory, [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${name}`,
  ]);
  openssl(directory, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '1',
    '-out',
    `${name}.pem`,
    '-extfile',
    `${name}.ext`,
  ]);
}

/**
 * Makes, in a fresh temporary directory, a CA with a server certificate for 127.0.0.1 and localhost and a client
 * certificate, and another CA with a client certificate of its own.
 */
export function makeTestCertificates(): TestCertificates {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-tls-'));
  for (const ca of ['ca', 'other-ca']) {
    openssl(directory, [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
      '-subj',
      `/CN=${ca}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
  }
  makeSigned(directory, 'ca', 'server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  makeSigned(directory, 'ca', 'client', 'extendedKeyUsage=clientAuth\n');
  makeSigned(directory, 'other-ca', 'other-client', 'extendedKeyUsage=clientAuth\n');
  const file = (name: string) => path.join(directory, name);
  return {
    directory,
    caFile: file('ca.pem'),
    otherCaFile: file('other-ca.pem'),
    serverCertFile: file('server.pem'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.pem'),
    clientKeyFile: file('client.key'),
    otherCaClientCertFile: file('other-client.pem'),
    otherCaClientKeyFile: file('other-client.key'),
    remove: () => fs.rmSync(directory, { recursive: true, force: true }),
  };
}

import fs from 'node:fs';
import path from 'node:path';

/** The gateway's side of TLS to the subgraphs: whom it trusts, and the certificate it shows when asked for one. */
export interface SubgraphTlsClientConfig {
  /** PEM file of the CA(s) an https subgraph's certificate must chain to; null trusts Node's bundled CAs. */
  caFile: string | null;
  /** PEM files of the gateway's client certificate and key (mutual TLS); both null or both set. */
  certFile: string | null;
  keyFile: string | null;
}

/** A subgraph's side: the certificate it serves https with, and the CA whose client certificates it requires. */
export interface SubgraphTlsServerConfig {
  certFile: string;
  keyFile: string;
  /** PEM file of the CA a caller's client certificate must chain to; null requires none. */
  clientCaFile: string | null;
}

export interface SubgraphTlsConfig {
  client: SubgraphTlsClientConfig;
  /** Null: the subgraphs serve plain HTTP. */
  server: SubgraphTlsServerConfig | null;
}

/**
 * Given the environment's reader and the list of problems, returns the TLS settings between the gateway and the
 * subgraphs (SUBGRAPH_TLS_CA, SUBGRAPH_TLS_CERT, SUBGRAPH_TLS_KEY for the gateway; SUBGRAPH_TLS_SERVER_CERT,
 * SUBGRAPH_TLS_SERVER_KEY, SUBGRAPH_TLS_CLIENT_CA for the subgraphs), adding a problem for a certificate without
 * its key and for a file that cannot be read, so that a start fails with exit 78 rather than at the first call.
 */
export function readSubgraphTls(read: (name: string) => string | undefined, problems: string[]): SubgraphTlsConfig {
  const file = (name: string): string | null => {
    const value = read(name);
    if (value === undefined) return null;
    const resolved = path.resolve(value);
    try {
      fs.accessSync(resolved, fs.constants.R_OK);
    } catch {
      problems.push(`${name} names a file that cannot be read: ${value}`);
    }
    return resolved;
  };
  const pair = (certName: string, keyName: string): [string | null, string | null] => {
    const cert = file(certName);
    const key = file(keyName);
    if ((cert === null) !== (key === null)) problems.push(`${certName} and ${keyName} go together: give both or neither`);
    return [cert, key];
  };
  const caFile = file('SUBGRAPH_TLS_CA');
  const [certFile, keyFile] = pair('SUBGRAPH_TLS_CERT', 'SUBGRAPH_TLS_KEY');
  const [serverCert, serverKey] = pair('SUBGRAPH_TLS_SERVER_CERT', 'SUBGRAPH_TLS_SERVER_KEY');
  const clientCaFile = file('SUBGRAPH_TLS_CLIENT_CA');
  if (clientCaFile !== null && serverCert === null)
    problems.push('SUBGRAPH_TLS_CLIENT_CA needs SUBGRAPH_TLS_SERVER_CERT and SUBGRAPH_TLS_SERVER_KEY: client certificates are asked for over TLS only');
  return {
    client: { caFile, certFile, keyFile },
    server: serverCert !== null && serverKey !== null ? { certFile: serverCert, keyFile: serverKey, clientCaFile } : null,
  };
}

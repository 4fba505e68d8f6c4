import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { ConnectionOptions, TLSSocket, TlsOptions } from 'node:tls';
import type { SubgraphTlsClientConfig, SubgraphTlsServerConfig } from './tlsConfig';

/** A server's TLS: what Node's https server is given, and whether a caller must show a client certificate. */
export interface ServerTls {
  options: TlsOptions;
  requireClientCertificate: boolean;
}

/**
 * Given the gateway's TLS settings, reads their files and returns the options of its connections to https
 * subgraphs: the CA to verify them with, and the client certificate shown to a subgraph that asks for one.
 * Nothing set returns no option: Node's bundled CAs, no client certificate.
 */
export function clientTlsOptions(config: SubgraphTlsClientConfig): ConnectionOptions {
  return {
    ...(config.caFile ? { ca: fs.readFileSync(config.caFile) } : {}),
    ...(config.certFile && config.keyFile ? { cert: fs.readFileSync(config.certFile), key: fs.readFileSync(config.keyFile) } : {}),
  };
}

/**
 * Given a subgraph's TLS settings, reads their files and returns its server's TLS. With a client CA the handshake
 * asks for a certificate but lets a connection without one (or with another CA's) through, so that Kubernetes'
 * probes, which present none, reach /health and /ready; every other route refuses it (clientCertificateRefusal).
 */
export function serverTls(config: SubgraphTlsServerConfig): ServerTls {
  const requireClientCertificate = config.clientCaFile !== null;
  return {
    options: {
      cert: fs.readFileSync(config.certFile),
      key: fs.readFileSync(config.keyFile),
      ...(requireClientCertificate ? { ca: fs.readFileSync(config.clientCaFile!), requestCert: true, rejectUnauthorized: false } : {}),
    },
    requireClientCertificate,
  };
}

/** Given a request that came over TLS, returns why its client certificate is refused, or null when it verified. */
export function clientCertificateRefusal(request: IncomingMessage): string | null {
  const socket = request.socket as TLSSocket;
  if (socket.authorized) return null;
  const certificate = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null;
  if (!certificate || Object.keys(certificate).length === 0) return 'the caller presented no client certificate';
  return `the caller's client certificate does not verify (${String(socket.authorizationError ?? 'unknown')})`;
}

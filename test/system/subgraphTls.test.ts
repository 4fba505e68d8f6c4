import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { Agent, fetch } from 'undici';
import { ACCESS_CONTEXT_HEADER, UNRESTRICTED_ACCESS, signAccessContext } from '../../common/accessContext';
import type { BuiltInSector } from '../../common/sectors';
import { ConfigError, loadConfig } from '../../common/config';
import { BUILT_IN_SECTORS, byBuiltInSector } from '../../common/sectors';
import type { RunningServer } from '../../common/subgraphServer';
import { clientTlsOptions } from '../../common/tls';
import type { SubgraphTlsConfig } from '../../common/tlsConfig';
import { poolFetcher } from '../../gateway/poolFetcher';
import { startGateway } from '../../gateway/server';
import { classifySubgraphFailure } from '../../gateway/subgraphFailure';
import { startSubgraph } from '../../subgraphs';
import type { RunningPlatform } from '../../system/platform';
import { startPlatform } from '../../system/platform';
import type { TestCertificates } from '../helpers/certificates';
import { makeTestCertificates } from '../helpers/certificates';
import type { TestDatabases } from '../helpers/database';
import { commandEnvironment, createTestDatabases } from '../helpers/database';
import { startScript, stopScript, waitForOutput } from '../helpers/process';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import { testAuditConfig } from '../helpers/platform';
import { configProblems } from '../helpers/configProblems';

const SIGNING_KEY = Buffer.from('s'.repeat(40));
const OPEN_QUERY = '{ schoolsByCommune(communeCode: "40778", first: 1) { nodes { code } } }';

/** Given a URL, a body and TLS options, POSTs JSON over https and returns the status and the parsed body. */
async function postOverTls(url: string, body: string, tls: ConnectionOptions, headers: Record<string, string> = {}) {
  const dispatcher = new Agent({ connect: tls });
  try {
    const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, dispatcher });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> } };
  } finally {
    await dispatcher.close();
  }
}

/** Given a subgraph and a body, returns the headers of a call the gateway signed for that subgraph. */
function signedFor(sector: BuiltInSector, body: string): Record<string, string> {
  return { [ACCESS_CONTEXT_HEADER]: signAccessContext(SIGNING_KEY, UNRESTRICTED_ACCESS, sector, body, Date.now()) };
}

describe('TLS between the gateway and the subgraphs', () => {
  let certificates: TestCertificates;
  let databases: TestDatabases;
  let dataDirectory: string;
  let platform: RunningPlatform;
  let tls: SubgraphTlsConfig;

  beforeAll(async () => {
    certificates = makeTestCertificates();
    databases = await createTestDatabases();
    dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-tls-data-'));
    // Read as an operator would give it, through the configuration module.
    tls = loadConfig({
      SUBGRAPH_TLS_CA: certificates.caFile,
      SUBGRAPH_TLS_CERT: certificates.clientCertFile,
      SUBGRAPH_TLS_KEY: certificates.clientKeyFile,
      SUBGRAPH_TLS_SERVER_CERT: certificates.serverCertFile,
      SUBGRAPH_TLS_SERVER_KEY: certificates.serverKeyFile,
      SUBGRAPH_TLS_CLIENT_CA: certificates.caFile,
    }).subgraphTls;
    const defaults = loadConfig({});
    platform = await startPlatform(databases.databases, {
      host: '127.0.0.1',
      gatewayPort: 0,
      subgraphPorts: byBuiltInSector(() => 0),
      subgraphTimeoutMs: 5000,
      queryLimits: defaults.queryLimits,
      signingKey: SIGNING_KEY,
      subgraphTls: tls,
      policy: { mode: 'deny', refreshMs: 200 },
      jwt: null,
      audit: testAuditConfig(dataDirectory, 'gateway-tls'),
      production: false,
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await databases?.destroy();
    fs.rmSync(dataDirectory, { recursive: true, force: true });
    certificates?.remove();
  });

  it('serves every subgraph over https, and the gateway reaches them with mutual TLS', async () => {
    for (const sector of BUILT_IN_SECTORS) expect(platform.subgraphs[sector].url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
    const answer = await postGraphQL(platform.gateway.url, OPEN_QUERY);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ schoolsByCommune: { nodes: expect.any(Array) } });
  });

  it("reports the https subgraphs ready, through the gateway's TLS", async () => {
    // Readiness is reported afresh once a second; under a loaded machine a first report may see a check time out.
    let ready = await fetch(new URL('/ready', platform.gateway.url));
    for (let attempt = 0; attempt < 4 && ready.status !== 200; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1100));
      ready = await fetch(new URL('/ready', platform.gateway.url));
    }
    const report = (await ready.json()) as { dependencies: Record<string, { status: string }> };
    expect(ready.status).toBe(200);
    for (const sector of BUILT_IN_SECTORS) expect(report.dependencies[sector]).toEqual({ status: 'up' });
  });

  it('refuses a signed call from a client without a certificate, and one whose certificate another CA signed', async () => {
    const body = JSON.stringify({ query: '{ _service { sdl } }' });
    const url = platform.subgraphs.education.url;
    const ca = fs.readFileSync(certificates.caFile);
    const without = await postOverTls(url, body, { ca }, signedFor('education', body));
    expect(without.status).toBe(401);
    expect(without.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'the caller presented no client certificate' });
    expect(without.body.data).toBeUndefined();
    const foreign = await postOverTls(
      url,
      body,
      { ca, cert: fs.readFileSync(certificates.otherCaClientCertFile), key: fs.readFileSync(certificates.otherCaClientKeyFile) },
      signedFor('education', body),
    );
    expect(foreign.status).toBe(401);
    expect(foreign.body.errors?.[0]?.extensions?.reason).toMatch(/^the caller's client certificate does not verify \(\w+\)$/);
    // The same call with the gateway's certificate passes: the refusals above are the certificate's alone.
    const admitted = await postOverTls(url, body, clientTlsOptions(tls.client), signedFor('education', body));
    expect(admitted.status).toBe(200);
  });

  it('answers the probes without a client certificate, as Kubernetes asks them', async () => {
    const dispatcher = new Agent({ connect: { ca: fs.readFileSync(certificates.caFile) } });
    try {
      for (const probe of ['/health', '/ready']) {
        const response = await fetch(new URL(probe, platform.subgraphs.land.url), { dispatcher });
        expect([probe, response.status]).toEqual([probe, 200]);
      }
    } finally {
      await dispatcher.close();
    }
  });

  /** Given the gateway's TLS options, starts a gateway without policy in front of the https subgraphs. */
  async function gatewayWith(subgraphTls: ConnectionOptions): Promise<RunningServer> {
    return startGateway({
      queryLimits: loadConfig({}).queryLimits,
      subgraphUrls: byBuiltInSector((sector) => platform.subgraphs[sector].url),
      subgraphTimeoutMs: 5000,
      signingKey: SIGNING_KEY,
      subgraphTls,
      enforcement: null,
    });
  }

  it('tells a gateway without a client certificate that the subgraph refused it (SUBGRAPH_AUTHENTICATION_FAILED)', async () => {
    const gateway = await gatewayWith({ ca: fs.readFileSync(certificates.caFile) });
    try {
      const answer = await postGraphQL(gateway.url, OPEN_QUERY);
      // schoolsByCommune is non-null: its error nulls the whole data.
      expect(answer.data).toBeNull();
      expect(errorCodes(answer)).toEqual(['SUBGRAPH_AUTHENTICATION_FAILED']);
      expect(answer.errors?.[0]?.extensions?.serviceName).toBe('education');
    } finally {
      await gateway.stop();
    }
  });

  it('refuses a subgraph whose certificate does not chain to SUBGRAPH_TLS_CA (SUBGRAPH_UNAVAILABLE, the reason logged)', async () => {
    const wrongCa: ConnectionOptions = {
      ca: fs.readFileSync(certificates.otherCaFile),
      cert: fs.readFileSync(certificates.clientCertFile),
      key: fs.readFileSync(certificates.clientKeyFile),
    };
    const gateway = await gatewayWith(wrongCa);
    try {
      const answer = await postGraphQL(gateway.url, OPEN_QUERY);
      // schoolsByCommune is non-null: its error nulls the whole data.
      expect(answer.data).toBeNull();
      expect(errorCodes(answer)).toEqual(['SUBGRAPH_UNAVAILABLE']);
      expect(answer.errors?.[0]?.message).toBe('The education subgraph is unavailable');
    } finally {
      await gateway.stop();
    }
    // What the operator's log says of it: the certificate's fault, by its code.
    const cause = await poolFetcher(5000, wrongCa)(platform.subgraphs.education.url, { method: 'POST', body: '{}' }).then(
      () => null,
      (error: unknown) => error,
    );
    const failure = classifySubgraphFailure(cause, 'education', 5000);
    expect(failure.code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(failure.reason).toMatch(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY) /);
  });

  it('start-subgraph serves https with SUBGRAPH_TLS_SERVER_*, probes included, and requires the client CA', async () => {
    const child = startScript(
      'start-subgraph.ts',
      ['land'],
      commandEnvironment(databases.config, {
        LAND_PORT: '0',
        SUBGRAPH_SIGNING_KEY: SIGNING_KEY.toString('utf8'),
        SUBGRAPH_TLS_SERVER_CERT: certificates.serverCertFile,
        SUBGRAPH_TLS_SERVER_KEY: certificates.serverKeyFile,
        SUBGRAPH_TLS_CLIENT_CA: certificates.caFile,
      }),
    );
    try {
      const [, url] = await waitForOutput(child, /land subgraph ready at (https:\/\/\S+\/graphql)/, 30_000);
      const dispatcher = new Agent({ connect: { ca: fs.readFileSync(certificates.caFile) } });
      try {
        expect((await fetch(new URL('/health', url), { dispatcher })).status).toBe(200);
      } finally {
        await dispatcher.close();
      }
      const body = JSON.stringify({ query: '{ _service { sdl } }' });
      const without = await postOverTls(url!, body, { ca: fs.readFileSync(certificates.caFile) }, signedFor('land', body));
      expect(without.status).toBe(401);
      expect((await postOverTls(url!, body, clientTlsOptions(tls.client), signedFor('land', body))).status).toBe(200);
    } finally {
      await stopScript(child);
    }
  });

  it('a plain-HTTP subgraph started without TLS settings still serves http', async () => {
    const subgraph = await startSubgraph('health', { db: databases.databases.health, signingKey: SIGNING_KEY, tls: loadConfig({}).subgraphTls.server });
    try {
      expect(subgraph.url).toMatch(/^http:\/\//);
    } finally {
      await subgraph.stop();
    }
  });
});

describe('the TLS settings', () => {
  it('refuses a certificate without its key, an unreadable file, and a client CA on a subgraph that serves no TLS', () => {
    const problems = configProblems;
    const existing = __filename;
    expect(problems({ SUBGRAPH_TLS_CERT: existing })).toEqual(['SUBGRAPH_TLS_CERT and SUBGRAPH_TLS_KEY go together: give both or neither']);
    expect(problems({ SUBGRAPH_TLS_SERVER_KEY: existing })).toEqual(['SUBGRAPH_TLS_SERVER_CERT and SUBGRAPH_TLS_SERVER_KEY go together: give both or neither']);
    expect(problems({ SUBGRAPH_TLS_CA: '/nonexistent/ca.pem' })).toEqual(['SUBGRAPH_TLS_CA names a file that cannot be read: /nonexistent/ca.pem']);
    expect(problems({ SUBGRAPH_TLS_CLIENT_CA: existing })).toEqual([
      'SUBGRAPH_TLS_CLIENT_CA needs SUBGRAPH_TLS_SERVER_CERT and SUBGRAPH_TLS_SERVER_KEY: client certificates are asked for over TLS only',
    ]);
    expect(() => loadConfig({ SUBGRAPH_TLS_CA: '/nonexistent/ca.pem' })).toThrow(ConfigError);
    expect(loadConfig({}).subgraphTls).toEqual({ client: { caFile: null, certFile: null, keyFile: null }, server: null });
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLoadBalancer } from '../../bench/loadBalancer';
import { TARGETS } from '../../bench/targets';
import { REPLICA_COUNT, replicaEnvironments, startOurGatewayReplicas } from '../../bench/targets/replicas';
import { TargetNotAvailable } from '../../bench/targets/started';
import { loadConfig } from '../../common/config';
import { byBuiltInSector, sectorNamed } from '../../common/sectors';
import { unusedUrl } from '../helpers/platform';

/** Starts a server that answers every request with its name and what it was sent. */
async function startEcho(name: string): Promise<{ origin: string; stop(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      response.setHeader('ratelimit-remaining', '7');
      response.end(JSON.stringify({ name, method: request.method, path: request.url, body, authorization: request.headers.authorization ?? null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the two-replica target', () => {
  it('is a target with policy, and gives each replica a chain of its own, quotas counted but never reached', () => {
    expect(TARGETS['ours-replicas']).toMatchObject({ name: 'ours-replicas', hasPolicy: true });
    const plans = replicaEnvironments({ MYSQL_HOST: 'db', GATEWAY_INSTANCE: 'x', PORT: '4000' }, '42', '/tmp/run');
    expect(plans).toHaveLength(REPLICA_COUNT);
    expect(plans.map((plan) => plan.instance)).toEqual(['bench-42-r1', 'bench-42-r2']);
    for (const plan of plans) {
      expect(plan.env).toMatchObject({ MYSQL_HOST: 'db', GATEWAY_INSTANCE: plan.instance, PORT: '0', AUDIT_DIRECTORY: '/tmp/run/audit' });
      // A configuration every replica accepts, with the largest budgets.
      const config = loadConfig({ ...plan.env, SUBGRAPH_SIGNING_KEY: 'k'.repeat(40) });
      expect(config.audit.instance).toBe(plan.instance);
      expect(config.quotas).toMatchObject({ requestsPerMinute: 10_000_000, costPerMinute: 1_000_000_000_000 });
    }
  });

  it('is not available on SQLite, with the reason the report prints', async () => {
    const config = loadConfig({ SUBGRAPH_SIGNING_KEY: 'k'.repeat(40) });
    const started = startOurGatewayReplicas({ config, subgraphUrls: byBuiltInSector(() => 'http://127.0.0.1:1/graphql'), supergraphSdl: '' });
    await expect(started).rejects.toThrow(TargetNotAvailable);
    await expect(started).rejects.toThrow(/need a MySQL gateway database/);
  });
});

describe('startLoadBalancer', () => {
  it('hands requests to each replica in turn, unchanged, and passes their answers back', async () => {
    const replicas = await Promise.all(['a', 'b'].map(startEcho));
    const balancer = await startLoadBalancer(replicas.map((replica) => replica.origin));
    try {
      const names: string[] = [];
      for (let index = 0; index < 4; index += 1) {
        const response = await fetch(`${balancer.baseUrl}/graphql?x=${index}`, {
          method: 'POST',
          headers: { authorization: 'Bearer k' },
          body: `{"n":${index}}`,
        });
        expect(response.headers.get('ratelimit-remaining')).toBe('7');
        const echoed = (await response.json()) as { name: string; method: string; path: string; body: string; authorization: string };
        expect(echoed).toMatchObject({ method: 'POST', path: `/graphql?x=${index}`, body: `{"n":${index}}`, authorization: 'Bearer k' });
        names.push(echoed.name);
      }
      expect(names).toEqual(['a', 'b', 'a', 'b']);
      expect(balancer.handed()).toEqual([2, 2]);
    } finally {
      await balancer.stop();
      await Promise.all(replicas.map((replica) => replica.stop()));
    }
  });

  it('hands a request to the next replica when one cannot be reached, and answers 502 when none can', async () => {
    const alive = await startEcho('alive');
    const gone = new URL(await unusedUrl()).origin;
    const balancer = await startLoadBalancer([gone, alive.origin]);
    try {
      for (let index = 0; index < 3; index += 1) {
        const response = await fetch(`${balancer.baseUrl}/graphql`, { method: 'POST', body: '{}' });
        expect(response.status).toBe(200);
        expect(((await response.json()) as { name: string }).name).toBe('alive');
      }
    } finally {
      await balancer.stop();
      await alive.stop();
    }
    const none = await startLoadBalancer([gone]);
    try {
      const response = await fetch(`${none.baseUrl}/graphql`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({ errors: [{ message: 'No replica answered', extensions: { code: 'BAD_GATEWAY' } }] });
    } finally {
      await none.stop();
    }
  });
});

/** The replicas share a MySQL gateway database: on MySQL only. */
(process.env.MYSQL_HOST ? describe : describe.skip)('the two-replica target on MySQL', () => {
  it('starts two replicas behind the balancer, both answering the bench’s callers', async () => {
    const { createTestDatabases, commandEnvironment } = await import('../helpers/database');
    const { startSubgraph } = await import('../../subgraphs');
    const { BUILT_IN_SECTORS } = await import('../../common/sectors');
    const databases = await createTestDatabases();
    const signingKey = 'bench-replicas-signing-key-of-32-characters-or-more';
    const subgraphs = await Promise.all(
      BUILT_IN_SECTORS.map((sector) =>
        startSubgraph(sector, { db: databases.databases[sector], signingKey: Buffer.from(signingKey), host: '127.0.0.1', port: 0 }),
      ),
    );
    const environment = commandEnvironment(databases.config, {
      SUBGRAPH_SIGNING_KEY: signingKey,
      ...Object.fromEntries(BUILT_IN_SECTORS.map((sector, index) => [`${sector.toUpperCase()}_URL`, subgraphs[index]!.url])),
    });
    try {
      const config = loadConfig(environment);
      const target = await startOurGatewayReplicas(
        { config, subgraphUrls: byBuiltInSector((sector) => sectorNamed(config.sectors, sector).url), supergraphSdl: '' },
        environment,
      );
      try {
        for (let index = 0; index < 4; index += 1) {
          const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
          expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
        }
      } finally {
        await target.stop();
      }
      // Stopped, each replica has shipped its outbox: both recorded what they answered.
      const instances = await databases.databases.gateway('audit_records').distinct('instance');
      expect(instances.map((row) => row.instance as string).sort()).toEqual([expect.stringMatching(/-r1$/), expect.stringMatching(/-r2$/)]);
    } finally {
      await Promise.all(subgraphs.map((server) => server.stop()));
      await databases.destroy();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startLoadBalancer } from '../../bench/loadBalancer';
import type { LoadBalancer } from '../../bench/loadBalancer';
import { BUILT_IN_SECTORS } from '../../common/sectors';
import type { BuiltInSector } from '../../common/sectors';
import { publicKeyText } from '../../common/publicKeys';
import type { RunningServer } from '../../common/subgraphServer';
import { seedAll } from '../../db/seed';
import { loadOrCreateSigningKey } from '../../gateway/audit/checkpoints';
import { seedDemoAgencies } from '../../gateway/store/demo';
import { PolicyRepository } from '../../gateway/store/policyRepository';
import { Stewardship } from '../../gateway/store/stewardship';
import { startSubgraph } from '../../subgraphs';
import type { TestDatabases } from '../helpers/database';
import { commandEnvironment, createTestDatabases } from '../helpers/database';
import { asAgency } from '../helpers/platform';
import { exitOf, startScript } from '../helpers/process';
import type { TcpProxy } from '../helpers/tcpProxy';
import { startTcpProxy } from '../helpers/tcpProxy';

const ROOT = path.resolve(__dirname, '../..');
/** Each replica in a node process of its own, loading TypeScript through tsx: SIGKILL then hits the gateway itself. */
const GATEWAY_COMMAND = [process.execPath, '--require', require.resolve('tsx/cjs'), 'scripts/start-gateway.ts'] as const;
const SIGNING_KEY = 'replicas-test-signing-key-of-at-least-32-characters';
const REFRESH_MS = 200;
const INSTANCES = ['replica-a', 'replica-b'] as const;
const IDENTITY = 'query Identity($id: ID!) { citizen(nationalId: $id) { nationalId fullName } }';
const SCHOOLS = '{ schoolsByCommune(communeCode: "40778", first: 5) { nodes { code name } } }';

/** A replica: its process, and what it said, kept so that its pipes never fill. */
interface Replica {
  instance: string;
  child: ChildProcess;
  output: string;
  url: string;
}

/** The replicas read the same MariaDB gateway database and the same Redis: a MySQL deployment's shape. */
const describeOnMysql = process.env.MYSQL_HOST ? describe : describe.skip;

describeOnMysql('two gateway replicas over one database and one Redis, behind a load balancer', () => {
  let databases: TestDatabases;
  let directory: string;
  let environment: NodeJS.ProcessEnv;
  let balancer: LoadBalancer;
  let graphqlUrl: string;
  const subgraphs: RunningServer[] = [];
  const replicas = new Map<string, Replica>();
  let keys: Map<string, string>;
  let nationalIds: string[];
  /** Redis, behind a proxy the quota test cuts. */
  let redisProxy: TcpProxy;

  function startReplica(instance: string): Promise<Replica> {
    const child = spawn(GATEWAY_COMMAND[0], GATEWAY_COMMAND.slice(1), {
      cwd: ROOT,
      env: { ...environment, GATEWAY_INSTANCE: instance },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const replica: Replica = { instance, child, output: '', url: '' };
    const keep = (chunk: Buffer) => (replica.output = (replica.output + chunk.toString()).slice(-20_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    replicas.set(instance, replica);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${instance} was not ready within 60 s: ${replica.output}`)), 60_000);
      const onData = () => {
        const match = replica.output.match(/Gateway ready at (http:\/\/\S+\/graphql)/);
        if (!match) return;
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        replica.url = match[1]!;
        resolve(replica);
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${instance} exited with ${code} before it was ready: ${replica.output}`));
      });
    });
  }

  /** Given a replica, stops it with SIGTERM and returns its exit code: its last records written and sealed. */
  async function stopReplica(replica: Replica): Promise<number | null> {
    if (replica.child.exitCode !== null || replica.child.signalCode !== null) return replica.child.exitCode;
    const exited = new Promise<number | null>((resolve) => replica.child.once('exit', (code) => resolve(code)));
    replica.child.kill('SIGTERM');
    return exited;
  }

  const post = (url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });

  beforeAll(async () => {
    databases = await createTestDatabases();
    await seedAll(databases.databases, { citizens: 40, randomSeed: 5 });
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-replicas-'));
    const urls = {} as Record<BuiltInSector, string>;
    for (const sector of BUILT_IN_SECTORS) {
      const server = await startSubgraph(sector, { db: databases.databases[sector], signingKey: Buffer.from(SIGNING_KEY, 'utf8'), host: '127.0.0.1', port: 0 });
      subgraphs.push(server);
      urls[sector] = server.url;
    }
    const credentials = await seedDemoAgencies(new Stewardship({ repository: new PolicyRepository(databases.databases.gateway) }), {
      dataDirectory: directory,
      production: false,
    });
    keys = new Map(credentials.map((credential) => [credential.agencyCode, credential.apiKey]));
    nationalIds = (await databases.databases.population('citizens').orderBy('national_id').limit(10)).map((row) => row.national_id as string);
    // One checkpoint key for both replicas, outside the audit directory and pinned, as production has it.
    const keyFile = path.join(directory, 'keys', 'audit-ed25519.pem');
    const checkpointKey = loadOrCreateSigningKey(keyFile, true);
    redisProxy = await startTcpProxy(6379);
    environment = commandEnvironment(databases.config, {
      PORT: '0',
      DATA_DIR: path.join(directory, 'data'),
      AUDIT_DIRECTORY: path.join(directory, 'audit'),
      AUDIT_SIGNING_KEY_FILE: keyFile,
      AUDIT_TRUSTED_KEYS: publicKeyText(checkpointKey.publicKey),
      AUDIT_VERIFIER_STATE: path.join(directory, 'verifier.json'),
      SUBGRAPH_SIGNING_KEY: SIGNING_KEY,
      POLICY_REFRESH_MS: String(REFRESH_MS),
      REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
      QUOTA_HEARTBEAT_MS: '500',
      REDIS_KEY_PREFIX: `dsp-test:${randomUUID()}:`,
      // Generous defaults: the load is one client, the balancer's address; the quota test sets its own.
      QUOTA_REQUESTS_PER_MINUTE: '1000000',
      QUOTA_COST_PER_MINUTE: '1000000000',
      HTTP_MAX_CONNECTIONS_PER_CLIENT: '256',
      LOG_LEVEL: 'warn',
      ...Object.fromEntries(BUILT_IN_SECTORS.map((sector) => [`${sector.toUpperCase()}_URL`, urls[sector]])),
    });
    for (const instance of INSTANCES) await startReplica(instance);
    balancer = await startLoadBalancer(INSTANCES.map((instance) => new URL(replicas.get(instance)!.url).origin));
    graphqlUrl = `${balancer.baseUrl}/graphql`;
  }, 120_000);

  afterAll(async () => {
    await balancer?.stop();
    for (const replica of replicas.values()) await stopReplica(replica);
    await Promise.all(subgraphs.map((server) => server.stop()));
    await redisProxy?.stop();
    await databases?.destroy();
    if (directory) fs.rmSync(directory, { recursive: true, force: true });
  });

  it('serves a mixed load through the balancer from both replicas, without an error', async () => {
    const police = asAgency(keys.get('H56.01')!, 'INVESTIGATION');
    let graphqlErrors = 0;
    const onResponse = (_status: number, body: string) => {
      if (body.includes('"errors"')) graphqlErrors += 1;
    };
    const requests = [
      { method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: SCHOOLS }), onResponse },
      ...nationalIds.slice(0, 4).map((id) => ({
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', ...police },
        body: JSON.stringify({ query: IDENTITY, variables: { id } }),
        onResponse,
      })),
      {
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', ...asAgency(keys.get('H56.15.01')!) },
        body: JSON.stringify({ query: '{ __typename }' }),
        onResponse,
      },
    ];
    const before = balancer.handed();
    const result = await new Promise<{ errors: number; timeouts: number; non2xx: number; requests: { total: number } }>((resolve, reject) =>
      autocannon({ url: balancer.baseUrl, connections: 6, duration: 3, timeout: 10, requests }, (error, done) => (error ? reject(error) : resolve(done))),
    );
    const handed = balancer.handed().map((count, index) => count - before[index]!);
    expect({ errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, graphqlErrors }).toEqual({
      errors: 0,
      timeouts: 0,
      non2xx: 0,
      graphqlErrors: 0,
    });
    expect(result.requests.total).toBeGreaterThan(30);
    // Round robin: each replica served about half.
    expect(Math.min(...handed)).toBeGreaterThanOrEqual(Math.floor(result.requests.total / 2) - 6);
  });

  it('applies a steward change made through one replica on the other within the refresh interval', async () => {
    const [first, second] = INSTANCES.map((instance) => replicas.get(instance)!);
    const adminOfFirst = new URL('/admin', first!.url).toString();
    const created = await post(
      adminOfFirst,
      'mutation { createApiKey(agencyCode: "H56.20", label: "replica test") { key } }',
      {},
      asAgency(keys.get('H56.10')!),
    );
    const key = ((await created.json()) as { data: { createApiKey: { key: string } } }).data.createApiKey.key;
    const madeAt = Date.now();
    // The first replica knows it at once; the second at its next refresh.
    expect((await post(first!.url, SCHOOLS, {}, asAgency(key))).status).toBe(200);
    let acceptedAfter: number | null = null;
    while (Date.now() - madeAt < 5000) {
      if ((await post(second!.url, SCHOOLS, {}, asAgency(key))).status === 200) {
        acceptedAfter = Date.now() - madeAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(acceptedAfter).not.toBeNull();
    // One poll interval plus one load of the policy, with room for a busy machine.
    expect(acceptedAfter!).toBeLessThan(REFRESH_MS + 1000);
  });

  it('shares a quota: requests over both replicas count once, and each refusal is audited by the replica that refused', async () => {
    // An agency of its own, which nothing else has counted yet.
    const stewardship = new Stewardship({ repository: new PolicyRepository(databases.databases.gateway) });
    await stewardship.createAgency({ kind: 'SYSTEM', task: 'test' }, { code: 'H56.40', name: 'Sở Xây dựng' });
    const { key } = await stewardship.createApiKey({ kind: 'SYSTEM', task: 'test' }, { agencyCode: 'H56.40' });
    const steward = asAgency(keys.get('H56.10')!);
    const set = await post(
      new URL('/admin', replicas.get(INSTANCES[0])!.url).toString(),
      'mutation { setQuota(input: { agencyCode: "H56.40", requestsPerMinute: 6 }) { effectiveRequestsPerMinute } }',
      {},
      steward,
    );
    expect(((await set.json()) as { data: unknown }).data).toEqual({ setQuota: { effectiveRequestsPerMinute: 6 } });
    await new Promise((resolve) => setTimeout(resolve, REFRESH_MS * 3 + 500));
    const statuses: number[] = [];
    for (let index = 0; index < 12; index += 1) statuses.push((await post(graphqlUrl, SCHOOLS, {}, asAgency(key))).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(6);
    expect(statuses.filter((status) => status === 429)).toHaveLength(6);
    // Both replicas applied the same count: each refused in its turn.
    const refusedBy = async () =>
      (await databases.databases.gateway('audit_records').where({ agency_code: 'H56.40', error_code: 'RATE_LIMITED' }).select('instance')).map(
        (row) => row.instance as string,
      );
    for (let attempt = 0; attempt < 50 && (await refusedBy()).length < 6; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    const instances = await refusedBy();
    expect(instances).toHaveLength(6);
    expect(new Set(instances)).toEqual(new Set(INSTANCES));
  });

  it('while Redis is down, each replica allows half of a quota: the two together allow it once', async () => {
    const stewardship = new Stewardship({ repository: new PolicyRepository(databases.databases.gateway) });
    await stewardship.createAgency({ kind: 'SYSTEM', task: 'test' }, { code: 'H56.41', name: 'Sở Giao thông Vận tải' });
    const { key } = await stewardship.createApiKey({ kind: 'SYSTEM', task: 'test' }, { agencyCode: 'H56.41' });
    const set = await post(
      new URL('/admin', replicas.get(INSTANCES[0])!.url).toString(),
      'mutation { setQuota(input: { agencyCode: "H56.41", requestsPerMinute: 8 }) { effectiveRequestsPerMinute } }',
      {},
      asAgency(keys.get('H56.10')!),
    );
    expect(((await set.json()) as { data: unknown }).data).toEqual({ setQuota: { effectiveRequestsPerMinute: 8 } });
    await new Promise((resolve) => setTimeout(resolve, REFRESH_MS * 3 + 500));
    // Each replica's heartbeat is in the gateway database.
    expect((await databases.databases.gateway('gateway_heartbeats').pluck('instance')).sort()).toEqual([...INSTANCES]);
    await redisProxy.cut();
    try {
      const answers: Response[] = [];
      for (let index = 0; index < 16; index += 1) answers.push(await post(graphqlUrl, SCHOOLS, {}, asAgency(key)));
      // Without the heartbeats each would allow all 8: 16 in all.
      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(8);
      const refused = answers.find((answer) => answer.status === 429)!;
      expect(refused.headers.get('ratelimit-limit')).toBe('4');
    } finally {
      await redisProxy.restore();
    }
    // Redis back: the replicas count there again, from what Redis held (nothing: every count was local).
    let status = 0;
    for (let attempt = 0; attempt < 40 && status !== 200; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = (await post(graphqlUrl, SCHOOLS, {}, asAgency(key))).status;
    }
    expect(status).toBe(200);
  });

  it('loses no audit record of an answered request when a replica is killed, and both chains verify', async () => {
    const police = asAgency(keys.get('H56.01')!, 'INVESTIGATION');
    const answered: string[] = [];
    const until = { stopped: false };
    const client = async (index: number) => {
      for (let request = 0; !until.stopped; request += 1) {
        const dossier = `HS-replica-${index}-${request}`;
        try {
          const response = await post(graphqlUrl, IDENTITY, { id: nationalIds[request % nationalIds.length] }, { ...police, 'x-dossier-id': dossier });
          const body = (await response.json()) as { data?: { citizen?: { fullName?: string } | null } };
          if (response.status === 200 && body.data?.citizen?.fullName) answered.push(dossier);
        } catch {
          // No answer came: nothing was handed to the client.
        }
      }
    };
    const loading = Promise.all(Array.from({ length: 6 }, (_, index) => client(index)));
    await new Promise((resolve) => setTimeout(resolve, 800));
    const killed = replicas.get(INSTANCES[1])!;
    const exited = new Promise((resolve) => killed.child.once('exit', resolve));
    killed.child.kill('SIGKILL');
    await exited;
    // The balancer hands the rest to the replica still running.
    await new Promise((resolve) => setTimeout(resolve, 600));
    until.stopped = true;
    await loading;
    expect(answered.length).toBeGreaterThan(20);

    // Restarted, the killed replica ships what its outbox held; then both stop cleanly, sealing their chains.
    await startReplica(INSTANCES[1]);
    // A replica announces itself ready a moment before it listens for signals.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const instance of INSTANCES) expect({ instance, code: await stopReplica(replicas.get(instance)!) }).toEqual({ instance, code: 0 });

    const stored = await databases.databases.gateway('audit_records').where('dossier_id', 'like', 'HS-replica-%').select('dossier_id', 'instance');
    const storedDossiers = new Set(stored.map((row) => row.dossier_id as string));
    expect(answered.filter((dossier) => !storedDossiers.has(dossier))).toEqual([]);
    expect(new Set(stored.map((row) => row.instance as string))).toEqual(new Set(INSTANCES));

    const verification = await exitOf(startScript('audit-verify.ts', [], environment));
    expect(verification).toMatchObject({ code: 0, stderr: '' });
    for (const instance of INSTANCES)
      expect(verification.stdout).toMatch(new RegExp(`instance ${instance}: \\d+ sound record\\(s\\), \\d+ checkpoint\\(s\\) up to seq \\d+: sound`));
    expect(verification.stdout).toMatch(/The audit trail is sound\./);
  });
});

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BuiltInSector } from '../../common/sectors';
import { BUILT_IN_SECTORS } from '../../common/sectors';
import type { RunningServer } from '../../common/subgraphServer';
import { seedAll } from '../../db/seed';
import { AuditRepository } from '../../gateway/audit/auditRepository';
import type { CheckpointKey } from '../../gateway/audit/checkpoints';
import { loadOrCreateSigningKey } from '../../gateway/audit/checkpoints';
import { publicKeyText } from '../../common/publicKeys';
import { verifyAuditTrail } from '../../gateway/audit/verify';
import { seedDemoAgencies } from '../../gateway/store/demo';
import { PolicyRepository } from '../../gateway/store/policyRepository';
import { Stewardship } from '../../gateway/store/stewardship';
import { startSubgraph } from '../../subgraphs';
import type { TestDatabases } from '../helpers/database';
import { commandEnvironment, createTestDatabases } from '../helpers/database';
import { asAgency } from '../helpers/platform';

const ROOT = path.resolve(__dirname, '../..');
/** The gateway runs in a node process of its own, loading TypeScript through tsx: kill -9 then hits the gateway itself, not a wrapper. */
const GATEWAY_COMMAND = [process.execPath, '--require', require.resolve('tsx/cjs'), 'scripts/start-gateway.ts'] as const;
const INSTANCE = 'gw-crash';
/** Shared by the gateway process and the subgraphs of this test: the environment carries it as text. */
const SIGNING_KEY = 'crash-test-signing-key-of-at-least-32-characters';
const IDENTITY = 'query Identity($id: ID!) { citizen(nationalId: $id) { nationalId fullName } }';
const CLIENTS = 8;
const ROUNDS = 3;

/** Given a child process, resolves with the gateway's URL once it says it is ready. */
function gatewayReady(child: ChildProcess, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    let ready = false;
    const timer = setTimeout(() => reject(new Error(`the gateway was not ready within ${timeoutMs} ms; output: ${output}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      // Once ready, the access lines of the load are read and dropped: matching a growing output over and over costs the test more than the gateway.
      if (ready) return;
      output += chunk.toString();
      const match = output.match(/Gateway ready at (http:\/\/\S+\/graphql)/);
      if (match) {
        ready = true;
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited with ${code} before it was ready; output: ${output}`));
    });
  });
}

describe('a gateway killed under load (kill -9)', () => {
  let databases: TestDatabases;
  let auditDirectory: string;
  const subgraphs: RunningServer[] = [];
  let environment: NodeJS.ProcessEnv;
  let apiKey: string;
  let nationalIds: string[];
  /** The gateway's checkpoint key, outside the audit directory and pinned, as production has it. */
  let checkpointKey: CheckpointKey;

  beforeAll(async () => {
    databases = await createTestDatabases();
    await seedAll(databases.databases, { citizens: 40, randomSeed: 11 });
    auditDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-audit-crash-'));
    const urls = {} as Record<BuiltInSector, string>;
    for (const sector of BUILT_IN_SECTORS) {
      const server = await startSubgraph(sector, { db: databases.databases[sector], signingKey: Buffer.from(SIGNING_KEY, 'utf8'), host: '127.0.0.1', port: 0 });
      subgraphs.push(server);
      urls[sector] = server.url;
    }
    const stewardship = new Stewardship({ repository: new PolicyRepository(databases.databases.gateway) });
    const credentials = await seedDemoAgencies(stewardship, { dataDirectory: auditDirectory, production: false });
    apiKey = credentials.find((credential) => credential.agencyCode === 'H56.01')!.apiKey;
    nationalIds = (await databases.databases.population('citizens').orderBy('national_id').limit(10)).map((row) => row.national_id as string);
    const keyFile = path.join(auditDirectory, 'keys', 'audit-ed25519.pem');
    checkpointKey = loadOrCreateSigningKey(keyFile, true);
    environment = commandEnvironment(databases.config, {
      PORT: '0',
      GATEWAY_INSTANCE: INSTANCE,
      AUDIT_DIRECTORY: path.join(auditDirectory, 'audit'),
      AUDIT_SIGNING_KEY_FILE: keyFile,
      AUDIT_TRUSTED_KEYS: publicKeyText(checkpointKey.publicKey),
      SUBGRAPH_SIGNING_KEY: SIGNING_KEY,
      LOG_LEVEL: 'info',
      ...Object.fromEntries(BUILT_IN_SECTORS.map((sector) => [`${sector.toUpperCase()}_URL`, urls[sector]])),
    });
  });

  afterAll(async () => {
    await Promise.all(subgraphs.map((server) => server.stop()));
    await databases?.destroy();
    fs.rmSync(auditDirectory, { recursive: true, force: true });
  });

  const startGateway = () => spawn(GATEWAY_COMMAND[0], GATEWAY_COMMAND.slice(1), { cwd: ROOT, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });

  /** Given the gateway's URL and a flag that ends the load, has CLIENTS clients ask for personal data, each with a dossier of its own; returns the dossiers answered. */
  async function load(url: string, round: number, until: { stopped: boolean }): Promise<string[]> {
    const answered: string[] = [];
    const client = async (index: number) => {
      for (let request = 0; !until.stopped; request += 1) {
        const dossier = `HS-crash-${round}-${index}-${request}`;
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...asAgency(apiKey, 'INVESTIGATION', { 'x-dossier-id': dossier }) },
            body: JSON.stringify({ query: IDENTITY, variables: { id: nationalIds[request % nationalIds.length] } }),
          });
          const body = (await response.json()) as { data?: { citizen?: { fullName?: string } | null } };
          // The client received personal data: its record must survive whatever happens to the gateway next.
          if (response.status === 200 && body.data?.citizen?.fullName) answered.push(dossier);
        } catch {
          // The gateway was killed under this request: no answer came.
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, index) => client(index)));
    return answered;
  }

  it('loses no record whose answer the client received, and its chain stays sound', async () => {
    const answered: string[] = [];
    const children: ChildProcess[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const child = startGateway();
      children.push(child);
      const url = await gatewayReady(child);
      const until = { stopped: false };
      const loading = load(url, round, until);
      // At a random point under load.
      await new Promise((resolve) => setTimeout(resolve, 400 + Math.random() * 800));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      until.stopped = true;
      answered.push(...(await loading));
    }
    // A last start ships what the last crash left in the outbox, then stops cleanly.
    const child = startGateway();
    await gatewayReady(child);
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // The script announces itself ready a moment before it listens for signals.
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill('SIGTERM');
    expect({ ...((await exited) as object), output }).toMatchObject({ code: 0, signal: null, output: expect.stringContaining('audit trail sealed') });

    expect(answered.length).toBeGreaterThan(ROUNDS * CLIENTS);
    // Every killed gateway is gone: none keeps writing the chain beside the next.
    expect(children.every((child) => child.exitCode !== null || child.signalCode !== null)).toBe(true);
    const stored = new Set(
      (await databases.databases.gateway('audit_records').where('instance', INSTANCE).select('dossier_id')).map((row) => row.dossier_id as string),
    );
    expect(answered.filter((dossier) => !stored.has(dossier))).toEqual([]);
    const verification = await verifyAuditTrail({
      repository: new AuditRepository(databases.databases.gateway),
      checkpointDirectory: path.join(auditDirectory, 'audit'),
      trustedKeys: [checkpointKey],
      checkpointIntervalMs: 60_000,
      graceMs: 30_000,
      instance: INSTANCE,
    });
    expect(verification.instances[0]).toMatchObject({ instance: INSTANCE, problem: null });
  });
});

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningServer } from '../../common/subgraphServer';
import { startSubgraph } from '../../subgraphs';
import { commandEnvironment, createTestDatabases } from '../helpers/database';
import type { TestDatabases } from '../helpers/database';
import { postGraphQL } from '../helpers/graphql';
import { startSilentServer, unusedUrl } from '../helpers/platform';
import { startScript, stopScript, waitForOutput } from '../helpers/process';

const ROOT = path.resolve(__dirname, '../..');
const SHARED_KEY = 'the key the gateway and its subgraphs share';

describe('npm run start:gateway in front of failing subgraphs', () => {
  let databases: TestDatabases;
  let directory: string;
  let otherKey: RunningServer;
  let silent: { url: string; stop(): Promise<void> };
  let child: ChildProcess;
  let gatewayUrl: string;
  let output = '';
  let errorOutput = '';

  beforeAll(async () => {
    databases = await createTestDatabases();
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-gateway-logs-'));
    otherKey = await startSubgraph('health', { db: databases.databases.health, signingKey: Buffer.from('a key that is not the gateway one') });
    silent = await startSilentServer();
    const environment = commandEnvironment(databases.config, {
      PORT: '0',
      SUBGRAPH_SIGNING_KEY: SHARED_KEY,
      SUBGRAPH_TIMEOUT_MS: '300',
      LOG_LEVEL: 'info',
      POPULATION_URL: await unusedUrl(),
      HEALTH_URL: otherKey.url,
      EDUCATION_URL: silent.url,
      AUDIT_DIRECTORY: path.join(directory, 'audit'),
    });
    child = startScript('start-gateway.ts', [], environment);
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (errorOutput += chunk.toString()));
    gatewayUrl = (await waitForOutput(child, /Gateway ready at (http:\/\/\S+\/graphql)/, 60_000))[1]!;
  });

  afterAll(async () => {
    if (child) await stopScript(child);
    await otherKey?.stop();
    await silent?.stop();
    await databases?.destroy();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  /** Returns the gateway's JSON log lines so far that carry the given message. */
  const linesSaying = (message: string): Array<Record<string, any>> =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, any>)
      .filter((line) => line.msg === message);

  it('gives each failure its own code and path, and logs it by code and message without a stack or a path', async () => {
    const response = await postGraphQL(
      gatewayUrl,
      '{ unit: administrativeUnit(code: "38") { name } facility: healthFacility(code: "00000") { name } school(code: "00000001") { name } }',
    );
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ unit: null, facility: null, school: null });
    expect(response.errors).toEqual([
      { message: 'The population subgraph is unavailable', path: ['unit'], extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'population' } },
      {
        message: "The health subgraph refused the gateway's signature",
        path: ['facility'],
        extensions: { code: 'SUBGRAPH_AUTHENTICATION_FAILED', serviceName: 'health' },
      },
      { message: 'The education subgraph did not answer within 300 ms', path: ['school'], extensions: { code: 'SUBGRAPH_TIMEOUT', serviceName: 'education' } },
    ]);

    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = linesSaying('subgraph call failed');
    expect(lines.map((line) => [line.level, line.subgraph, line.err.code]).sort()).toEqual([
      [40, 'education', 'SUBGRAPH_TIMEOUT'],
      [40, 'health', 'SUBGRAPH_AUTHENTICATION_FAILED'],
      [40, 'population', 'SUBGRAPH_UNAVAILABLE'],
    ]);
    const byService = new Map(lines.map((line) => [line.subgraph as string, line.err.message as string]));
    expect(byService.get('health')).toBe("The health subgraph refused the gateway's signature: the gateway signature does not verify");
    expect(byService.get('population')).toMatch(/^The population subgraph is unavailable: ECONNREFUSED/);
    expect(byService.get('education')).toBe('The education subgraph did not answer within 300 ms: no answer within 300 ms');
    for (const written of [output, errorOutput]) {
      expect(written).not.toMatch(/"stack"|\n\s+at |node_modules/);
      expect(written).not.toContain(ROOT);
    }
  });
});

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandEnvironment, createTestDatabases } from '../helpers/database';
import type { TestDatabases } from '../helpers/database';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import { startScript, stopScript, waitForOutput } from '../helpers/process';

describe('npm start', () => {
  let databases: TestDatabases;
  let dataDirectory: string;
  let child: ChildProcess;
  let gatewayUrl: string;

  beforeAll(async () => {
    databases = await createTestDatabases();
    dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-start-'));
    const environment = commandEnvironment(databases.config, {
      PORT: '0',
      POPULATION_PORT: '0',
      LAND_PORT: '0',
      HEALTH_PORT: '0',
      EDUCATION_PORT: '0',
      SEED_CITIZENS: '300',
    });
    // The demo credentials and the audit files go to a directory of this test's, on either engine.
    environment.AUDIT_DIRECTORY = path.join(dataDirectory, 'audit');
    if (databases.config.engine === 'mysql') environment.DATA_DIR = dataDirectory;
    child = startScript('start.ts', [], environment);
    child.stderr!.resume();
    gatewayUrl = (await waitForOutput(child, /Gateway ready at (http:\/\/\S+\/graphql)/, 60_000))[1]!;
  });

  afterAll(async () => {
    if (child) await stopScript(child);
    await databases?.destroy();
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  });

  it('migrates, seeds, registers the demo agencies and answers through the gateway', async () => {
    const open = await postGraphQL(gatewayUrl, '{ administrativeUnit(code: "38") { name level } }');
    expect(open.data).toEqual({ administrativeUnit: { name: 'Thanh Hóa', level: 'PROVINCE' } });
    const credentialsFile = path.join(databases.config.engine === 'sqlite' ? databases.config.dataDirectory : dataDirectory, 'demo-credentials.json');
    const { credentials } = JSON.parse(fs.readFileSync(credentialsFile, 'utf8')) as { credentials: Array<{ agencyCode: string; apiKey: string }> };
    const police = credentials.find((credential) => credential.agencyCode === 'H56.01')!;
    const { national_id: nationalId, full_name: fullName } = await databases.databases.population('citizens').first();
    const personal = await postGraphQL(gatewayUrl, 'query ($id: ID!) { citizen(nationalId: $id) { fullName } }', { id: nationalId }, {
      authorization: `Bearer ${police.apiKey}`,
      'x-purpose': 'INVESTIGATION',
    });
    expect(personal.data).toEqual({ citizen: { fullName } });
    const anonymous = await postGraphQL(gatewayUrl, 'query ($id: ID!) { citizen(nationalId: $id) { fullName } }', { id: nationalId });
    expect(errorCodes(anonymous)).toEqual(['FORBIDDEN']);
  });

  it('stops cleanly on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(gatewayUrl, { method: 'POST' })).rejects.toThrow();
  });
});

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandEnvironment, createTestDatabases } from '../helpers/database';
import type { TestDatabases } from '../helpers/database';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import { readPins } from '../../gateway/audit/trustAnchor';
import { WitnessClient } from '../../gateway/audit/witness/client';
import { WitnessStore } from '../../gateway/audit/witness/store';
import { startScript, stopScript, waitForOutput } from '../helpers/process';

describe('npm start', () => {
  let databases: TestDatabases;
  let dataDirectory: string;
  let child: ChildProcess;
  let gatewayUrl: string;
  /** Where npm start keeps its files: the SQLite directory, or the test's directory on MySQL. */
  const dataDirectoryOfStart = () => (databases.config.engine === 'sqlite' ? databases.config.dataDirectory : dataDirectory);

  beforeAll(async () => {
    databases = await createTestDatabases();
    dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-start-'));
    const environment = commandEnvironment(databases.config, {
      PORT: '0',
      POPULATION_PORT: '0',
      LAND_PORT: '0',
      HEALTH_PORT: '0',
      EDUCATION_PORT: '0',
      WITNESS_PORT: '0',
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
    const personal = await postGraphQL(
      gatewayUrl,
      'query ($id: ID!) { citizen(nationalId: $id) { fullName } }',
      { id: nationalId },
      {
        authorization: `Bearer ${police.apiKey}`,
        'x-purpose': 'INVESTIGATION',
      },
    );
    expect(personal.data).toEqual({ citizen: { fullName } });
    const anonymous = await postGraphQL(gatewayUrl, 'query ($id: ID!) { citizen(nationalId: $id) { fullName } }', { id: nationalId });
    expect(errorCodes(anonymous)).toEqual(['FORBIDDEN']);
  });

  it("runs a local audit witness, pinned beside the gateway's key, which countersigned the start", async () => {
    const pins = readPins(path.join(dataDirectoryOfStart(), 'keys', 'audit-pins.json'));
    expect(pins.gatewayKeys).toHaveLength(1);
    const [witness] = pins.witnesses;
    const register = await new WitnessClient(witness!).register();
    expect(register.map(({ checkpoint }) => checkpoint.reason)).toEqual(['START']);
  });

  it('stops cleanly on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(gatewayUrl, { method: 'POST' })).rejects.toThrow();
    // The witness took the gateway's STOP checkpoint before it stopped.
    const store = new WitnessStore(path.join(dataDirectoryOfStart(), 'witness', 'witness.sqlite'));
    try {
      expect(store.register().map(({ checkpoint }) => checkpoint.reason)).toEqual(['STOP']);
    } finally {
      store.close();
    }
  });
});

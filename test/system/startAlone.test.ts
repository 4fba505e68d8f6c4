import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandEnvironment, createTestDatabases } from '../helpers/database';
import { exitOf, startScript, waitForOutput } from '../helpers/process';

const SHARED_KEY = 'k'.repeat(40);
/** A sector's SDL that composes but classifies nothing of its own: a gateway could not decide its policy. */
const UNCLASSIFIED_BUSINESS_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Query { business(enterpriseCode: String!): Business }
type Business @key(fields: "enterpriseCode") { enterpriseCode: String! name: String! }
`;

/** Given settings, returns an environment of embedded databases in a fresh directory, without any signing key. */
function environmentWithout(dataDirectory: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { SUBGRAPH_SIGNING_KEY: _key, MYSQL_HOST: _host, NODE_ENV: _environment, ...rest } = process.env;
  return { ...rest, LOG_LEVEL: 'silent', DATA_DIR: dataDirectory, PORT: '0', POPULATION_PORT: '0', ...extra };
}

describe('the gateway and a subgraph started on their own', () => {
  let dataDirectory: string;

  beforeEach(() => {
    dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-alone-'));
  });

  afterEach(() => {
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  });

  it.each([
    ['start-gateway.ts', []],
    ['start-subgraph.ts', ['population']],
  ])('%s refuses to start without SUBGRAPH_SIGNING_KEY, exit code 78, before touching a database', async (script, args) => {
    const { code, stdout, stderr } = await exitOf(startScript(script, args, environmentWithout(dataDirectory)));
    expect(code).toBe(78);
    expect(stderr).toMatch(
      /Could not start: Invalid configuration:\n {2}- SUBGRAPH_SIGNING_KEY is required \(32\+ characters\) when the gateway and the subgraphs run as separate processes/,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).not.toMatch(/ready/);
    expect(fs.readdirSync(dataDirectory)).toEqual([]);
  });

  it.each([
    ['start-gateway.ts', []],
    ['start-subgraph.ts', ['population']],
  ])('%s refuses a key shorter than 32 characters', async (script, args) => {
    const { code, stderr } = await exitOf(startScript(script, args, environmentWithout(dataDirectory, { SUBGRAPH_SIGNING_KEY: 'too-short-a-key' })));
    expect(code).toBe(78);
    expect(stderr).toMatch(/SUBGRAPH_SIGNING_KEY must have at least 32 characters/);
    expect(stderr).not.toMatch(/too-short-a-key/);
  });

  it.each([
    ['a SECTORS_FILE with a misspelt key', 'sectors:\n  - name: business\n    owner: Sở Tài chính\n', /has unknown keys owner/],
    [
      'a sector whose SDL leaves a field unclassified',
      'sectors:\n  - name: business\n    ownerAgency: Sở Tài chính\n    port: 4006\n    schema: business.graphql\n',
      /Business\.name has no @classify/,
    ],
  ])('start-gateway refuses %s, exit code 78, before touching a database', async (_case, text, message) => {
    const configDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-sectors-'));
    try {
      fs.writeFileSync(path.join(configDirectory, 'business.graphql'), UNCLASSIFIED_BUSINESS_SDL);
      fs.writeFileSync(path.join(configDirectory, 'sectors.yaml'), text);
      const environment = environmentWithout(dataDirectory, { SUBGRAPH_SIGNING_KEY: SHARED_KEY, SECTORS_FILE: path.join(configDirectory, 'sectors.yaml') });
      const { code, stderr } = await exitOf(startScript('start-gateway.ts', [], environment));
      expect(code).toBe(78);
      expect(stderr).toMatch(/Could not start: Invalid configuration:/);
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(fs.readdirSync(dataDirectory)).toEqual([]);
    } finally {
      fs.rmSync(configDirectory, { recursive: true, force: true });
    }
  });

  it('start-subgraph serves with a shared key, and stops on Ctrl-C', async () => {
    const databases = await createTestDatabases();
    try {
      const child = startScript(
        'start-subgraph.ts',
        ['population'],
        commandEnvironment(databases.config, { POPULATION_PORT: '0', SUBGRAPH_SIGNING_KEY: SHARED_KEY }),
      );
      const exited = exitOf(child);
      const [, url] = await waitForOutput(child, /population subgraph ready at (http:\/\/\S+\/graphql)/, 30_000);
      const unsigned = await fetch(url!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      expect(unsigned.status).toBe(401);
      child.kill('SIGINT');
      expect((await exited).code).toBe(0);
    } finally {
      await databases.destroy();
    }
  });
});

import fs from 'node:fs';
import path from 'node:path';

import { loadConfig } from '../../common/config';
import { BUILT_IN_SECTORS, sectorNamed } from '../../common/sectors';
import { configurationVariables } from '../../common/configVariables';
import type { Manifest } from '../helpers/manifests';
import { NPM_SCRIPTS, ROOT, configurationProblems, execForm, npmScriptOf, parseDockerfile, readYamlDocuments } from '../helpers/manifests';

const VARIABLES = new Set(configurationVariables());
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const DEFAULTS = loadConfig({});
/** Settings that hold a secret: given only from the environment the operator keeps (.env, a Secret), never written down. */
const SECRET = /PASSWORD|SIGNING_KEY$/;
/** What tsconfig.json type-checks beside the runtime's sources: tests and the benchmark, which no container runs. */
const NOT_RUN = new Set(['test', 'bench']);

describe('the Dockerfile', () => {
  const instructions = parseDockerfile(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
  const finalStage = Math.max(...instructions.map((instruction) => instruction.stage));
  const inFinal = (keyword: string) => instructions.filter((instruction) => instruction.keyword === keyword && instruction.stage === finalStage);

  it('builds in stages from node:20-slim, the front end included', () => {
    const bases = instructions.filter((instruction) => instruction.keyword === 'FROM').map((instruction) => instruction.arguments.split(/\s+/)[0]);
    expect(bases.length).toBeGreaterThanOrEqual(2);
    expect(new Set(bases)).toEqual(new Set(['node:20-slim']));
    const runs = instructions.filter((instruction) => instruction.keyword === 'RUN' && instruction.stage < finalStage).map((run) => run.arguments);
    expect(runs.some((run) => run.includes('npm ci'))).toBe(true);
    expect(runs.some((run) => run.includes('npm run build:web'))).toBe(true);
    expect(Object.keys(NPM_SCRIPTS)).toContain('build:web');
    // The final stage installs and builds nothing: it takes what the build stage made.
    expect(inFinal('RUN').some((run) => /npm (ci|install)/.test(run.arguments))).toBe(false);
  });

  it('runs as a user that is not root', () => {
    const users = inFinal('USER').map((instruction) => instruction.arguments.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users.at(-1));
  });

  it('copies every directory the runtime loads, and the built web apps', () => {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };
    const copied = inFinal('COPY').map((instruction) =>
      instruction.arguments
        .replace(/^--from=\S+\s+/, '')
        .split(/\s+/)[0]!
        .replace(/^\/app\//, ''),
    );
    for (const directory of tsconfig.include.filter((included) => !NOT_RUN.has(included))) expect(copied).toContain(directory);
    expect(copied).toEqual(expect.arrayContaining(['node_modules', 'web/dist', 'package.json']));
    for (const source of copied.filter((copy) => copy !== 'node_modules' && copy !== 'web/dist'))
      expect([source, fs.existsSync(path.join(ROOT, source))]).toEqual([source, true]);
  });

  it('starts the gateway by default, and checks its health with the healthcheck script', () => {
    const [cmd] = inFinal('CMD');
    expect(npmScriptOf(execForm(cmd!.arguments))).toEqual({ npmScript: 'start:gateway', args: [] });
    const [healthcheck] = inFinal('HEALTHCHECK');
    const command = healthcheck!.arguments.slice(healthcheck!.arguments.indexOf('CMD'));
    expect(npmScriptOf(execForm(command))).toEqual({ npmScript: 'healthcheck', args: [] });
  });

  it("exposes the configuration's default ports", () => {
    const exposed = inFinal('EXPOSE').flatMap((instruction) => instruction.arguments.split(/\s+/).map(Number));
    expect(exposed.sort()).toEqual([DEFAULTS.gatewayPort, ...BUILT_IN_SECTORS.map((sector) => sectorNamed(DEFAULTS.sectors, sector).port)].sort());
  });

  it('completes the lock file before npm reads it, as CI does', () => {
    for (const run of instructions.filter((instruction) => instruction.keyword === 'RUN' && /npm (ci|prune)/.test(instruction.arguments))) {
      const completed = run.arguments.indexOf('complete-lockfile.js');
      expect(completed).toBeGreaterThan(-1);
      expect(completed).toBeLessThan(run.arguments.search(/npm (ci|prune)/));
    }
  });

  it('sets only variables the configuration reads', () => {
    for (const env of inFinal('ENV')) {
      const names = [...env.arguments.matchAll(/(\w+)=/g)].map((match) => match[1]!);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect([name, VARIABLES.has(name)]).toEqual([name, true]);
    }
  });
});

describe('.dockerignore', () => {
  const ignored = fs
    .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('keeps local installs, data, secrets and history out of the image, and nothing the build needs', () => {
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'data', '.git', '.env', 'web/dist', 'test-artifacts']));
    for (const needed of ['package.json', 'package-lock.json', 'README.md', 'web', 'scripts', 'common', 'gateway', 'schema'])
      expect([needed, ignored.includes(needed)]).toEqual([needed, false]);
  });
});

describe('compose.yaml', () => {
  const [compose] = readYamlDocuments(path.join(ROOT, 'compose.yaml')) as [Manifest];
  const services = compose.services as Record<string, Manifest>;
  const platform = Object.entries(services).filter(([, service]) => String(service.image).startsWith('dsp-platform:'));
  const always = platform.filter(([, service]) => service.profiles === undefined);

  it('runs the gateway and the four subgraphs from the one image, with MariaDB', () => {
    expect(always.map(([name]) => name).sort()).toEqual(['gateway', ...BUILT_IN_SECTORS].sort());
    for (const [, service] of platform) {
      expect(service.build).toBe('.');
      expect(service.image).toBe(`dsp-platform:${VERSION}`);
    }
    expect(String(services.mariadb?.image)).toMatch(/^mariadb:/);
    expect(fs.existsSync(path.join(ROOT, 'deploy/compose/mariadb-init.sql'))).toBe(true);
  });

  it('gives each service a command an npm script runs, a subgraph its own sector', () => {
    expect(npmScriptOf(services.gateway!.command)).toEqual({ npmScript: 'start:gateway', args: [] });
    for (const sector of BUILT_IN_SECTORS) {
      expect(npmScriptOf(services[sector]!.command)).toEqual({ npmScript: 'start:subgraph', args: [sector] });
      expect(npmScriptOf(services[sector]!.healthcheck.test.slice(1))).toEqual({ npmScript: 'healthcheck', args: [sector] });
    }
    expect(npmScriptOf(services.seed!.command).npmScript).toBe('seed');
  });

  it('sets only variables the configuration reads, and no secret but from .env', () => {
    for (const [name, service] of platform) {
      for (const [variable, value] of Object.entries(service.environment as Record<string, string>)) {
        expect([name, variable, VARIABLES.has(variable)]).toEqual([name, variable, true]);
        if (SECRET.test(variable)) expect(value).toMatch(/^\$\{\w+:\?[^}]+\}$/);
      }
    }
    // Whatever else is read from .env names a setting of the platform or MariaDB's own.
    const text = fs.readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8');
    for (const [, name] of text.matchAll(/\$\{(\w+)/g)) expect([name, VARIABLES.has(name!) || name === 'MARIADB_ROOT_PASSWORD']).toEqual([name, true]);
  });

  it("listens where the configuration's defaults say, and points the gateway at each subgraph's service and port", () => {
    const gateway = services.gateway!;
    expect(gateway.environment.PORT).toBe(String(DEFAULTS.gatewayPort));
    expect(gateway.ports).toEqual([`${DEFAULTS.gatewayPort}:${DEFAULTS.gatewayPort}`]);
    for (const sector of BUILT_IN_SECTORS) {
      const port = String(sectorNamed(DEFAULTS.sectors, sector).port);
      const prefix = sector.toUpperCase();
      expect(services[sector]!.environment[`${prefix}_PORT`]).toBe(port);
      expect(services[sector]!.expose).toEqual([port]);
      // Not published: only the gateway, on the compose network, reaches a subgraph.
      expect(services[sector]!.ports).toBeUndefined();
      expect(gateway.environment[`${prefix}_URL`]).toBe(`http://${sector}:${port}/graphql`);
    }
  });

  it('keeps the audit on a volume, under a stable instance name', () => {
    const gateway = services.gateway!;
    expect(gateway.volumes).toContain(`gateway-data:${gateway.environment.DATA_DIR ?? '/var/lib/dsp'}`);
    expect(gateway.environment.GATEWAY_INSTANCE).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(Object.keys(compose.volumes)).toContain('gateway-data');
  });

  it('gives every service a valid configuration, secrets aside', () => {
    for (const [name, service] of platform) {
      const environment = Object.fromEntries(
        Object.entries(service.environment as Record<string, string>).map(([variable, value]) => [variable, SECRET.test(variable) ? 'k'.repeat(40) : value]),
      );
      expect([name, configurationProblems(environment)]).toEqual([name, []]);
    }
  });
});

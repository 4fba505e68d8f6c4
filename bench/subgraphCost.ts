/**
 * `npx tsx bench/subgraphCost.ts [--citizens N] [--calls N] [--rounds N] [--warmup-calls N] [--concurrency N] [--compare] [--baseline DIR] [--profile DIR]`: what one subgraph
 * call of Q3 costs each subgraph, in CPU. A seeded platform (SQLite, or MySQL with MYSQL_HOST) answers Q3 for a
 * few citizens through our gateway, everything on, while the calls it makes to its subgraphs are recorded; each
 * subgraph is then started alone in a process of its own (production settings, as the bench runs it) and the
 * recorded calls are sent to it again, each signed anew, at the given concurrency. Its CPU (user and system, from
 * /proc) over the calls is divided by their number; the median of the rounds is shown. With --compare, a second
 * process of the same subgraph answers every request through Apollo Server's pipeline, measured in rounds that
 * alternate with the first's; with --baseline DIR, so does a process of the same subgraph from another checkout of
 * the code (`git archive <commit> | tar -x -C DIR`, node_modules linked). With --profile, each subgraph runs under `--cpu-prof`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { ACCESS_CONTEXT_HEADER, signAccessContext } from '../common/accessContext';
import type { AccessContext } from '../common/accessContext';
import type { BuiltInSector } from '../common/sectors';
import { BUILT_IN_SECTORS } from '../common/sectors';
import { asAgency, createFullAccessAgency, startSeededPlatform } from '../test/helpers/platform';
import { cpuSeconds, REPOSITORY_ROOT } from './processes';
import type { Fixtures } from './shapes';
import { SHAPES } from './shapes';
import { Random } from '../db/seed/random';
import type { TestDatabases } from '../test/helpers/database';

interface RecordedCall {
  sector: BuiltInSector;
  body: string;
  access: AccessContext;
}

function option(name: string, fallback: string | null): string | null {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const CITIZENS = Number(option('citizens', '300'));
const CALLS = Number(option('calls', '3000'));
const CONCURRENCY = Number(option('concurrency', '16'));
const PROFILE = option('profile', null);
const ROUNDS = Number(option('rounds', '3'));
/** Calls before the first round: the subgraph's code is compiled by then. */
const WARMUP_CALLS = Number(option('warmup-calls', '3000'));
/** Also run each subgraph with every request through Apollo Server (BENCH_SUBGRAPH_SHORTCUT=off), in alternate rounds. */
const COMPARE = process.argv.includes('--compare');
/** A checkout of the code to compare with (`git archive <commit> | tar -x -C DIR`): its subgraphs run in alternate rounds. */
const BASELINE = option('baseline', null);

/** The key the platform and the subgraphs share: SUBGRAPH_SIGNING_KEY is read as text. */
const SIGNING_KEY = Buffer.from(randomBytes(32).toString('hex'), 'utf8');

/** Given the test databases, returns the environment a subgraph process reads them from. */
function databaseEnvironment(databases: TestDatabases): Record<string, string> {
  const config = databases.config;
  if (config.engine === 'sqlite') return { DATA_DIR: config.dataDirectory };
  return Object.fromEntries(BUILT_IN_SECTORS.map((sector) => [`MYSQL_DATABASE_${sector.toUpperCase()}`, config.databases[sector]]));
}

/** Given a header the gateway signed, returns the access context it carries and the subgraph it is for. */
function claimsOf(header: string): { audience: BuiltInSector; access: AccessContext } {
  const claims = JSON.parse(Buffer.from(header.split('.')[0]!, 'base64url').toString('utf8')) as AccessContext & { audience: BuiltInSector };
  return { audience: claims.audience, access: { principal: claims.principal, purpose: claims.purpose, scope: claims.scope, masks: claims.masks } };
}

/** Records every signed call made to a server of this process while record runs. */
async function recordCalls<T>(record: () => Promise<T>): Promise<{ value: T; calls: RecordedCall[] }> {
  const calls: RecordedCall[] = [];
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string, ...args: [http.IncomingMessage, ...unknown[]]) {
    if (event === 'request') {
      const request = args[0];
      const header = request.headers[ACCESS_CONTEXT_HEADER];
      if (typeof header === 'string') {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const { audience, access } = claimsOf(header);
          calls.push({ sector: audience, body: Buffer.concat(chunks).toString('utf8'), access });
        });
      }
    }
    return (emit as (this: http.Server, ...all: unknown[]) => boolean).apply(this, [event, ...args]);
  } as typeof emit;
  try {
    return { value: await record(), calls };
  } finally {
    http.Server.prototype.emit = emit;
  }
}

function post(agent: http.Agent, url: URL, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Starts one subgraph in a process of its own, as the bench does, and returns it with its URL. */
function startChild(sector: BuiltInSector, env: NodeJS.ProcessEnv, variant: string, root: string): Promise<{ child: ChildProcess; url: string }> {
  const execArgv = ['--import', 'tsx', '--import', path.join(root, 'bench', 'children', 'production.ts')];
  if (PROFILE) execArgv.push('--cpu-prof', `--cpu-prof-dir=${path.join(PROFILE, `${sector}-${variant}`)}`);
  const child = fork(path.join(root, 'bench', 'children', 'subgraph.ts'), [sector], {
    cwd: root,
    env: { ...env, LOG_LEVEL: 'warn', APOLLO_TELEMETRY_DISABLED: 'true' },
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`subgraph ${sector} exited with ${code}`)));
    child.on('message', (message: { kind: string; url?: string; message?: string }) => {
      if (message.kind === 'ready') resolve({ child, url: message.url! });
      else if (message.kind !== 'reply') reject(new Error(message.message));
    });
  });
}

/** Sends the calls round and round at the concurrency, each signed anew; returns how many answered 200 without errors. */
async function replay(url: URL, calls: RecordedCall[], count: number, signingKey: Buffer): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  let good = 0;
  const worker = async () => {
    while (next < count) {
      const call = calls[next % calls.length]!;
      next += 1;
      const header = signAccessContext(signingKey, call.access, call.sector, call.body, Date.now());
      const answer = await post(agent, url, call.body, { [ACCESS_CONTEXT_HEADER]: header });
      if (answer.status === 200 && !answer.text.includes('"errors"')) good += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  agent.destroy();
  return good;
}

async function main(): Promise<void> {
  const seeded = await startSeededPlatform(CITIZENS, { signingKey: SIGNING_KEY });
  try {
    const key = await createFullAccessAgency(seeded.platform.stewardship);
    const ids = (await seeded.databases.databases.population('citizens').select('national_id').limit(40)).map(
      (row: { national_id: string }) => row.national_id,
    );
    const q3 = SHAPES.Q3;
    const { calls } = await recordCalls(async () => {
      for (const nationalId of ids) {
        const response = await fetch(seeded.platform.gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...asAgency(key, 'STATISTICS') },
          body: JSON.stringify(q3.body({ citizenIds: [nationalId] } as unknown as Fixtures, { sequence: 0, random: new Random(1) })),
        });
        const json = (await response.json()) as { errors?: unknown };
        if (json.errors) throw new Error(`Q3 failed: ${JSON.stringify(json.errors)}`);
      }
    });
    const keys = new Set(calls.map((call) => Object.keys(JSON.parse(call.body) as object).join(',')));
    process.stdout.write(`${calls.length} calls recorded; their bodies' members: ${[...keys].join(' | ')}\n`);
    const env = { ...process.env, ...databaseEnvironment(seeded.databases) };
    for (const sector of BUILT_IN_SECTORS) {
      const mine = calls.filter((call) => call.sector === sector);
      if (mine.length === 0) continue;
      const variants = [];
      const kinds = ['on', ...(COMPARE ? ['off'] : []), ...(BASELINE ? ['baseline'] : [])];
      for (const shortcut of kinds) {
        const childEnv = { ...env, SUBGRAPH_SIGNING_KEY: SIGNING_KEY.toString('utf8'), BENCH_SUBGRAPH_SHORTCUT: shortcut === 'off' ? 'off' : 'on' };
        const started = await startChild(sector, childEnv, shortcut, shortcut === 'baseline' ? BASELINE! : REPOSITORY_ROOT);
        await replay(new URL(started.url), mine, WARMUP_CALLS, SIGNING_KEY);
        variants.push({ shortcut, ...started, perCall: [] as number[] });
      }
      // Rounds alternate between the variants, so that both see the same load on a shared machine.
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const variant of variants) {
          const before = cpuSeconds(variant.child.pid!)!;
          const good = await replay(new URL(variant.url), mine, CALLS, SIGNING_KEY);
          if (good !== CALLS) throw new Error(`${sector}: ${CALLS - good} of ${CALLS} calls failed`);
          variant.perCall.push(((cpuSeconds(variant.child.pid!)! - before) * 1000) / CALLS);
        }
      }
      for (const variant of variants) {
        const sorted = [...variant.perCall].sort((a, b) => a - b);
        process.stdout.write(
          `${sector}, ${variant.shortcut === 'baseline' ? `baseline ${BASELINE}` : `shortcut ${variant.shortcut}`}: ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)} ms CPU per call, median of ${ROUNDS} rounds of ${CALLS} (${variant.perCall.map((value) => value.toFixed(3)).join(', ')})\n`,
        );
        variant.child.removeAllListeners('exit');
        await new Promise<void>((resolve) => {
          variant.child.once('exit', () => resolve());
          variant.child.disconnect();
        });
      }
    }
  } finally {
    await seeded.stop();
  }
}

void main();

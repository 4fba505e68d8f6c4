import { UsageError } from '../common/commandLine';
import type { ShapeName } from './shapes';
import { SHAPE_NAMES, isShapeName } from './shapes';
import type { TargetName } from './targets';
import { TARGET_NAMES, isTargetName } from './targets';

export const USAGE = `Usage: npm run bench -- [options]

Seeds dedicated databases (once per size), starts the four subgraphs and each gateway target as separate
processes pinned to CPUs, drives every query shape with autocannon and writes a report and a chart to
bench/results/<timestamp>/ and bench/results/latest.md.

  --citizens N          size of the data set (default 100000)
  --scale-citizens N    a second data set, seeded beforehand like the first (and kept), on which our gateway
                        with everything on is measured again in the same run (1000000 for the scale target)
  --duration S          measured seconds per run (default 30)
  --warmup S            least unmeasured seconds before each target, shape and concurrency; the warm-up goes on
                        until the CPU per request is steady (default 10; 0: none)
  --warmup-max S        most seconds of warm-up: a target still not steady then is measured and flagged (default 60)
  --repetitions N       measured runs per shape and concurrency; the report shows the median (default 3)
  --concurrency LIST    requests in flight (default 1,16: latency and throughput)
  --shapes LIST         of ${SHAPE_NAMES.join(',')} (default all)
  --targets LIST        of ${TARGET_NAMES.join(',')} (default all)
  --gateway-cpus LIST   CPUs of the gateway process (default 0)
  --subgraph-cpus LIST  CPUs of the four subgraph processes (default 1)
  --load-cpus LIST      CPUs of the load generator (default 1)
  --engine E            mysql (default) or sqlite (files in the run's temporary directory)
  --database-server S   own (default: the bench starts a MariaDB server of its own, data kept in data/bench-database)
                        or external (the server at MYSQL_HOST, MYSQL_PORT; only the process listening there is counted)
  --seed S              random seed of the data set and of the requests' variables (default 38)
  --profile             write a V8 CPU profile of every process the bench starts (gateways, subgraphs, load
                        generator) under the run's profiles/ directory, one folder per process, for Chrome DevTools
  --smoke               a few seconds: 2,000 citizens in SQLite, 1 s per shape, c=1, one repetition, no warm-up;
                        exits 1 when a target fails or every request errors
  --help                show this text
`;

export interface BenchOptions {
  citizens: number;
  /** A second data set measured in the same run (our gateway with everything on), or null. */
  scaleCitizens: number | null;
  durationSeconds: number;
  /** The least warm-up; it goes on until the CPU per request is steady, up to warmupMaxSeconds. */
  warmupSeconds: number;
  warmupMaxSeconds: number;
  repetitions: number;
  concurrencies: number[];
  shapes: ShapeName[];
  targets: TargetName[];
  cpus: { gateway: string; subgraphs: string; load: string };
  engine: 'mysql' | 'sqlite';
  databaseServer: 'own' | 'external';
  randomSeed: number;
  smoke: boolean;
  /** Whether each child process writes a V8 CPU profile into the run's directory. */
  profile: boolean;
  help: boolean;
}

export { UsageError };

const CPU_LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

/** Given the arguments after the script name, returns the options, or throws a UsageError that says what is wrong. */
export function parseBenchArguments(argv: readonly string[]): BenchOptions {
  const given = new Map<string, string>();
  const flags = new Set<string>();
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index]!;
    if (!argument.startsWith('--')) throw new UsageError(`unexpected argument "${argument}"`);
    const equals = argument.indexOf('=');
    const name = equals === -1 ? argument : argument.slice(0, equals);
    if (name === '--smoke' || name === '--profile' || name === '--help') {
      flags.add(name);
      continue;
    }
    const value = equals === -1 ? argv[++index] : argument.slice(equals + 1);
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    given.set(name, value);
  }
  const known = [
    '--citizens',
    '--scale-citizens',
    '--duration',
    '--warmup',
    '--warmup-max',
    '--repetitions',
    '--concurrency',
    '--shapes',
    '--targets',
    '--gateway-cpus',
    '--subgraph-cpus',
    '--load-cpus',
    '--engine',
    '--database-server',
    '--seed',
  ];
  for (const name of given.keys()) if (!known.includes(name)) throw new UsageError(`unknown option ${name}`);

  const smoke = flags.has('--smoke');
  const number = (name: string, fallback: number, min: number, max: number, whole = true): number => {
    const raw = given.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || (whole && !Number.isInteger(value)) || value < min || value > max) {
      throw new UsageError(`${name} must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  };
  const list = <T extends string>(name: string, allowed: readonly T[], isAllowed: (item: string) => item is T, fallback: readonly T[]): T[] => {
    const raw = given.get(name);
    if (raw === undefined) return [...fallback];
    const items = raw
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    const unknown = items.filter((item) => !isAllowed(item));
    if (unknown.length > 0 || items.length === 0) throw new UsageError(`${name} takes a comma-separated list of ${allowed.join(', ')}; got "${raw}"`);
    // Report order is the declared order, whatever order the list was written in.
    return allowed.filter((item) => items.includes(item));
  };
  const cpus = (name: string, fallback: string): string => {
    const raw = given.get(name) ?? fallback;
    if (!CPU_LIST.test(raw)) throw new UsageError(`${name} takes a CPU list such as 0 or 1 or 0,1, got "${raw}"`);
    return raw;
  };
  const concurrencyText = given.get('--concurrency') ?? (smoke ? '1' : '1,16');
  const concurrencies = concurrencyText.split(',').map((item) => Number(item.trim()));
  if (concurrencies.some((value) => !Number.isInteger(value) || value < 1 || value > 1000)) {
    throw new UsageError(`--concurrency takes a comma-separated list of whole numbers from 1 to 1000, got "${concurrencyText}"`);
  }
  const engine = given.get('--engine') ?? (smoke ? 'sqlite' : 'mysql');
  if (engine !== 'mysql' && engine !== 'sqlite') throw new UsageError(`--engine must be mysql or sqlite, got "${engine}"`);
  const databaseServer = given.get('--database-server') ?? 'own';
  if (databaseServer !== 'own' && databaseServer !== 'external') throw new UsageError(`--database-server must be own or external, got "${databaseServer}"`);
  const citizens = number('--citizens', smoke ? 2_000 : 100_000, 100, 10_000_000);
  const scaleCitizens = given.has('--scale-citizens') ? number('--scale-citizens', 0, 100, 10_000_000) : null;
  if (scaleCitizens === citizens) throw new UsageError(`--scale-citizens must differ from --citizens (${citizens})`);
  const warmupSeconds = number('--warmup', smoke ? 0 : 10, 0, 600, false);
  const warmupMaxSeconds = number('--warmup-max', warmupSeconds === 0 ? 0 : Math.max(60, warmupSeconds), 0, 3600, false);
  if (warmupMaxSeconds < warmupSeconds) throw new UsageError(`--warmup-max (${warmupMaxSeconds}) must be at least --warmup (${warmupSeconds})`);

  return {
    citizens,
    scaleCitizens,
    durationSeconds: number('--duration', smoke ? 1 : 30, 0.5, 3600, false),
    warmupSeconds,
    warmupMaxSeconds,
    repetitions: number('--repetitions', smoke ? 1 : 3, 1, 20),
    concurrencies: [...new Set(concurrencies)],
    shapes: list('--shapes', SHAPE_NAMES, isShapeName, SHAPE_NAMES),
    targets: list('--targets', TARGET_NAMES, isTargetName, TARGET_NAMES),
    cpus: { gateway: cpus('--gateway-cpus', '0'), subgraphs: cpus('--subgraph-cpus', '1'), load: cpus('--load-cpus', '1') },
    engine,
    databaseServer,
    randomSeed: number('--seed', 38, 0, 2 ** 31 - 1),
    smoke,
    profile: flags.has('--profile'),
    help: flags.has('--help'),
  };
}

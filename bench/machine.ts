import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPOSITORY_ROOT } from './processes';

/** What the numbers were measured on. */
export interface MachineFacts {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  /** Versions of the packages the targets run on. */
  packages: Record<string, string>;
  /** The database server's version, when MySQL was used. */
  database: string;
  /** 1-minute load average at the start and at the end: other work on the machine shows here. */
  loadAverageAtStart: number;
}

/** The packages whose versions the report names. */
const REPORTED_PACKAGES = [
  '@apollo/gateway',
  '@apollo/server',
  '@apollo/subgraph',
  '@graphql-hive/gateway',
  '@graphql-hive/gateway-runtime',
  '@graphql-hive/router-runtime',
  '@graphql-hive/router-query-planner',
  '@graphql-tools/delegate',
  '@graphql-tools/federation',
  'graphql',
  'knex',
  'mysql2',
  'better-sqlite3',
  'autocannon',
];

/** Given a package name, returns its installed version, or "not installed". */
function installedVersion(name: string): string {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPOSITORY_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string };
    return manifest.version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

/** Given the database server's version string, returns the facts of this machine and of the software under test. */
export function machineFacts(database: string): MachineFacts {
  const cpuModel =
    /^model name\s*:\s*(.+)$/m.exec(fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    // Not availableParallelism(): the bench pins itself, and that would count only its own CPUs.
    cpus: os.cpus().length,
    cpuModel: cpuModel.trim(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    packages: Object.fromEntries(REPORTED_PACKAGES.map((name) => [name, installedVersion(name)])),
    database,
    loadAverageAtStart: os.loadavg()[0]!,
  };
}

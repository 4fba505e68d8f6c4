import path from 'node:path';

/** The four sector databases, each owned by one agency and wrapped by one subgraph. */
export const SECTORS = ['population', 'land', 'health', 'education'] as const;
export type Sector = (typeof SECTORS)[number];

/** Given a function of a sector, returns its value for every sector. */
export function bySector<T>(valueOf: (sector: Sector) => T): Record<Sector, T> {
  return Object.fromEntries(SECTORS.map((sector) => [sector, valueOf(sector)])) as Record<Sector, T>;
}

/** Default ports: the gateway on 4000, the subgraphs on 4001..4004 in SECTORS order. */
const DEFAULT_SUBGRAPH_PORTS: Record<Sector, number> = { population: 4001, land: 4002, health: 4003, education: 4004 };

export type DatabaseConfig =
  | { engine: 'sqlite'; dataDirectory: string }
  | {
      engine: 'mysql';
      host: string;
      port: number;
      user: string;
      password: string;
      databases: Record<Sector, string>;
      poolMax: number;
    };

export interface SubgraphConfig {
  port: number;
  url: string;
}

/** Bounds on what one operation may ask of the gateway (graphql-armor). */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
}

export interface Config {
  production: boolean;
  queryLimits: QueryLimits;
  host: string;
  gatewayPort: number;
  subgraphTimeoutMs: number;
  subgraphs: Record<Sector, SubgraphConfig>;
  database: DatabaseConfig;
  logLevel: string;
  seed: { citizens: number; randomSeed: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Environment = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const MYSQL_DATABASE_NAME = /^[A-Za-z0-9_]{1,64}$/;

/**
 * Given the process environment, returns the validated configuration, or throws a ConfigError that
 * lists every bad value at once. MySQL is chosen when MYSQL_HOST is set; otherwise the embedded SQLite.
 */
export function loadConfig(environment: Environment = process.env): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = environment[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return Number(raw);
  };

  const host = read('HOST') ?? '127.0.0.1';
  const gatewayPort = integer('PORT', 4000, 0, 65535);
  const subgraphs = {} as Record<Sector, SubgraphConfig>;
  for (const sector of SECTORS) {
    const prefix = sector.toUpperCase();
    const port = integer(`${prefix}_PORT`, DEFAULT_SUBGRAPH_PORTS[sector], 0, 65535);
    const url = read(`${prefix}_URL`) ?? `http://${host}:${port}/graphql`;
    if (!/^https?:\/\/[^\s]+$/.test(url)) problems.push(`${prefix}_URL must be an http(s) URL, got "${url}"`);
    subgraphs[sector] = { port, url };
  }

  let database: DatabaseConfig;
  const mysqlHost = read('MYSQL_HOST');
  if (mysqlHost !== undefined) {
    const databases = {} as Record<Sector, string>;
    for (const sector of SECTORS) {
      const name = `MYSQL_DATABASE_${sector.toUpperCase()}`;
      const value = read(name) ?? `dsp_${sector}`;
      if (!MYSQL_DATABASE_NAME.test(value)) problems.push(`${name} may hold only letters, digits and _, got "${value}"`);
      databases[sector] = value;
    }
    const distinct = new Set(Object.values(databases));
    if (distinct.size !== SECTORS.length) problems.push('each sector needs its own MySQL database: MYSQL_DATABASE_* must differ');
    database = {
      engine: 'mysql',
      host: mysqlHost,
      port: integer('MYSQL_PORT', 3306, 1, 65535),
      user: read('MYSQL_USER') ?? 'root',
      password: environment.MYSQL_PASSWORD ?? '',
      databases,
      poolMax: integer('MYSQL_POOL_MAX', 10, 1, 500),
    };
  } else {
    database = { engine: 'sqlite', dataDirectory: path.resolve(read('DATA_DIR') ?? 'data') };
  }

  const logLevel = read('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);

  const config: Config = {
    production: read('NODE_ENV') === 'production',
    queryLimits: {
      maxDepth: integer('QUERY_MAX_DEPTH', 12, 1, 100),
      maxAliases: integer('QUERY_MAX_ALIASES', 30, 1, 1000),
      maxTokens: integer('QUERY_MAX_TOKENS', 5000, 10, 1000000),
      maxCost: integer('QUERY_MAX_COST', 20000, 1, 100000000),
    },
    host,
    gatewayPort,
    subgraphTimeoutMs: integer('SUBGRAPH_TIMEOUT_MS', 5000, 1, 600000),
    subgraphs,
    database,
    logLevel,
    seed: { citizens: integer('SEED_CITIZENS', 10000, 1, 10000000), randomSeed: integer('SEED_RANDOM', 38, 0, 2 ** 31 - 1) },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

let cached: Config | undefined;

/** Returns the process configuration, read and validated once. */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}

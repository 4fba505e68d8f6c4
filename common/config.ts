import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Environment } from './environment';
import { environmentReader, isInside } from './environment';
import { parseCorsOrigins } from './origins';
import type { WorkingCalendar } from './workingDays';
import { DEFAULT_CALENDAR_FILE, loadWorkingCalendar } from './workingDays';

/** The four sector databases, each owned by one agency and wrapped by one subgraph. */
export const SECTORS = ['population', 'land', 'health', 'education'] as const;
export type Sector = (typeof SECTORS)[number];

/** Given a function of a sector, returns its value for every sector. */
export function bySector<T>(valueOf: (sector: Sector) => T): Record<Sector, T> {
  return Object.fromEntries(SECTORS.map((sector) => [sector, valueOf(sector)])) as Record<Sector, T>;
}

/** Every database the platform keeps: the four sectors' and the gateway's own (policy, audit). */
export const DATABASES = [...SECTORS, 'gateway'] as const;
export type DatabaseName = (typeof DATABASES)[number];

/** How the gateway answers an operation that touches a field the caller may not read. */
export type PolicyMode = 'deny' | 'filter';

/** Where agency JWTs come from: the province's identity provider. */
export interface JwtConfig {
  issuer: string;
  audience: string;
  /** The claim that carries the agency code. */
  agencyClaim: string;
  /** The identity provider's JWKS, by URL or, inside a closed network, as a local file. */
  jwksUrl: string | null;
  jwksFile: string | null;
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
      databases: Record<DatabaseName, string>;
      poolMax: number;
    };

export interface SubgraphConfig {
  port: number;
  url: string;
}

/** Bounds on what one operation may ask of the gateway, measured on the operation with its fragments written out. */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  maxDirectives: number;
}

/** Bounds on what one client may hold of the gateway's HTTP server: time, body size, connections. */
export interface HttpLimits {
  /** Time allowed for a request's headers to arrive, from the connection or from the previous request. */
  headersTimeoutMs: number;
  /** Time allowed for a whole request, headers and body, to arrive. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** The largest request body accepted (HTTP 413 beyond). */
  maxBodyBytes: number;
  /** Open connections one remote address may hold at once; null for no bound (the subgraphs, behind the gateway). */
  maxConnectionsPerClient: number | null;
}

/** A witness of the audit's checkpoints: where it answers, and its Ed25519 public key (base64 SPKI DER). */
export interface WitnessEndpoint {
  url: string;
  publicKey: string;
}

/** The audit trail: where checkpoints go, how they are signed, how records are written. */
export interface AuditConfig {
  /** Names this gateway instance; each instance keeps its own hash chain. */
  instance: string;
  /** Directory outside the database where signed checkpoints are appended. */
  checkpointDirectory: string;
  /** PEM file of the gateway's Ed25519 private key, outside checkpointDirectory; created on first start outside production. */
  signingKeyFile: string;
  /** The Ed25519 public keys (base64 SPKI DER) a checkpoint may be signed with: pinned here, never read beside the data. */
  trustedKeys: string[];
  /**
   * Outside production only: where a gateway started with no trustedKeys pins the public key of the key it
   * generated (and `npm start` its local witness), outside checkpointDirectory; null in production.
   */
  pinFile: string | null;
  /** The witnesses every checkpoint is sent to, which countersign it and refuse one that goes back. */
  witnesses: WitnessEndpoint[];
  /** How long past its due time a checkpoint, or an index row, may be missing before the verifier reports it. */
  graceMs: number;
  /** The verifier's own memory of the last checkpoint it accepted per instance. */
  verifierStateFile: string;
  checkpointIntervalMs: number;
  /** How long records wait to be written together; responses with personal data wait for their record. */
  batchDelayMs: number;
  /**
   * Whether records go through a local outbox (a SQLite file on the gateway's own disk): a record is then durable
   * once the outbox has committed it, and reaches the database within shipDelayMs; without one, once the
   * database has committed it.
   */
  outbox: boolean;
  /** Where the outbox's files are; read at start even with the outbox off, so that no record left there is ignored. */
  outboxDirectory: string;
  /** Where an earlier release kept its audit journal: a start refuses one that holds records the database lacks. */
  legacyJournalDirectory: string;
  /** How long records wait in the outbox to be shipped to the database together. */
  shipDelayMs: number;
  /** How long a gateway whose audit directory has no room for the audit's files waits before it tries again. */
  retryMs: number;
  /** The least time between the starts of two durable writes: under load, records wait up to this long to share one. */
  writeIntervalMs: number;
  /** Reads by these agencies appear in a citizen's tracker only after the delay (e.g. police investigations). */
  deferredAgencies: string[];
  deferralDays: number;
}

/**
 * How citizens sign in to their page at /citizen: the province's identity provider over OpenID Connect
 * (authorization code with PKCE), or, outside production only, the gateway's embedded development provider.
 */
export type CitizenSignInConfig =
  | {
      kind: 'oidc';
      issuer: string;
      clientId: string;
      clientSecret: string | null;
      /** Where the provider sends the citizen back: this gateway's /citizen/callback as the provider knows it. */
      redirectUrl: string;
      /** The ID token's claim that carries the national ID. */
      subjectClaim: string;
    }
  | { kind: 'development' };

export interface CitizenConfig {
  signIn: CitizenSignInConfig;
  /** How long a citizen's session lasts. */
  sessionTtlMs: number;
}

export interface Config {
  production: boolean;
  /** Where local files go: the SQLite databases, demo credentials, audit checkpoints. */
  dataDirectory: string;
  queryLimits: QueryLimits;
  /** The gateway's HTTP server, which faces every agency. */
  httpLimits: HttpLimits;
  host: string;
  gatewayPort: number;
  subgraphTimeoutMs: number;
  subgraphs: Record<Sector, SubgraphConfig>;
  database: DatabaseConfig;
  logLevel: string;
  /** The key the gateway signs each subgraph call's access context with, and the subgraphs verify. */
  signingKey: Buffer;
  /** True when SUBGRAPH_SIGNING_KEY was not given and signingKey was made for this process alone. */
  signingKeyGenerated: boolean;
  policy: { mode: PolicyMode; refreshMs: number };
  jwt: JwtConfig | null;
  audit: AuditConfig;
  seed: { citizens: number; randomSeed: number };
  /** Origins whose web pages may call the gateway (CORS_ORIGINS); empty: same origin only. */
  corsOrigins: string[];
  /** The working days that legal deadlines count (WORKING_CALENDAR_FILE; the built-in Vietnamese public holidays otherwise). */
  workingCalendar: WorkingCalendar;
  /** The citizens' page: how they sign in, how long they stay signed in. */
  citizen: CitizenConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const MYSQL_DATABASE_NAME = /^[A-Za-z0-9_]{1,64}$/;

/**
 * Given the process environment, returns the validated configuration, or throws a ConfigError that
 * lists every bad value at once. MySQL is chosen when MYSQL_HOST is set; otherwise the embedded SQLite.
 */
export function loadConfig(environment: Environment = process.env): Config {
  const problems: string[] = [];
  const { read, integer, publicKeys } = environmentReader(environment, problems);

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

  const dataDirectory = path.resolve(read('DATA_DIR') ?? 'data');
  let database: DatabaseConfig;
  const mysqlHost = read('MYSQL_HOST');
  if (mysqlHost !== undefined) {
    const databases = {} as Record<DatabaseName, string>;
    for (const store of DATABASES) {
      const name = `MYSQL_DATABASE_${store.toUpperCase()}`;
      const value = read(name) ?? `dsp_${store}`;
      if (!MYSQL_DATABASE_NAME.test(value)) problems.push(`${name} may hold only letters, digits and _, got "${value}"`);
      databases[store] = value;
    }
    const distinct = new Set(Object.values(databases));
    if (distinct.size !== DATABASES.length) problems.push('each sector and the gateway need their own MySQL database: MYSQL_DATABASE_* must differ');
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
    database = { engine: 'sqlite', dataDirectory };
  }

  const logLevel = read('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);

  const production = read('NODE_ENV') === 'production';
  const rawSigningKey = read('SUBGRAPH_SIGNING_KEY');
  let signingKey: Buffer;
  if (rawSigningKey !== undefined) {
    if (rawSigningKey.length < 32) problems.push('SUBGRAPH_SIGNING_KEY must have at least 32 characters');
    signingKey = Buffer.from(rawSigningKey, 'utf8');
  } else {
    if (production) problems.push('SUBGRAPH_SIGNING_KEY is required in production: the gateway and every subgraph must share it');
    // One process runs everything in development: a fresh key per process is shared by all of it.
    signingKey = randomBytes(32);
  }
  const policyMode = read('POLICY_MODE') ?? 'deny';
  if (policyMode !== 'deny' && policyMode !== 'filter') problems.push(`POLICY_MODE must be deny or filter, got "${policyMode}"`);
  const jwtIssuer = read('JWT_ISSUER');
  let jwt: JwtConfig | null = null;
  if (jwtIssuer !== undefined) {
    const jwksUrl = read('JWT_JWKS_URL') ?? null;
    const jwksFile = read('JWT_JWKS_FILE') ?? null;
    if ((jwksUrl === null) === (jwksFile === null)) problems.push('with JWT_ISSUER set, give exactly one of JWT_JWKS_URL and JWT_JWKS_FILE');
    const audience = read('JWT_AUDIENCE');
    if (audience === undefined) problems.push('with JWT_ISSUER set, JWT_AUDIENCE is required');
    jwt = { issuer: jwtIssuer, audience: audience ?? '', agencyClaim: read('JWT_AGENCY_CLAIM') ?? 'agency_code', jwksUrl, jwksFile };
  }

  const auditDirectory = path.resolve(read('AUDIT_DIRECTORY') ?? path.join(dataDirectory, 'audit'));
  // An outbox spares each answer a round trip and a commit on a database server; SQLite is on the local disk already.
  const outboxSetting = read('AUDIT_OUTBOX') ?? (mysqlHost === undefined ? 'off' : 'on');
  if (outboxSetting !== 'on' && outboxSetting !== 'off') problems.push(`AUDIT_OUTBOX must be on or off, got "${outboxSetting}"`);
  if (read('AUDIT_JOURNAL') !== undefined) problems.push('AUDIT_JOURNAL is no longer read: the local journal was replaced by the outbox (AUDIT_OUTBOX=on|off)');
  const deferredAgencies = (read('AUDIT_DEFERRED_AGENCIES') ?? 'H56.01')
    .split(',')
    .map((code) => code.trim())
    .filter(Boolean);
  const audit: AuditConfig = {
    instance: read('GATEWAY_INSTANCE') ?? os.hostname(),
    checkpointDirectory: auditDirectory,
    signingKeyFile: path.resolve(read('AUDIT_SIGNING_KEY_FILE') ?? path.join(dataDirectory, 'keys', 'audit-ed25519.pem')),
    trustedKeys: publicKeys('AUDIT_TRUSTED_KEYS'),
    pinFile: production ? null : path.join(dataDirectory, 'keys', 'audit-pins.json'),
    witnesses: witnessEndpoints(read('AUDIT_WITNESS_URLS'), publicKeys('AUDIT_WITNESS_KEYS'), problems),
    graceMs: integer('AUDIT_GRACE_MS', 30000, 0, 86400000),
    verifierStateFile: path.resolve(read('AUDIT_VERIFIER_STATE') ?? path.join(dataDirectory, 'audit-verifier', 'state.json')),
    checkpointIntervalMs: integer('AUDIT_CHECKPOINT_MS', 60000, 1000, 86400000),
    batchDelayMs: integer('AUDIT_BATCH_MS', 0, 0, 1000),
    outbox: outboxSetting === 'on',
    outboxDirectory: path.join(auditDirectory, 'outbox'),
    legacyJournalDirectory: path.join(auditDirectory, 'journal'),
    shipDelayMs: integer('AUDIT_SHIP_MS', 100, 0, 5000),
    writeIntervalMs: integer('AUDIT_WRITE_INTERVAL_MS', 2, 0, 100),
    retryMs: integer('AUDIT_RETRY_MS', 2000, 10, 600000),
    deferredAgencies,
    deferralDays: integer('AUDIT_DEFERRAL_DAYS', 90, 0, 3650),
  };
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(audit.instance))
    problems.push(`GATEWAY_INSTANCE may hold only letters, digits, . _ - (up to 64), got "${audit.instance}"`);
  if (production && read('AUDIT_SIGNING_KEY_FILE') === undefined)
    problems.push('AUDIT_SIGNING_KEY_FILE is required in production: checkpoints must be signed with a managed key');
  if (isInside(audit.signingKeyFile, auditDirectory))
    problems.push(
      `AUDIT_SIGNING_KEY_FILE (${audit.signingKeyFile}) must lie outside AUDIT_DIRECTORY: whoever can rewrite the checkpoints must not hold their key`,
    );
  if (production && audit.trustedKeys.length === 0)
    problems.push('AUDIT_TRUSTED_KEYS is required in production: the public keys checkpoints are verified with are pinned in configuration');
  if (production && audit.witnesses.length === 0)
    problems.push('AUDIT_WITNESS_URLS and AUDIT_WITNESS_KEYS are required in production: every checkpoint goes to a witness on another host');

  const httpLimits: HttpLimits = {
    headersTimeoutMs: integer('HTTP_HEADERS_TIMEOUT_MS', 10000, 100, 600000),
    requestTimeoutMs: integer('HTTP_REQUEST_TIMEOUT_MS', 30000, 100, 600000),
    keepAliveTimeoutMs: integer('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5000, 100, 600000),
    maxBodyBytes: integer('HTTP_MAX_BODY_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    maxConnectionsPerClient: integer('HTTP_MAX_CONNECTIONS_PER_CLIENT', 64, 1, 100000),
  };
  // Node refuses a request timeout shorter than the headers' timeout; say so at start rather than let it run.
  if (httpLimits.requestTimeoutMs < httpLimits.headersTimeoutMs) problems.push('HTTP_REQUEST_TIMEOUT_MS must not be shorter than HTTP_HEADERS_TIMEOUT_MS');

  const cors = parseCorsOrigins(read('CORS_ORIGINS'));
  problems.push(...cors.problems);

  let workingCalendar: WorkingCalendar = { holidays: new Map(), workingWeekendDays: new Set() };
  try {
    workingCalendar = loadWorkingCalendar(read('WORKING_CALENDAR_FILE') ?? DEFAULT_CALENDAR_FILE);
  } catch (error) {
    problems.push(`WORKING_CALENDAR_FILE: ${(error as Error).message}`);
  }

  const citizen = citizenConfig(read, integer, production, problems);

  const config: Config = {
    production,
    dataDirectory,
    signingKey,
    signingKeyGenerated: rawSigningKey === undefined,
    policy: { mode: policyMode as PolicyMode, refreshMs: integer('POLICY_REFRESH_MS', 1000, 100, 4000) },
    jwt,
    audit,
    queryLimits: {
      maxDepth: integer('QUERY_MAX_DEPTH', 12, 1, 100),
      maxAliases: integer('QUERY_MAX_ALIASES', 30, 1, 1000),
      maxTokens: integer('QUERY_MAX_TOKENS', 5000, 10, 1000000),
      maxCost: integer('QUERY_MAX_COST', 20000, 1, 100000000),
      maxDirectives: integer('QUERY_MAX_DIRECTIVES', 50, 0, 10000),
    },
    httpLimits,
    host,
    gatewayPort,
    subgraphTimeoutMs: integer('SUBGRAPH_TIMEOUT_MS', 5000, 1, 600000),
    subgraphs,
    database,
    logLevel,
    seed: { citizens: integer('SEED_CITIZENS', 10000, 1, 10000000), randomSeed: integer('SEED_RANDOM', 38, 0, 2 ** 31 - 1) },
    corsOrigins: cors.origins,
    workingCalendar,
    citizen,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Given the environment's readers, returns how citizens sign in: CITIZEN_OIDC_ISSUER with its client names the
 * province's provider; without it the embedded development provider, which production refuses to start with.
 */
function citizenConfig(
  read: (name: string) => string | undefined,
  integer: (name: string, fallback: number, min: number, max: number) => number,
  production: boolean,
  problems: string[],
): CitizenConfig {
  const sessionTtlMs = integer('CITIZEN_SESSION_TTL_MS', 30 * 60 * 1000, 60 * 1000, 24 * 60 * 60 * 1000);
  const mode = read('CITIZEN_SIGN_IN') ?? (read('CITIZEN_OIDC_ISSUER') === undefined ? 'development' : 'oidc');
  if (mode === 'development') {
    if (production)
      problems.push(
        "CITIZEN_SIGN_IN=development (the default without CITIZEN_OIDC_ISSUER) is refused in production: set CITIZEN_OIDC_ISSUER, CITIZEN_OIDC_CLIENT_ID, CITIZEN_OIDC_CLIENT_SECRET and CITIZEN_OIDC_REDIRECT_URL to the province's identity provider",
      );
    return { signIn: { kind: 'development' }, sessionTtlMs };
  }
  if (mode !== 'oidc') problems.push(`CITIZEN_SIGN_IN must be oidc or development, got "${mode}"`);
  const url = (name: string): string => {
    const value = read(name);
    if (value === undefined) problems.push(`${name} is required for citizens' sign-in through the identity provider`);
    else if (!/^https?:\/\/[^\s]+$/.test(value)) problems.push(`${name} must be an http(s) URL, got "${value}"`);
    else if (production && !value.startsWith('https://')) problems.push(`${name} must be an https URL in production, got "${value}"`);
    return value ?? '';
  };
  const issuer = url('CITIZEN_OIDC_ISSUER');
  const redirectUrl = url('CITIZEN_OIDC_REDIRECT_URL');
  const clientId = read('CITIZEN_OIDC_CLIENT_ID');
  if (clientId === undefined) problems.push("CITIZEN_OIDC_CLIENT_ID is required for citizens' sign-in through the identity provider");
  const subjectClaim = read('CITIZEN_OIDC_SUBJECT_CLAIM') ?? 'sub';
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(subjectClaim)) problems.push(`CITIZEN_OIDC_SUBJECT_CLAIM must be a claim name, got "${subjectClaim}"`);
  return {
    signIn: { kind: 'oidc', issuer, clientId: clientId ?? '', clientSecret: read('CITIZEN_OIDC_CLIENT_SECRET') ?? null, redirectUrl, subjectClaim },
    sessionTtlMs,
  };
}

/** Given the witnesses' URLs (comma-separated) and their keys in the same order, returns the endpoints. */
function witnessEndpoints(urls: string | undefined, keys: string[], problems: string[]): WitnessEndpoint[] {
  const list = (urls ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  for (const url of list) if (!/^https?:\/\/[^\s]+$/.test(url)) problems.push(`AUDIT_WITNESS_URLS must hold http(s) URLs, got "${url}"`);
  if (list.length !== keys.length)
    problems.push(
      `AUDIT_WITNESS_URLS names ${list.length} witness(es) and AUDIT_WITNESS_KEYS ${keys.length} key(s): give one key per witness, in the same order`,
    );
  return list.length === keys.length ? list.map((url, index) => ({ url, publicKey: keys[index]! })) : [];
}

/**
 * Given the configuration of a process that runs a gateway or a subgraph apart from the others, throws a
 * ConfigError unless SUBGRAPH_SIGNING_KEY was given: a key made for this process alone is one no other process
 * shares, so every call between the gateway and a subgraph would be refused.
 */
export function requireSharedSigningKey(config: Config): void {
  if (config.signingKeyGenerated) {
    throw new ConfigError([
      'SUBGRAPH_SIGNING_KEY is required (32+ characters) when the gateway and the subgraphs run as separate processes: all of them must share it',
    ]);
  }
}

let cached: Config | undefined;

/** Returns the process configuration, read and validated once. */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Environment } from './environment';
import { environmentReader, isInside } from './environment';
import { parseCorsOrigins } from './origins';
import type { ReferenceCacheConfig } from './referenceCache';
import { REFERENCE_CACHE_DEFAULTS } from './referenceCache';
import type { SubgraphTlsConfig } from './tlsConfig';
import { readSubgraphTls } from './tlsConfig';
import type { WorkingCalendar } from './workingDays';
import { DEFAULT_CALENDAR_FILE, loadWorkingCalendar } from './workingDays';
import type { BuiltInSector, SectorConfig } from './sectors';
import { BUILT_IN_SECTORS } from './sectors';
import type { SectorEntry } from './sectorsFile';
import { mergeSectors, parseSectorsFile } from './sectorsFile';

/**
 * Every database the platform itself opens and migrates: the built-in sectors' and the gateway's own (policy,
 * audit). A sector added by configuration keeps its database behind its own subgraph.
 */
export const DATABASES = [...BUILT_IN_SECTORS, 'gateway'] as const;
export type DatabaseName = BuiltInSector | 'gateway';

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
  /** How old the audit verifier's last run may be before the stewards' console warns (AUDIT_VERIFY_MAX_AGE_HOURS; 24 hours when left out). */
  verificationMaxAgeMs?: number;
  /** The Time-Stamping Authority (RFC 3161) each checkpoint is time-stamped by (AUDIT_TSA_URL); null or left out for none. */
  timestamping?: TimestampingConfig | null;
}

/** A Time-Stamping Authority (RFC 3161): where it answers, what to trust its tokens with, and how long to wait. */
export interface TimestampingConfig {
  url: string;
  /** PEM file of the TSA's certificate, or of the CA chain its certificate is issued under: what a token must verify against. */
  certificateFile: string;
  /** The TSA policy (an OID) asked for and required of every token; null to take the TSA's own. */
  policy: string | null;
  /** How long a request may take before the TSA counts as unreachable. */
  timeoutMs: number;
  /** How far a token's genTime may lie from its checkpoint's time, either way; a checkpoint is retried within it. */
  toleranceMs: number;
  /**
   * From when every checkpoint must hold a token (AUDIT_TSA_SINCE, an ISO-8601 instant; null: from the first one
   * the time-stamp file names). Pinned in configuration, outside the data it vouches for: a file whose first lines
   * were deleted cannot move it later.
   */
  since?: string | null;
}

/** Quotas per agency: requests and query cost per minute, counted in Redis when configured, else in this process. */
export interface QuotaConfig {
  /** Where every replica counts together (redis://host:port/db); null: each process counts alone, in memory. */
  redisUrl: string | null;
  /** Prefixes every key of the counts in Redis, so that several platforms may share one Redis. */
  redisKeyPrefix: string;
  /** An agency's requests per minute when no steward has set its own. */
  requestsPerMinute: number;
  /** An agency's query cost per minute (the cost QUERY_MAX_COST bounds per operation) when no steward has set its own. */
  costPerMinute: number;
  /** How the replicas know how many they are, to share a quota while Redis is down; the defaults when left out. */
  replicas?: ReplicaCountConfig;
}

/** Each replica's heartbeat in the gateway database, and the bounds on the count of live replicas read from it. */
export interface ReplicaCountConfig {
  /** How often each gateway writes its heartbeat; a replica seen within two intervals is live. */
  heartbeatMs: number;
  /** The fewest and most replicas a quota is divided by while Redis is down, whatever the heartbeats say. */
  floor: number;
  ceiling: number;
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

/** The province's identity provider as the stewards' console signs in with it (OpenID Connect, code with PKCE). */
export interface StewardIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  /** Where the provider sends the steward back: this gateway's /console/callback as the provider knows it. */
  redirectUrl: string;
  /** The ID token's claim that carries the e-mail of the steward's account. */
  emailClaim: string;
}

/** How stewards sign in to the console. */
export interface StewardConfig {
  /** The province's identity provider, or null: local accounts (password and TOTP) only. */
  identityProvider: StewardIdentityProvider | null;
  /** Whether the local password and TOTP sign-in is open: refused in production once the identity provider is set. */
  passwordSignIn: boolean;
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
  /** The sectors: the built-in four, changed and extended by SECTORS_FILE and <NAME>_URL / <NAME>_PORT. */
  sectors: SectorConfig[];
  /** TLS between the gateway and the subgraphs (common/tlsConfig.ts); plain HTTP when nothing is set. */
  subgraphTls: SubgraphTlsConfig;
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
  quotas: QuotaConfig;
  /** Who may read GET /metrics on the gateway and the subgraphs. */
  metrics: MetricsConfig;
  /** Whether the gateway and the subgraphs write one access-log line per request (ACCESS_LOG=on|off). */
  accessLog: boolean;
  /** How long the subgraphs serve open reference data (units, schools, facilities) from memory, and how much of it. */
  referenceCache: ReferenceCacheConfig;
  /** The citizens' page: how they sign in, how long they stay signed in. */
  citizen: CitizenConfig;
  /** The stewards' console: through the province's identity provider, or local accounts. */
  steward: StewardConfig;
}

/** Who may read GET /metrics: callers from these networks, or any caller with the token. */
export interface MetricsConfig {
  /** CIDR blocks (127.0.0.0/8, 10.0.0.0/8, ::1/128) whose addresses read the metrics without a token. */
  allowedNetworks: string[];
  /** A bearer token that opens the metrics from anywhere; null for none. */
  token: string | null;
  /** The most operation names the metrics keep as labels of their own; the rest are counted as "other". */
  maxOperationNames: number;
  /** False (METRICS_ENABLED=false): nothing is counted and GET /metrics is not served. */
  enabled: boolean;
}

/** Where the traces go, when they are on (OTEL_EXPORTER_OTLP_ENDPOINT): the OpenTelemetry SDK reads the rest of its OTEL_* settings itself. */
export interface TracingConfig {
  endpoint: string | null;
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
  const sectors = readSectors(read, integer, host, problems);

  const dataDirectory = path.resolve(read('DATA_DIR') ?? 'data');
  let database: DatabaseConfig;
  const mysqlHost = read('MYSQL_HOST');
  if (mysqlHost !== undefined) {
    const gatewayDatabase = read('MYSQL_DATABASE_GATEWAY') ?? 'dsp_gateway';
    if (!MYSQL_DATABASE_NAME.test(gatewayDatabase)) problems.push(`MYSQL_DATABASE_GATEWAY may hold only letters, digits and _, got "${gatewayDatabase}"`);
    const databaseOf = new Map(sectors.map((sector) => [sector.name, sector.database]));
    const databases = Object.fromEntries(DATABASES.map((store) => [store, store === 'gateway' ? gatewayDatabase : databaseOf.get(store)!])) as Record<
      DatabaseName,
      string
    >;
    const distinct = new Set([gatewayDatabase, ...databaseOf.values()]);
    if (distinct.size !== sectors.length + 1) problems.push('each sector and the gateway need their own MySQL database: MYSQL_DATABASE_* must differ');
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
    verificationMaxAgeMs: integer('AUDIT_VERIFY_MAX_AGE_HOURS', 24, 1, 8760) * 3_600_000,
    timestamping: timestampingOf(read, integer, problems),
  };
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(audit.instance))
    problems.push(`GATEWAY_INSTANCE may hold only letters, digits, . _ - (up to 64), got "${audit.instance}"`);
  if (production && read('AUDIT_SIGNING_KEY_FILE') === undefined)
    problems.push('AUDIT_SIGNING_KEY_FILE is required in production: checkpoints must be signed with a managed key');
  if (isInside(audit.signingKeyFile, auditDirectory))
    problems.push(
      `AUDIT_SIGNING_KEY_FILE (${audit.signingKeyFile}) must lie outside AUDIT_DIRECTORY: whoever can rewrite the checkpoints must not hold their key`,
    );
  if (audit.timestamping && isInside(audit.timestamping.certificateFile, auditDirectory))
    problems.push(
      `AUDIT_TSA_CERTIFICATE (${audit.timestamping.certificateFile}) must lie outside AUDIT_DIRECTORY: what tokens are trusted with is never read beside them`,
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

  const redisUrl = read('REDIS_URL') ?? null;
  if (redisUrl !== null && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  const redisKeyPrefix = read('REDIS_KEY_PREFIX') ?? 'dsp:';
  if (!/^[A-Za-z0-9:._-]{1,64}$/.test(redisKeyPrefix))
    problems.push(`REDIS_KEY_PREFIX may hold only letters, digits and : . _ - (up to 64), got "${redisKeyPrefix}"`);
  const quotas: QuotaConfig = {
    redisUrl,
    redisKeyPrefix,
    requestsPerMinute: integer('QUOTA_REQUESTS_PER_MINUTE', 600, 1, 10_000_000),
    costPerMinute: integer('QUOTA_COST_PER_MINUTE', 300_000, 1, 1_000_000_000_000),
    replicas: {
      heartbeatMs: integer('QUOTA_HEARTBEAT_MS', 10_000, 500, 300_000),
      floor: integer('QUOTA_REPLICAS_MIN', 1, 1, 1000),
      ceiling: integer('QUOTA_REPLICAS_MAX', 16, 1, 1000),
    },
  };
  if (quotas.replicas!.floor > quotas.replicas!.ceiling) problems.push('QUOTA_REPLICAS_MIN must not exceed QUOTA_REPLICAS_MAX');

  const cors = parseCorsOrigins(read('CORS_ORIGINS'));
  problems.push(...cors.problems);

  let workingCalendar: WorkingCalendar = { holidays: new Map(), workingWeekendDays: new Set() };
  try {
    workingCalendar = loadWorkingCalendar(read('WORKING_CALENDAR_FILE') ?? DEFAULT_CALENDAR_FILE);
  } catch (error) {
    problems.push(`WORKING_CALENDAR_FILE: ${(error as Error).message}`);
  }
  const metrics = metricsConfig(read, integer, problems);
  const accessLog = read('ACCESS_LOG') ?? 'on';
  if (accessLog !== 'on' && accessLog !== 'off') problems.push(`ACCESS_LOG must be on or off, got "${accessLog}"`);

  const citizen = citizenConfig(read, integer, production, problems);
  const steward = stewardConfig(read, production, problems);

  const config: Config = {
    production,
    metrics,
    accessLog: accessLog === 'on',
    referenceCache: {
      ttlMs: integer('REFERENCE_CACHE_TTL_MS', REFERENCE_CACHE_DEFAULTS.ttlMs, 0, 3_600_000),
      maxRows: integer('REFERENCE_CACHE_MAX_ROWS', REFERENCE_CACHE_DEFAULTS.maxRows, 1, 1_000_000),
    },
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
    sectors,
    subgraphTls: readSubgraphTls(read, problems),
    database,
    logLevel,
    seed: { citizens: integer('SEED_CITIZENS', 10000, 1, 10000000), randomSeed: integer('SEED_RANDOM', 38, 0, 2 ** 31 - 1) },
    corsOrigins: cors.origins,
    workingCalendar,
    quotas,
    citizen,
    steward,
  };
  try {
    loadTracingConfig(environment);
  } catch (error) {
    problems.push(...(error as ConfigError).problems);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Given the environment's readers, the host and the list of problems, returns the sectors: the built-in four,
 * then those SECTORS_FILE (JSON or YAML) adds, each changed by <NAME>_PORT, <NAME>_URL and MYSQL_DATABASE_<NAME>.
 */
function readSectors(
  read: (name: string) => string | undefined,
  integer: (name: string, fallback: number, min: number, max: number) => number,
  host: string,
  problems: string[],
): SectorConfig[] {
  const sectorsFile = read('SECTORS_FILE');
  let entries: SectorEntry[] = [];
  let directory = process.cwd();
  if (sectorsFile !== undefined) {
    const file = path.resolve(sectorsFile);
    directory = path.dirname(file);
    try {
      entries = parseSectorsFile(fs.readFileSync(file, 'utf8'), file, problems);
    } catch (error) {
      problems.push(`SECTORS_FILE ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
  }
  const environmentOf = (name: string) => {
    const prefix = name.toUpperCase();
    const url = read(`${prefix}_URL`);
    if (url !== undefined && !/^https?:\/\/[^\s]+$/.test(url)) problems.push(`${prefix}_URL must be an http(s) URL, got "${url}"`);
    const database = read(`MYSQL_DATABASE_${prefix}`);
    if (database !== undefined && !MYSQL_DATABASE_NAME.test(database))
      problems.push(`MYSQL_DATABASE_${prefix} may hold only letters, digits and _, got "${database}"`);
    return {
      ...(read(`${prefix}_PORT`) !== undefined ? { port: integer(`${prefix}_PORT`, 0, 0, 65535) } : {}),
      ...(url !== undefined ? { url } : {}),
      ...(database !== undefined ? { database } : {}),
    };
  };
  return mergeSectors(entries, directory, host, environmentOf, problems);
}

/** The networks that read GET /metrics without a token when METRICS_ALLOWED_NETWORKS is unset: this host only. */
export const LOOPBACK_NETWORKS = ['127.0.0.0/8', '::1/128'];

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV6_CIDR = /^([0-9A-Fa-f:]+)\/(\d{1,3})$/;

/** Given a CIDR block, tells whether it is one: an IPv4 or IPv6 address and a prefix length it can take. */
export function isCidr(text: string): boolean {
  const v4 = IPV4_CIDR.exec(text);
  if (v4) return v4.slice(1, 5).every((octet) => Number(octet) <= 255) && Number(v4[5]) <= 32;
  const v6 = IPV6_CIDR.exec(text);
  return v6 !== null && isIP(v6[1]!) === 6 && Number(v6[2]) <= 128;
}

/** Given the environment's readers, returns who may read the metrics (METRICS_ALLOWED_NETWORKS, METRICS_TOKEN), adding a problem for each bad value. */
function metricsConfig(
  read: (name: string) => string | undefined,
  integer: (name: string, fallback: number, min: number, max: number) => number,
  problems: string[],
): MetricsConfig {
  const networks = read('METRICS_ALLOWED_NETWORKS');
  const allowedNetworks =
    networks === undefined
      ? LOOPBACK_NETWORKS
      : networks
          .split(',')
          .map((block) => block.trim())
          .filter(Boolean);
  for (const block of allowedNetworks)
    if (!isCidr(block)) problems.push(`METRICS_ALLOWED_NETWORKS must hold CIDR blocks (10.0.0.0/8, ::1/128), got "${block}"`);
  const token = read('METRICS_TOKEN') ?? null;
  if (token !== null && !/^[\x21-\x7e]{24,256}$/.test(token)) problems.push('METRICS_TOKEN must be 24 to 256 printable characters without spaces');
  const enabled = read('METRICS_ENABLED') ?? 'true';
  if (enabled !== 'true' && enabled !== 'false') problems.push(`METRICS_ENABLED must be true or false, got "${enabled}"`);
  return { allowedNetworks, token, maxOperationNames: integer('METRICS_MAX_OPERATION_NAMES', 100, 1, 10000), enabled: enabled !== 'false' };
}

/**
 * Given the process environment, returns where traces go: OTEL_EXPORTER_OTLP_ENDPOINT, an http(s) URL, or null
 * (tracing off). Read before the rest of the configuration, by the preload that starts tracing.
 */
export function loadTracingConfig(environment: Environment = process.env): TracingConfig {
  const problems: string[] = [];
  const { read } = environmentReader(environment, problems);
  const endpoint = read('OTEL_EXPORTER_OTLP_ENDPOINT') ?? null;
  if (endpoint !== null && !/^https?:\/\/[^\s]+$/.test(endpoint)) problems.push(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
  const protocol = read('OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocol !== undefined && protocol !== 'http/protobuf' && protocol !== 'http/json')
    problems.push(`OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json, got "${protocol}"`);
  if (problems.length > 0) throw new ConfigError(problems);
  return { endpoint };
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

/**
 * Given the environment's readers, returns how stewards sign in: STEWARD_OIDC_ISSUER with its client names the
 * province's identity provider, which in production is then the only way in; without it, local accounts.
 */
function stewardConfig(read: (name: string) => string | undefined, production: boolean, problems: string[]): StewardConfig {
  const names = ['STEWARD_OIDC_ISSUER', 'STEWARD_OIDC_CLIENT_ID', 'STEWARD_OIDC_CLIENT_SECRET', 'STEWARD_OIDC_REDIRECT_URL', 'STEWARD_OIDC_EMAIL_CLAIM'];
  if (read('STEWARD_OIDC_ISSUER') === undefined) {
    const stray = names.filter((name) => read(name) !== undefined);
    if (stray.length > 0) problems.push(`${stray.join(', ')} given without STEWARD_OIDC_ISSUER: set the issuer too, or none of them`);
    return { identityProvider: null, passwordSignIn: true };
  }
  const url = (name: string): string => {
    const value = read(name);
    if (value === undefined) problems.push(`${name} is required for stewards' sign-in through the identity provider`);
    else if (!/^https?:\/\/[^\s]+$/.test(value)) problems.push(`${name} must be an http(s) URL, got "${value}"`);
    else if (production && !value.startsWith('https://')) problems.push(`${name} must be an https URL in production, got "${value}"`);
    return value ?? '';
  };
  const issuer = url('STEWARD_OIDC_ISSUER');
  const redirectUrl = url('STEWARD_OIDC_REDIRECT_URL');
  if (redirectUrl !== '' && /^https?:\/\/[^\s]+$/.test(redirectUrl) && new URL(redirectUrl).pathname !== '/console/callback')
    problems.push(`STEWARD_OIDC_REDIRECT_URL must end in this gateway's /console/callback, got "${redirectUrl}"`);
  const clientId = read('STEWARD_OIDC_CLIENT_ID');
  if (clientId === undefined) problems.push("STEWARD_OIDC_CLIENT_ID is required for stewards' sign-in through the identity provider");
  const emailClaim = read('STEWARD_OIDC_EMAIL_CLAIM') ?? 'email';
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(emailClaim)) problems.push(`STEWARD_OIDC_EMAIL_CLAIM must be a claim name, got "${emailClaim}"`);
  return {
    identityProvider: { issuer, clientId: clientId ?? '', clientSecret: read('STEWARD_OIDC_CLIENT_SECRET') ?? null, redirectUrl, emailClaim },
    passwordSignIn: !production,
  };
}

/** Given the readers of the environment, returns the Time-Stamping Authority's settings (AUDIT_TSA_*), null when none is named. */
function timestampingOf(
  read: (name: string) => string | undefined,
  integer: (name: string, fallback: number, min: number, max: number) => number,
  problems: string[],
): TimestampingConfig | null {
  const url = read('AUDIT_TSA_URL');
  const certificateFile = read('AUDIT_TSA_CERTIFICATE');
  if (url === undefined && certificateFile === undefined) return null;
  if (url === undefined || !/^https?:\/\/[^\s]+$/.test(url)) problems.push(`AUDIT_TSA_URL must be the TSA's http(s) URL, got "${url ?? ''}"`);
  if (certificateFile === undefined)
    problems.push("with AUDIT_TSA_URL set, AUDIT_TSA_CERTIFICATE (a PEM file of the TSA's certificate or CA chain) is required");
  const since = read('AUDIT_TSA_SINCE') ?? null;
  if (since !== null && !(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(since) && Number.isFinite(Date.parse(since))))
    problems.push(`AUDIT_TSA_SINCE must be an ISO-8601 date or instant such as 2027-01-01T00:00:00+07:00, got "${since}"`);
  const policy = read('AUDIT_TSA_POLICY') ?? null;
  if (policy !== null && !/^[0-2](\.(0|[1-9][0-9]*))+$/.test(policy))
    problems.push(`AUDIT_TSA_POLICY must be an OID such as 1.3.6.1.4.1.4146.2.3, got "${policy}"`);
  return {
    url: url ?? '',
    certificateFile: path.resolve(certificateFile ?? ''),
    policy,
    timeoutMs: integer('AUDIT_TSA_TIMEOUT_MS', 10000, 100, 120000),
    toleranceMs: integer('AUDIT_TSA_TOLERANCE_MS', 300000, 1000, 86400000),
    since,
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

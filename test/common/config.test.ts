import path from 'node:path';
import { ConfigError, loadConfig, requireSharedSigningKey } from '../../common/config';

describe('loadConfig', () => {
  it('defaults to the embedded SQLite, the gateway on 4000 and subgraphs on 4001-4004', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ engine: 'sqlite', dataDirectory: path.resolve('data') });
    expect(config.gatewayPort).toBe(4000);
    expect(config.subgraphTimeoutMs).toBe(5000);
    expect(config.sectors.map((sector) => [sector.name, sector.port, sector.url])).toEqual([
      ['population', 4001, 'http://127.0.0.1:4001/graphql'],
      ['land', 4002, 'http://127.0.0.1:4002/graphql'],
      ['health', 4003, 'http://127.0.0.1:4003/graphql'],
      ['education', 4004, 'http://127.0.0.1:4004/graphql'],
    ]);
    expect(config.seed).toEqual({ citizens: 10000, randomSeed: 38 });
  });

  it('chooses MySQL when MYSQL_HOST is set, one database per sector', () => {
    const config = loadConfig({ MYSQL_HOST: 'db.internal', MYSQL_PORT: '3307', MYSQL_DATABASE_LAND: 'land_prod', MYSQL_PASSWORD: 's3cret' });
    expect(config.database).toEqual({
      engine: 'mysql',
      host: 'db.internal',
      port: 3307,
      user: 'root',
      password: 's3cret',
      databases: { population: 'dsp_population', land: 'land_prod', health: 'dsp_health', education: 'dsp_education', gateway: 'dsp_gateway' },
      poolMax: 10,
    });
  });

  it('generates a signing key in development and requires one in production', () => {
    expect(loadConfig({}).signingKey).toHaveLength(32);
    expect(loadConfig({ SUBGRAPH_SIGNING_KEY: 'k'.repeat(40) }).signingKey.toString()).toBe('k'.repeat(40));
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SUBGRAPH_SIGNING_KEY is required in production/);
    expect(() => loadConfig({ SUBGRAPH_SIGNING_KEY: 'short' })).toThrow(/at least 32 characters/);
  });

  it('requires a shared signing key of a process that runs the gateway or a subgraph on its own', () => {
    expect(loadConfig({}).signingKeyGenerated).toBe(true);
    expect(() => requireSharedSigningKey(loadConfig({}))).toThrow(ConfigError);
    expect(() => requireSharedSigningKey(loadConfig({}))).toThrow(/SUBGRAPH_SIGNING_KEY is required \(32\+ characters\)/);
    const shared = loadConfig({ SUBGRAPH_SIGNING_KEY: 'k'.repeat(32) });
    expect(shared.signingKeyGenerated).toBe(false);
    expect(() => requireSharedSigningKey(shared)).not.toThrow();
  });

  it('reads the identity provider settings only as a whole', () => {
    expect(loadConfig({}).jwt).toBeNull();
    expect(loadConfig({ JWT_ISSUER: 'https://idp.thanhhoa.gov.vn', JWT_AUDIENCE: 'dsp', JWT_JWKS_FILE: '/etc/dsp/jwks.json' }).jwt).toEqual({
      issuer: 'https://idp.thanhhoa.gov.vn',
      audience: 'dsp',
      agencyClaim: 'agency_code',
      jwksUrl: null,
      jwksFile: '/etc/dsp/jwks.json',
    });
    expect(() => loadConfig({ JWT_ISSUER: 'https://idp' })).toThrow(/exactly one of JWT_JWKS_URL and JWT_JWKS_FILE[\s\S]*JWT_AUDIENCE is required/);
  });

  it('keeps a local audit outbox with MySQL and none with the embedded SQLite, unless told otherwise', () => {
    expect(loadConfig({ MYSQL_HOST: 'db.internal', DATA_DIR: '/var/lib/dsp' }).audit).toMatchObject({
      outbox: true,
      outboxDirectory: '/var/lib/dsp/audit/outbox',
      legacyJournalDirectory: '/var/lib/dsp/audit/journal',
      shipDelayMs: 100,
      writeIntervalMs: 2,
    });
    expect(loadConfig({}).audit.outbox).toBe(false);
    expect(loadConfig({ AUDIT_OUTBOX: 'on', AUDIT_DIRECTORY: '/srv/audit', AUDIT_SHIP_MS: '50' }).audit).toMatchObject({
      outbox: true,
      outboxDirectory: '/srv/audit/outbox',
      shipDelayMs: 50,
    });
    expect(loadConfig({ MYSQL_HOST: 'db.internal', AUDIT_OUTBOX: 'off' }).audit.outbox).toBe(false);
    expect(() => loadConfig({ AUDIT_OUTBOX: 'yes' })).toThrow(/AUDIT_OUTBOX must be on or off, got "yes"/);
    // The journal's setting is gone: a gateway configured for it is told, rather than left without what it asked.
    expect(() => loadConfig({ AUDIT_JOURNAL: 'on' })).toThrow(/AUDIT_JOURNAL is no longer read: .*outbox \(AUDIT_OUTBOX=on\|off\)/);
  });

  it('bounds what one operation and one client may ask of the gateway', () => {
    expect(loadConfig({}).queryLimits).toEqual({ maxDepth: 12, maxAliases: 30, maxTokens: 5000, maxCost: 20000, maxDirectives: 50 });
    expect(loadConfig({}).httpLimits).toEqual({
      headersTimeoutMs: 10000,
      requestTimeoutMs: 30000,
      keepAliveTimeoutMs: 5000,
      maxBodyBytes: 1048576,
      maxConnectionsPerClient: 64,
    });
    expect(loadConfig({ QUERY_MAX_DIRECTIVES: '5', HTTP_MAX_CONNECTIONS_PER_CLIENT: '8' })).toMatchObject({
      queryLimits: { maxDirectives: 5 },
      httpLimits: { maxConnectionsPerClient: 8 },
    });
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' })).toThrow(
      /HTTP_REQUEST_TIMEOUT_MS must not be shorter than HTTP_HEADERS_TIMEOUT_MS/,
    );
    expect(() => loadConfig({ HTTP_MAX_BODY_BYTES: '10' })).toThrow(/HTTP_MAX_BODY_BYTES must be a whole number from 1024/);
  });

  it('allows no cross-origin page by default, listed origins with CORS_ORIGINS, and never a wildcard or null', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'https://app.benhvien.vn, http://127.0.0.1:5173' }).corsOrigins).toEqual([
      'https://app.benhvien.vn',
      'http://127.0.0.1:5173',
    ]);
    expect(() => loadConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS may not hold "\*"/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.vn,null' })).toThrow(/CORS_ORIGINS may not hold "null"/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.vn/path' })).toThrow(/must be origins[\s\S]*got "https:\/\/a.vn\/path"/);
  });

  it('lists every bad value at once', () => {
    try {
      loadConfig({ PORT: 'eighty', SUBGRAPH_TIMEOUT_MS: '0', LOG_LEVEL: 'loud', MYSQL_HOST: 'x', MYSQL_DATABASE_LAND: 'dsp_population', LAND_URL: 'ftp://x' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        'PORT must be a whole number from 0 to 65535, got "eighty"',
        'LAND_URL must be an http(s) URL, got "ftp://x"',
        'each sector and the gateway need their own MySQL database: MYSQL_DATABASE_* must differ',
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
        'SUBGRAPH_TIMEOUT_MS must be a whole number from 1 to 600000, got "0"',
      ]);
    }
  });
});

import path from 'node:path';
import { ConfigError } from './config';
import type { Environment } from './environment';
import { environmentReader } from './environment';

/** The witness service (`npm run witness`): where it listens, its own store and key, and the gateways' keys it accepts. */
export interface WitnessConfig {
  production: boolean;
  host: string;
  port: number;
  /** Its SQLite file: the append-only copy of every checkpoint it countersigned. */
  databaseFile: string;
  /** PEM file of its own Ed25519 private key; created on first start outside production. */
  keyFile: string;
  /** The gateways' public keys (base64 SPKI DER) whose checkpoints it takes; outside production, the gateway's pin file when empty. */
  trustedKeys: string[];
  pinFile: string | null;
  logLevel: string;
}

/** Given the process environment, returns the witness's validated configuration, or throws a ConfigError listing every bad value. */
export function loadWitnessConfig(environment: Environment = process.env): WitnessConfig {
  const problems: string[] = [];
  const { read, integer, publicKeys } = environmentReader(environment, problems);
  const production = read('NODE_ENV') === 'production';
  const dataDirectory = path.resolve(read('DATA_DIR') ?? 'data');
  const config: WitnessConfig = {
    production,
    host: read('WITNESS_HOST') ?? read('HOST') ?? '127.0.0.1',
    port: integer('WITNESS_PORT', 4005, 0, 65535),
    databaseFile: path.resolve(read('WITNESS_DATABASE') ?? path.join(dataDirectory, 'witness', 'witness.sqlite')),
    keyFile: path.resolve(read('WITNESS_KEY_FILE') ?? path.join(dataDirectory, 'witness', 'witness-ed25519.pem')),
    trustedKeys: publicKeys('WITNESS_TRUSTED_KEYS'),
    pinFile: production ? null : path.join(dataDirectory, 'keys', 'audit-pins.json'),
    logLevel: read('LOG_LEVEL') ?? 'info',
  };
  if (production && read('WITNESS_KEY_FILE') === undefined)
    problems.push('WITNESS_KEY_FILE is required in production: countersignatures are made with a managed key');
  if (production && config.trustedKeys.length === 0)
    problems.push('WITNESS_TRUSTED_KEYS is required in production: the gateways whose checkpoints the witness takes are pinned');
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

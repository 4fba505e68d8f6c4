import pino from 'pino';
import { ConfigError } from '../common/config';
import { loadWitnessConfig } from '../common/witnessConfig';
import { loadOrCreateSigningKey, trustedKeysOf } from '../gateway/audit/checkpoints';
import { readPins } from '../gateway/audit/trustAnchor';
import { startWitness } from '../gateway/audit/witness/server';
import { exitOnStartFailure, stopOnSignals } from '../system/lifecycle';

/**
 * `npm run witness`: the witness of the audit's checkpoints, on a host the gateway's does not control. It keeps
 * its own append-only copy (WITNESS_DATABASE), countersigns with its own key (WITNESS_KEY_FILE) every checkpoint
 * that is signed by a pinned gateway key (WITNESS_TRUSTED_KEYS) and only grows its instance's trail, and serves
 * its register to the verifier.
 */
async function main(): Promise<void> {
  const config = loadWitnessConfig();
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } }).child({ component: 'witness' });
  const gatewayKeys = config.trustedKeys.length > 0 ? config.trustedKeys : readPins(config.pinFile).gatewayKeys;
  if (gatewayKeys.length === 0) throw new Error("no gateway key to accept checkpoints from: set WITNESS_TRUSTED_KEYS to the gateways' AUDIT_TRUSTED_KEYS");
  const witness = await startWitness({
    host: config.host,
    port: config.port,
    databaseFile: config.databaseFile,
    key: loadOrCreateSigningKey(config.keyFile, !config.production),
    trustedKeys: trustedKeysOf(gatewayKeys),
    logger,
  });
  process.stdout.write(`Witness ready at ${witness.url} (store ${config.databaseFile})\n  its public key, for AUDIT_WITNESS_KEYS: ${witness.publicKey}\n`);
  stopOnSignals(() => witness.stop());
}

main().catch((error: unknown) => exitOnStartFailure(error instanceof ConfigError ? new Error(error.message) : error));

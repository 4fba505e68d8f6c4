import type { AuditConfig } from '../../../common/config';
import type { WitnessConfig } from '../../../common/witnessConfig';
import { getLogger } from '../../../common/logger';
import { loadOrCreateSigningKey } from '../checkpoints';
import { pinnedTrust, readPins, trustedSigningKey, writePins } from '../trustAnchor';
import type { RunningWitness } from './server';
import { startWitness } from './server';

/**
 * Given the gateway's audit configuration and the witness's (outside production, with no witness configured),
 * makes and pins the gateway's key if need be, starts a witness beside the gateway with its own store and key
 * that pins the gateway's keys, records it in the pin file for the verifier, and returns it with the audit
 * configuration that sends checkpoints to it. Tells onNotice what it did. In production the witness runs on
 * another host (`npm run witness`), and AUDIT_WITNESS_URLS names it.
 */
export async function startLocalWitness(
  audit: AuditConfig,
  witnessConfig: WitnessConfig,
  onNotice: (message: string) => void,
): Promise<{ audit: AuditConfig; witness: RunningWitness }> {
  if (witnessConfig.production || audit.pinFile === null)
    throw new Error('A local witness is for development only: in production the witness runs on another host');
  trustedSigningKey(audit, true, onNotice);
  const witness = await startWitness({
    host: witnessConfig.host,
    port: witnessConfig.port,
    databaseFile: witnessConfig.databaseFile,
    key: loadOrCreateSigningKey(witnessConfig.keyFile, true),
    trustedKeys: pinnedTrust(audit).trustedKeys,
    logger: getLogger('witness'),
  });
  const endpoint = { url: witness.url, publicKey: witness.publicKey };
  writePins(audit.pinFile, { ...readPins(audit.pinFile), witnesses: [endpoint] });
  onNotice(
    `Started a local audit witness at ${witness.url} (store ${witnessConfig.databaseFile}, key ${witness.publicKey}), pinned in ${audit.pinFile}; in production it runs on another host`,
  );
  return { audit: { ...audit, witnesses: [endpoint] }, witness };
}

// First: tracing, when configured, must start before the modules it instruments are loaded.
import '../system/tracingPreload';
import { getConfig, requireSharedSigningKey } from '../common/config';
import { sectorUrls } from '../common/sectors';
import { connect, ensureDatabases } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { exitOnStartFailure, stopOnSignals } from '../system/lifecycle';
import { startGatewayService } from '../system/platform';
import { supergraphFor } from '../schema/supergraphFor';

/**
 * `npm run start:gateway`: the gateway alone (with /admin), over its own database, in front of subgraphs at
 * POPULATION_URL, LAND_URL, HEALTH_URL and EDUCATION_URL (and the sectors SECTORS_FILE adds), which must share SUBGRAPH_SIGNING_KEY with it: it refuses
 * to start without that key.
 */
async function main(): Promise<void> {
  const config = getConfig();
  requireSharedSigningKey(config);
  // Before any database is touched: sectors whose SDLs make no supergraph are a configuration to mend.
  const supergraphSdl = supergraphFor(config.sectors);
  await ensureDatabases(config.database, ['gateway']);
  const db = connect(config.database, 'gateway');
  try {
    await migrateLatest(db, 'gateway');
    const service = await startGatewayService(db, sectorUrls(config.sectors), { ...config, supergraphSdl });
    process.stdout.write(`Gateway ready at ${service.gateway.url}\n`);
    stopOnSignals(async () => {
      await service.stop();
      await db.destroy();
    });
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

main().catch(exitOnStartFailure);

// First: tracing, when configured, must start before the modules it instruments are loaded.
import '../system/tracingPreload';
import { bySector, getConfig, requireSharedSigningKey } from '../common/config';
import { connect, ensureDatabases } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { exitOnStartFailure, stopOnSignals } from '../system/lifecycle';
import { startGatewayService } from '../system/platform';

/**
 * `npm run start:gateway`: the gateway alone (with /admin), over its own database, in front of subgraphs at
 * POPULATION_URL, LAND_URL, HEALTH_URL and EDUCATION_URL, which must share SUBGRAPH_SIGNING_KEY with it: it refuses
 * to start without that key.
 */
async function main(): Promise<void> {
  const config = getConfig();
  requireSharedSigningKey(config);
  await ensureDatabases(config.database, ['gateway']);
  const db = connect(config.database, 'gateway');
  try {
    await migrateLatest(db, 'gateway');
    const service = await startGatewayService(
      db,
      bySector((sector) => config.subgraphs[sector].url),
      config,
    );
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

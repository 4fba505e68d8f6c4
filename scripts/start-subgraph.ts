// First: tracing, when configured, must start before the modules it instruments are loaded.
import '../system/tracingPreload';
import { getConfig, requireSharedSigningKey } from '../common/config';
import { connect, ensureDatabases } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { startSubgraph } from '../subgraphs';
import { exitOnStartFailure, stopOnSignals } from '../system/lifecycle';
import type { BuiltInSector } from '../common/sectors';
import { BUILT_IN_SECTORS, sectorNamed } from '../common/sectors';

/**
 * `npm run start:subgraph -- <sector>`: one subgraph on its own, for a separate deployment; it refuses to start
 * without SUBGRAPH_SIGNING_KEY, the key it shares with the gateway.
 */
async function main(): Promise<void> {
  const sector = process.argv[2] as BuiltInSector | undefined;
  if (!sector || !BUILT_IN_SECTORS.includes(sector)) {
    process.stderr.write(`Usage: npm run start:subgraph -- <${BUILT_IN_SECTORS.join('|')}>\n`);
    process.exit(2);
  }
  const config = getConfig();
  requireSharedSigningKey(config);
  await ensureDatabases(config.database, [sector]);
  const db = connect(config.database, sector);
  try {
    await migrateLatest(db, sector);
    const server = await startSubgraph(sector, {
      db,
      signingKey: config.signingKey,
      host: config.host,
      port: sectorNamed(config.sectors, sector).port,
      tls: config.subgraphTls.server,
      metrics: config.metrics,
      accessLog: config.accessLog,
      referenceCache: config.referenceCache,
    });
    process.stdout.write(`${sector} subgraph ready at ${server.url}\n`);
    stopOnSignals(async () => {
      await server.stop();
      await db.destroy();
    });
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

main().catch(exitOnStartFailure);

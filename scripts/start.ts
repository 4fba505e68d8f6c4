import { SECTORS, bySector, getConfig } from '../common/config';
import { isSeeded, seedAll } from '../db/seed';
import { closeDatabases, openDatabases, startPlatform } from '../system/platform';
import { exitOnStartFailure, stopOnSignals } from '../system/lifecycle';

/**
 * `npm start`: migrates the sector databases (embedded SQLite unless MYSQL_HOST is set), seeds them when
 * empty, starts the four subgraphs and the gateway, and prints the gateway's URL. Ctrl-C stops it all.
 */
async function main(): Promise<void> {
  const config = getConfig();
  const where = config.database.engine === 'sqlite' ? `SQLite files in ${config.database.dataDirectory}` : `MySQL at ${config.database.host}:${config.database.port}`;
  process.stderr.write(`Databases: ${where}\n`);
  const databases = await openDatabases(config);
  try {
    if (!(await isSeeded(databases))) {
      if (config.production) throw new Error('the sector databases are empty; production never seeds demo data (run `npm run seed` deliberately)');
      process.stderr.write(`Seeding ${config.seed.citizens} demo citizens (seed ${config.seed.randomSeed})…\n`);
      await seedAll(databases, {
        citizens: config.seed.citizens,
        randomSeed: config.seed.randomSeed,
        onProgress: ({ table, rows, done }) => {
          if (done) process.stderr.write(`  ${table}: ${rows} rows\n`);
        },
      });
    }
    const platform = await startPlatform(databases, {
      host: config.host,
      gatewayPort: config.gatewayPort,
      subgraphPorts: bySector((sector) => config.subgraphs[sector].port),
      subgraphTimeoutMs: config.subgraphTimeoutMs,
      queryLimits: config.queryLimits,
    });
    for (const sector of SECTORS) process.stderr.write(`  ${sector} subgraph: ${platform.subgraphs[sector].url}\n`);
    process.stdout.write(`Gateway ready at ${platform.gateway.url}\n`);
    stopOnSignals(async () => {
      await platform.stop();
      await closeDatabases(databases);
    });
  } catch (error) {
    await closeDatabases(databases);
    throw error;
  }
}

main().catch(exitOnStartFailure);

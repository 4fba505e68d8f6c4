// First: tracing, when configured, must start before the modules it instruments are loaded.
import '../system/tracingPreload';
import path from 'node:path';
import { getConfig } from '../common/config';
import { BUILT_IN_SECTORS, byBuiltInSector, sectorNamed } from '../common/sectors';
import { loadWitnessConfig } from '../common/witnessConfig';
import { isSeeded, seedAll } from '../db/seed';
import type { RunningWitness } from '../gateway/audit/witness/server';
import { startLocalWitness } from '../gateway/audit/witness/local';
import { seedDemoAccounts } from '../gateway/console/demoAccounts';
import { DEMO_CREDENTIALS_FILE, seedDemoAgencies } from '../gateway/store/demo';
import { closeDatabases, openDatabases, startPlatform } from '../system/platform';
import { supergraphFor } from '../schema/supergraphFor';
import { seedDemoCollectedFields } from '../gateway/sharing/demoCollectedFields';
import { exitOnStartFailure, stopOnSignals } from '../system/lifecycle';

/**
 * `npm start`: migrates the databases (embedded SQLite unless MYSQL_HOST is set), seeds the sectors when
 * empty, starts the four subgraphs and the gateway, with a local audit witness outside production when none is
 * configured, registers the demo agencies (never in production) and prints the gateway's URL. Ctrl-C stops it all.
 */
async function main(): Promise<void> {
  const config = getConfig();
  // Before any database is touched: sectors whose SDLs make no supergraph are a configuration to mend.
  const supergraphSdl = supergraphFor(config.sectors);
  const where =
    config.database.engine === 'sqlite' ? `SQLite files in ${config.database.dataDirectory}` : `MySQL at ${config.database.host}:${config.database.port}`;
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
    let audit = config.audit;
    let witness: RunningWitness | null = null;
    if (!config.production && audit.witnesses.length === 0) {
      // The whole path runs on one machine: a witness beside the gateway, with its own store and key.
      ({ audit, witness } = await startLocalWitness(config.audit, loadWitnessConfig(), (message) => process.stderr.write(`${message}\n`)));
    }
    const platform = await startPlatform(databases, {
      ...config,
      audit,
      supergraphSdl,
      subgraphPorts: byBuiltInSector((sector) => sectorNamed(config.sectors, sector).port),
    }).catch(async (error: unknown) => {
      await witness?.stop();
      throw error;
    });
    for (const sector of BUILT_IN_SECTORS) process.stderr.write(`  ${sector} subgraph: ${platform.subgraphs[sector].url}\n`);
    for (const sector of config.sectors.filter((added) => !added.builtIn))
      process.stderr.write(`  ${sector.name} subgraph (${sector.ownerAgency}): ${sector.url}\n`);
    if (!config.production) {
      const credentials = await seedDemoAgencies(platform.stewardship, { dataDirectory: config.dataDirectory, production: false });
      process.stderr.write(`Demo agencies (keys in ${path.join(config.dataDirectory, DEMO_CREDENTIALS_FILE)}):\n`);
      for (const credential of credentials) process.stderr.write(`  ${credential.agencyCode.padEnd(12)} ${credential.agencyName}\n`);
      await seedDemoCollectedFields(platform.sharing);
      const accounts = await seedDemoAccounts(platform.accounts, { production: false });
      if (accounts.length > 0) process.stderr.write('Demo steward accounts (shown this once; the TOTP secret goes into an authenticator app):\n');
      for (const account of accounts)
        process.stderr.write(
          `  ${(account.agencyCode ? `${account.role} of ${account.agencyCode}` : account.role).padEnd(15)} ${account.email}  password ${account.password}  TOTP ${account.totpSecret}\n`,
        );
    }
    process.stdout.write(`Gateway ready at ${platform.gateway.url} (stewards: ${new URL('/admin', platform.gateway.url)})\n`);
    process.stdout.write(`In a browser: ${new URL('/', platform.gateway.url)} (the landing page), ${platform.gateway.url} (the API explorer)\n`);
    process.stdout.write(
      `Citizens: ${new URL('/citizen', platform.gateway.url)} (sign in${config.citizen.signIn.kind === 'development' ? " with the development provider's seeded citizens" : ''})\n`,
    );
    stopOnSignals(async () => {
      await platform.stop();
      // After the gateway: its STOP checkpoint is countersigned.
      await witness?.stop();
      await closeDatabases(databases);
    });
  } catch (error) {
    await closeDatabases(databases);
    throw error;
  }
}

main().catch(exitOnStartFailure);

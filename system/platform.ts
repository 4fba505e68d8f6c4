import type { Knex } from 'knex';
import type { Config, QueryLimits, Sector } from '../common/config';
import { SECTORS, bySector } from '../common/config';
import type { RunningServer } from '../common/subgraphServer';
import { connect, ensureDatabases } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { startGateway } from '../gateway/server';
import { startSubgraph } from '../subgraphs';

/** The four sector databases, migrated and open. */
export type SectorDatabases = Record<Sector, Knex>;

/** Given the configuration, opens every sector database (creating it if needed) and applies pending migrations. */
export async function openDatabases(config: Config): Promise<SectorDatabases> {
  await ensureDatabases(config.database, SECTORS);
  const databases = bySector((sector) => connect(config.database, sector));
  try {
    for (const sector of SECTORS) await migrateLatest(databases[sector], sector);
  } catch (error) {
    await closeDatabases(databases);
    throw error;
  }
  return databases;
}

/** Closes every sector database. */
export async function closeDatabases(databases: SectorDatabases): Promise<void> {
  await Promise.all(SECTORS.map((sector) => databases[sector].destroy()));
}

export interface RunningPlatform {
  gateway: RunningServer;
  subgraphs: Record<Sector, RunningServer>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  host: string;
  gatewayPort: number;
  /** The port of each subgraph; 0 picks a free one. */
  subgraphPorts: Record<Sector, number>;
  subgraphTimeoutMs: number;
  queryLimits: QueryLimits;
}

/**
 * Given open sector databases, starts the four subgraphs and then the gateway in front of them.
 * stop() stops the gateway first, so no request reaches a subgraph that is already gone.
 */
export async function startPlatform(databases: SectorDatabases, options: PlatformOptions): Promise<RunningPlatform> {
  const started: RunningServer[] = [];
  try {
    const subgraphs = {} as Record<Sector, RunningServer>;
    for (const sector of SECTORS) {
      subgraphs[sector] = await startSubgraph(sector, { db: databases[sector], host: options.host, port: options.subgraphPorts[sector] });
      started.push(subgraphs[sector]);
    }
    const gateway = await startGateway({
      host: options.host,
      port: options.gatewayPort,
      subgraphTimeoutMs: options.subgraphTimeoutMs,
      queryLimits: options.queryLimits,
      subgraphUrls: bySector((sector) => subgraphs[sector].url),
    });
    return {
      gateway,
      subgraphs,
      async stop() {
        await gateway.stop();
        await Promise.all(started.map((server) => server.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((server) => server.stop()));
    throw error;
  }
}

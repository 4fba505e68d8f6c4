/**
 * One subgraph in its own process, as `npm run start:subgraph` runs it, plus bench-only counters read over
 * IPC: HTTP requests received (subgraph calls) and SQL statements sent (knex's 'query' event).
 * Usage: node --import tsx bench/children/subgraph.ts <sector>
 */
import http from 'node:http';

import { getConfig, requireSharedSigningKey } from '../../common/config';
import { connect } from '../../db/connection';
import { startSubgraph } from '../../subgraphs';
import type { SubgraphCounters } from '../ipc';
import { announceServer, answerParentCalls } from '../ipc';
import type { BuiltInSector } from '../../common/sectors';
import { BUILT_IN_SECTORS } from '../../common/sectors';

const counters: SubgraphCounters = { requests: 0, statements: 0 };

// The subgraph's HTTP server is created inside startSubgraph; counting its requests means seeing it created.
const createServer = http.createServer;
http.createServer = ((...args: Parameters<typeof http.createServer>) => {
  const server = createServer(...args);
  server.on('request', () => {
    counters.requests += 1;
  });
  return server;
}) as typeof http.createServer;

const sector = process.argv[2] as BuiltInSector;
answerParentCalls({ counters: (): SubgraphCounters => ({ ...counters }) });
void announceServer(async () => {
  if (!BUILT_IN_SECTORS.includes(sector)) throw new Error(`unknown sector "${String(sector)}"`);
  const config = getConfig();
  requireSharedSigningKey(config);
  const db = connect(config.database, sector);
  db.on('query', () => {
    counters.statements += 1;
  });
  // BENCH_SUBGRAPH_SHORTCUT=off: every request through Apollo Server's pipeline, to measure what the shortcut saves.
  return startSubgraph(sector, { db, signingKey: config.signingKey, host: '127.0.0.1', port: 0, shortcut: process.env.BENCH_SUBGRAPH_SHORTCUT !== 'off' });
});

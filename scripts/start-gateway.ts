import { bySector, getConfig } from '../common/config';
import { startGateway } from '../gateway/server';
import { exitOnStartFailure, stopOnSignals } from '../system/lifecycle';

/** `npm run start:gateway`: the gateway alone, in front of subgraphs at POPULATION_URL, LAND_URL, HEALTH_URL, EDUCATION_URL. */
async function main(): Promise<void> {
  const config = getConfig();
  const gateway = await startGateway({
    host: config.host,
    port: config.gatewayPort,
    subgraphTimeoutMs: config.subgraphTimeoutMs,
    queryLimits: config.queryLimits,
    subgraphUrls: bySector((sector) => config.subgraphs[sector].url),
  });
  process.stdout.write(`Gateway ready at ${gateway.url}\n`);
  stopOnSignals(() => gateway.stop());
}

main().catch(exitOnStartFailure);

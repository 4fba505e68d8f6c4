import type { RunningServer, SubgraphDefinition, SubgraphServerOptions } from '../common/subgraphServer';
import { startSubgraphServer } from '../common/subgraphServer';
import { educationSubgraph } from './education';
import { healthSubgraph } from './health';
import { landSubgraph } from './land';
import { populationSubgraph } from './population';
import type { BuiltInSector } from '../common/sectors';

/** Every sector's subgraph definition, by sector. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each sector's loaders are of its own type
export const SUBGRAPHS: Record<BuiltInSector, SubgraphDefinition<any>> = {
  population: populationSubgraph,
  land: landSubgraph,
  health: healthSubgraph,
  education: educationSubgraph,
};

/** Given a sector and its database, starts that sector's subgraph. */
export function startSubgraph(sector: BuiltInSector, options: SubgraphServerOptions): Promise<RunningServer> {
  return startSubgraphServer(SUBGRAPHS[sector], options);
}

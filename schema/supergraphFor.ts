import fs from 'node:fs';
import { ConfigError } from '../common/config';
import type { SectorConfig } from '../common/sectors';
import { isBuiltInSet } from '../common/sectors';
import { buildCatalog } from '../gateway/policy/catalog';
import { composeSupergraph } from './compose';
import { SUPERGRAPH_PATH } from './load';

/**
 * Given the configured sectors, returns the supergraph the gateway serves: the committed schema/supergraph.graphql
 * for the built-in four, else the composition of the sectors' SDL files. Throws a ConfigError (exit 78 at start)
 * when they do not compose, or when a field they declare carries no @classify, whose policy could not be decided.
 */
export function supergraphFor(sectors: readonly SectorConfig[]): string {
  if (isBuiltInSet(sectors)) return fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  const names = sectors.filter((sector) => !sector.builtIn).map((sector) => sector.name);
  let supergraphSdl: string;
  try {
    supergraphSdl = composeSupergraph(sectors);
    buildCatalog(supergraphSdl);
  } catch (error) {
    throw new ConfigError([
      `the sectors' SDL files (with ${names.join(', ')} from SECTORS_FILE) make no supergraph the gateway can serve: ${(error as Error).message}`,
    ]);
  }
  return supergraphSdl;
}

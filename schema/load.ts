import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';
import type { DocumentNode } from 'graphql';
import type { Sector } from '../common/config';
import { SECTORS } from '../common/config';

/** Where the SDL files live: beside this module, one per subgraph, plus the composed supergraph. */
export const SCHEMA_DIRECTORY = __dirname;
export const SUPERGRAPH_PATH = path.join(SCHEMA_DIRECTORY, 'supergraph.graphql');

/** The gateway's own subgraph: the agencies' self-service (myAccess, explainOperation), answered in the gateway's process. */
export const SELF_SERVICE = 'access';
export type SubgraphName = Sector | typeof SELF_SERVICE;
/** Every subgraph of the supergraph: the four sectors' and the gateway's own. */
export const SUBGRAPHS: readonly SubgraphName[] = [...SECTORS, SELF_SERVICE];

/** Given a subgraph, returns the text of its SDL (schema/<name>.graphql). */
export function subgraphSdl(sector: SubgraphName): string {
  return fs.readFileSync(path.join(SCHEMA_DIRECTORY, `${sector}.graphql`), 'utf8');
}

/** Given a subgraph, returns its SDL parsed. */
export function subgraphDocument(sector: SubgraphName): DocumentNode {
  return parse(subgraphSdl(sector));
}

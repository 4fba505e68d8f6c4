import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';
import type { DocumentNode } from 'graphql';
import type { Sector } from '../common/config';

/** Where the SDL files live: beside this module, one per subgraph, plus the composed supergraph. */
export const SCHEMA_DIRECTORY = __dirname;
export const SUPERGRAPH_PATH = path.join(SCHEMA_DIRECTORY, 'supergraph.graphql');

/** Given a sector, returns the text of its subgraph SDL (schema/<sector>.graphql). */
export function subgraphSdl(sector: Sector): string {
  return fs.readFileSync(path.join(SCHEMA_DIRECTORY, `${sector}.graphql`), 'utf8');
}

/** Given a sector, returns its subgraph SDL parsed. */
export function subgraphDocument(sector: Sector): DocumentNode {
  return parse(subgraphSdl(sector));
}

import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';
import type { DocumentNode } from 'graphql';
import type { SectorConfig } from '../common/sectors';
import { BUILT_IN_SECTORS } from '../common/sectors';

/** Where the SDL files live: beside this module, one per subgraph, plus the composed supergraph. */
export const SCHEMA_DIRECTORY = __dirname;
export const SUPERGRAPH_PATH = path.join(SCHEMA_DIRECTORY, 'supergraph.graphql');

/** The gateway's own subgraph: the agencies' self-service (myAccess, explainOperation), answered in the gateway's process. */
export const SELF_SERVICE = 'access';
/** Every subgraph whose SDL ships in schema/: the built-in sectors' and the gateway's own. */
export const BUILT_IN_SUBGRAPHS: readonly string[] = [...BUILT_IN_SECTORS, SELF_SERVICE];

/** Given a subgraph shipped in schema/, returns the text of its SDL (schema/<name>.graphql). */
export function subgraphSdl(name: string): string {
  return fs.readFileSync(path.join(SCHEMA_DIRECTORY, `${name}.graphql`), 'utf8');
}

/** Given a subgraph shipped in schema/, returns its SDL parsed. */
export function subgraphDocument(name: string): DocumentNode {
  return parse(subgraphSdl(name));
}

/** Given a configured sector, returns its SDL parsed from its schema file. */
export function sectorDocument(sector: SectorConfig): DocumentNode {
  return parse(fs.readFileSync(sector.schemaFile, 'utf8'));
}

import fs from 'node:fs';
import { composeSupergraph } from '../schema/compose';
import { SUPERGRAPH_PATH } from '../schema/load';

/** Writes schema/supergraph.graphql from the subgraph SDLs; exits 1 with the composition errors if they do not compose. */
try {
  fs.writeFileSync(SUPERGRAPH_PATH, composeSupergraph());
  process.stdout.write(`Wrote ${SUPERGRAPH_PATH}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}

import fs from 'node:fs';
import type { Sector } from '../../common/config';
import { SUPERGRAPH_PATH } from '../../schema/load';

/**
 * Given the subgraphs' URLs, returns the committed supergraph with those URLs in its join__Graph values, so
 * that a peer gateway reads where each subgraph answers the way it would in a deployment: from the
 * supergraph, with no option of ours.
 */
export function supergraphWithUrls(urls: Record<Sector, string>): string {
  const sdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  return sdl.replace(/@join__graph\(name: "(\w+)", url: "[^"]*"\)/g, (_whole, name: string) => {
    const url = urls[name as Sector];
    if (url === undefined) throw new Error(`the supergraph names a subgraph "${name}" the bench did not start`);
    return `@join__graph(name: "${name}", url: "${url}")`;
  });
}

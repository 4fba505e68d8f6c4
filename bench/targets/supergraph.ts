import fs from 'node:fs';
import type { BuiltInSector } from '../../common/sectors';
import { SELF_SERVICE, SUPERGRAPH_PATH } from '../../schema/load';

/**
 * Given the subgraphs' URLs, returns the committed supergraph with those URLs in its join__Graph values, so
 * that a peer gateway reads where each subgraph answers the way it would in a deployment: from the
 * supergraph, with no option of ours. The self-service subgraph keeps its placeholder: our gateway answers it
 * in its own process, and no benchmark shape reads it.
 */
export function supergraphWithUrls(urls: Record<BuiltInSector, string>): string {
  const sdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  return sdl.replace(/@join__graph\(name: "(\w+)", url: "[^"]*"\)/g, (whole, name: string) => {
    if (name === SELF_SERVICE) return whole;
    const url = urls[name as BuiltInSector];
    if (url === undefined) throw new Error(`the supergraph names a subgraph "${name}" the bench did not start`);
    return `@join__graph(name: "${name}", url: "${url}")`;
  });
}

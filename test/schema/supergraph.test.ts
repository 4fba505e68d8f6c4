import fs from 'node:fs';
import { composeSupergraph } from '../../schema/compose';
import { SUPERGRAPH_PATH } from '../../schema/load';

describe('supergraph', () => {
  it('is the composition of the current subgraph SDLs (run `npm run compose` when this fails)', () => {
    expect(fs.readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(composeSupergraph());
  });
});

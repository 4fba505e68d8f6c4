import fs from 'node:fs';
import { parse } from 'graphql';
import { PLACEHOLDER_FIXTURES } from '../../bench/limitsCost';
import { SCOPE_COST_SHAPES, measureScopeCost } from '../../bench/scopeCost';
import { Q2_PAGE_SIZE, SHAPES } from '../../bench/shapes';
import { syntheticResult } from '../../bench/syntheticResult';
import { BUILT_IN_SECTORS } from '../../common/sectors';
import { Random } from '../../db/seed/random';
import { dropOutOfScopeEntities } from '../../gateway/enforcement/outOfScope';
import { SCOPE_PROBE, withScopeProbe } from '../../gateway/enforcement/scopeProbe';
import { apiSchemaOf, buildCatalog } from '../../gateway/policy/catalog';
import { SUPERGRAPH_PATH } from '../../schema/load';

const supergraphSdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
const schema = apiSchemaOf(supergraphSdl);

/** Given a shape, returns its document with the scope probes, and its variables. */
function probedShape(shape: 'Q1' | 'Q2' | 'Q3' | 'Q4') {
  const { query, variables } = SHAPES[shape].body(PLACEHOLDER_FIXTURES, { sequence: 0, random: new Random(38) });
  return { document: withScopeProbe(schema, parse(query), new Set<string>(BUILT_IN_SECTORS)), variables: variables ?? {} };
}

describe("the bench's measure of the per-field row scope", () => {
  it('times the decision, the probe rewrite, the compilation of the walk and the walk on each of Q1–Q4', () => {
    const costs = measureScopeCost(schema, buildCatalog(supergraphSdl), supergraphSdl, 10);
    expect(costs.map((cost) => cost.shape)).toEqual([...SCOPE_COST_SHAPES]);
    for (const cost of costs) {
      for (const micros of [cost.decisionMicros, cost.probeRewriteMicros, cost.responseWalkMicros]) expect(micros).toBeGreaterThanOrEqual(0);
      expect(cost.probeRewriteMicros).toBeGreaterThan(0);
      expect(cost.walkCompileMicros).toBeGreaterThan(0);
    }
  });

  it("walks a result of the shape's size, every citizen carrying its probe", () => {
    const { document, variables } = probedShape('Q2');
    const data = syntheticResult(schema, document, variables, { [SCOPE_PROBE]: true });
    const connection = Object.values(data)[0] as { nodes?: unknown[]; edges?: unknown[] };
    const page = connection.nodes ?? connection.edges;
    expect(page).toHaveLength(Q2_PAGE_SIZE);
    expect(JSON.stringify(data).split(`"${SCOPE_PROBE}":true`).length - 1).toBeGreaterThanOrEqual(Q2_PAGE_SIZE);
  });

  it('measures the walk that keeps vouched citizens and nulls the others', () => {
    const { document, variables } = probedShape('Q3');
    const vouched = syntheticResult(schema, document, variables, { [SCOPE_PROBE]: true });
    dropOutOfScopeEntities(schema, document, null, { data: vouched });
    expect(vouched.citizen).not.toBeNull();
    expect(JSON.stringify(vouched)).not.toContain(SCOPE_PROBE);
    const refused = syntheticResult(schema, document, variables, { [SCOPE_PROBE]: null });
    dropOutOfScopeEntities(schema, document, null, { data: refused });
    expect(refused.citizen).toBeNull();
  });
});

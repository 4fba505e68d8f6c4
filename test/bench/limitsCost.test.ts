import fs from 'node:fs';
import { parse, validate } from 'graphql';
import { LIMITS_COST_SHAPES, PLACEHOLDER_FIXTURES, measureLimitsCost } from '../../bench/limitsCost';
import { SHAPES } from '../../bench/shapes';
import { loadConfig } from '../../common/config';
import { apiSchemaOf } from '../../gateway/policy/catalog';
import { queryLimitProtection } from '../../gateway/queryLimits';
import { SUPERGRAPH_PATH } from '../../schema/load';

const schema = apiSchemaOf(fs.readFileSync(SUPERGRAPH_PATH, 'utf8'));
const limits = loadConfig({}).queryLimits;

describe("the bench's measure of the query limits", () => {
  it("times the limits and graphql's validation on each of Q1–Q4", () => {
    const costs = measureLimitsCost(schema, limits, 20);
    expect(costs.map((cost) => cost.shape)).toEqual(['Q1', 'Q2', 'Q3', 'Q4']);
    for (const cost of costs) {
      expect(cost.documentBytes).toBeGreaterThan(50);
      expect(cost.limitsAloneMicros).toBeGreaterThan(0);
      expect(cost.figuresMicros).toBeGreaterThan(0);
      expect(cost.figuresMicros).toBeLessThan(cost.limitsAloneMicros);
      expect(cost.graphqlValidationMicros).toBeGreaterThan(0);
    }
  });

  it('measures documents the limits accept, as the gateway answers them', () => {
    for (const shape of LIMITS_COST_SHAPES) {
      const document = parse(SHAPES[shape].body(PLACEHOLDER_FIXTURES, { sequence: 0, random: { pick: <T>(items: readonly T[]) => items[0]! } as never }).query);
      expect(validate(schema, document, queryLimitProtection(limits).validationRules)).toEqual([]);
    }
  });
});

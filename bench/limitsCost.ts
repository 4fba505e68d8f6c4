import { Kind, parse, specifiedRules, validate } from 'graphql';
import type { GraphQLSchema, OperationDefinitionNode, ValidationRule } from 'graphql';
import type { QueryLimits } from '../common/config';
import { Random } from '../db/seed/random';
import { operationFigures } from '../gateway/limits/operationFigures';
import { queryLimitProtection } from '../gateway/queryLimits';
import type { LimitsCost } from './results';
import type { Fixtures, ShapeName } from './shapes';
import { SHAPES } from './shapes';

/** The shapes whose documents the limits' cost is measured on. */
export const LIMITS_COST_SHAPES: readonly ShapeName[] = ['Q1', 'Q2', 'Q3', 'Q4'];

/** Identifiers of the right form: a shape's document does not depend on them, only its variables do. */
export const PLACEHOLDER_FIXTURES: Fixtures = {
  citizenIds: ['038085001234'],
  parcelCommunes: ['40778'],
  residentPages: [{ communeCode: '40778', cursors: ['a', 'b', 'c', 'd'] }],
  ward: { communeCode: '40778', cursors: ['a', 'b', 'c', 'd'] },
};

/** Given a function, runs it `samples` times after a warm-up as long, and returns the median run in microseconds. */
export function medianMicros(run: () => void, samples: number): number {
  for (let sample = 0; sample < samples; sample += 1) run();
  const times: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    const started = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/**
 * Given the gateway's API schema and its limits, returns for each of Q1–Q4 what validating its document costs
 * in this process, in microseconds, median of `samples`: graphql's own rules; the limits' own work, the figures
 * of the document (what they add to graphql's pass, which the gateway makes once for all rules); and the limit
 * rules in a validation pass of their own, traversal included (an upper bound).
 */
export function measureLimitsCost(schema: GraphQLSchema, limits: QueryLimits, samples = 500): LimitsCost[] {
  const limitRules: ValidationRule[] = queryLimitProtection(limits).validationRules;
  return LIMITS_COST_SHAPES.map((shape) => {
    const { query } = SHAPES[shape].body(PLACEHOLDER_FIXTURES, { sequence: 0, random: new Random(38) });
    const document = parse(query);
    const graphqlValidationMicros = medianMicros(() => validate(schema, document, specifiedRules), samples);
    const limitsAloneMicros = medianMicros(() => validate(schema, document, limitRules), samples);
    const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
    const figuresMicros = medianMicros(() => {
      const figuresOf = operationFigures(document);
      for (const operation of operations) figuresOf(operation);
    }, samples);
    return { shape, documentBytes: Buffer.byteLength(query), graphqlValidationMicros, figuresMicros, limitsAloneMicros };
  });
}

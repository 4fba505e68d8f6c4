import { GraphQLError, Kind } from 'graphql';
import type { ASTVisitor, ValidationContext, ValidationRule } from 'graphql';
import type { QueryLimits } from '../../common/config';
import { ErrorCode } from '../../common/errors';
import type { OperationFigures } from './operationFigures';
import { operationFigures } from './operationFigures';

/** Each figure with the bound it must stay within and the setting that configures it. */
const BOUNDS: ReadonlyArray<{ figure: keyof OperationFigures; bound: keyof QueryLimits; setting: string; noun: string }> = [
  { figure: 'depth', bound: 'maxDepth', setting: 'QUERY_MAX_DEPTH', noun: 'depth (levels of fields)' },
  { figure: 'aliases', bound: 'maxAliases', setting: 'QUERY_MAX_ALIASES', noun: 'number of aliases' },
  { figure: 'directives', bound: 'maxDirectives', setting: 'QUERY_MAX_DIRECTIVES', noun: 'number of directives' },
  { figure: 'cost', bound: 'maxCost', setting: 'QUERY_MAX_COST', noun: 'cost' },
];

/** Given which limit, its bound and the figure found, returns the error a client sees (code QUERY_TOO_COMPLEX). */
export function queryTooComplex(limit: string, maximum: number, found: number | null, message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit, maximum, ...(found === null ? {} : { found }) },
  });
}

/**
 * Given the configured limits, returns a validation rule that, given a document, reports QUERY_TOO_COMPLEX for
 * every operation whose depth, aliases, directives or cost (operationFigures: fragments counted as often as they
 * are spread) exceed them, naming the limit, its bound and the figure. It reads the document once, when
 * validation enters it: linear in the document's size, however its fragments multiply.
 */
export function queryLimitsRule(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    Document(document) {
      const figuresOf = operationFigures(document);
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const figures = figuresOf(definition);
        const name = definition.name ? `The operation ${definition.name.value}` : 'The operation';
        for (const { figure, bound, setting, noun } of BOUNDS) {
          const found = figures[figure];
          const maximum = limits[bound];
          if (found <= maximum) continue;
          const shown = found >= Number.MAX_SAFE_INTEGER ? `at least ${Number.MAX_SAFE_INTEGER}` : String(found);
          context.reportError(
            queryTooComplex(figure, maximum, found, `${name} is too complex: its ${noun} is ${shown}, over the limit of ${maximum} (${setting})`),
          );
        }
      }
      return false;
    },
  });
}

import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { ParseOptions, ValidationRule } from 'graphql';
import type { QueryLimits } from '../common/config';
import { CITIZEN_ID_PROBE } from './audit/citizenProbe';
import { clientErrorStatusPlugin } from './limits/clientErrorStatus';
import { operationResolutionPlugin } from './limits/operationResolutionPlugin';
import { queryLimitsRule } from './limits/queryLimitsRule';
import { reservedAliasesRule } from './limits/reservedAliasesRule';

/** What the gateway's Apollo Server is given to bound and check an operation before any subgraph is called. */
export interface QueryLimitProtection {
  /** The parser stops past the token bound: a document too long is never parsed whole. */
  parseOptions: ParseOptions;
  validationRules: ValidationRule[];
  plugins: Array<ApolloServerPlugin<BaseContext>>;
}

/**
 * Given the configured bounds, returns the parse options, validation rules and plugins that refuse an operation
 * too long (tokens), too deep, too wide (aliases), with too many directives or too costly, in time linear in the
 * document, before planning (QUERY_TOO_COMPLEX, HTTP 400); that refuse the aliases the gateway reserves; that
 * refuse an operationName the document does not resolve (OPERATION_RESOLUTION_FAILURE); and that answer any
 * client error 4xx.
 */
export function queryLimitProtection(limits: QueryLimits): QueryLimitProtection {
  const { parseOptions, validationRules } = queryLimitOptions(limits);
  return {
    parseOptions,
    validationRules: [...validationRules, reservedAliasesRule([CITIZEN_ID_PROBE])],
    plugins: [operationResolutionPlugin(), clientErrorStatusPlugin()],
  };
}

/**
 * Given the configured bounds, returns the parse options and validation rules that bound an operation on a route
 * beside the gateway's (/admin, /citizen): the same limits, measured the same way, without the gateway's own checks.
 */
export function queryLimitOptions(limits: QueryLimits): Pick<QueryLimitProtection, 'parseOptions' | 'validationRules'> {
  return { parseOptions: { maxTokens: limits.maxTokens }, validationRules: [queryLimitsRule(limits)] };
}

import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ValidationRule } from 'graphql';
import type { QueryLimits } from '../common/config';

/**
 * Given the configured bounds, returns the validation rules and plugins that refuse an operation too deep,
 * too wide (aliases), too long (tokens) or too costly before any subgraph is called. Field suggestions
 * ("did you mean …") are withheld, so an error never names a field the caller did not write.
 */
export function queryLimitProtection(limits: QueryLimits): { validationRules: ValidationRule[]; plugins: ApolloServerPlugin[] } {
  const { validationRules, plugins } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    maxAliases: { n: limits.maxAliases },
    maxTokens: { n: limits.maxTokens },
    costLimit: { maxCost: limits.maxCost },
    maxDirectives: { n: 50 },
    blockFieldSuggestion: { enabled: true },
  }).protect();
  return { validationRules, plugins };
}

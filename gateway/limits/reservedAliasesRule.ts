import { GraphQLError } from 'graphql';
import type { ASTVisitor, ValidationContext, ValidationRule } from 'graphql';

/**
 * Given the aliases the gateway keeps for itself (such as the audit's citizen probe), returns a validation
 * rule that, given a document, reports each field that uses one of them (GRAPHQL_VALIDATION_FAILED, HTTP 400):
 * an answer under such an alias would stand in for what the gateway reads there.
 */
export function reservedAliasesRule(reserved: readonly string[]): ValidationRule {
  const aliases = new Set(reserved);
  return (context: ValidationContext): ASTVisitor => ({
    Field(node) {
      if (node.alias && aliases.has(node.alias.value)) {
        context.reportError(new GraphQLError(`The alias ${node.alias.value} is reserved by the gateway: choose another`, { nodes: node.alias }));
      }
    },
  });
}

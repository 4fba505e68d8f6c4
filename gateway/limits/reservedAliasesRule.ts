import type { ASTVisitor, ValidationContext, ValidationRule } from 'graphql';
import { badUserInput } from '../../common/errors';

/**
 * Given the aliases the gateway keeps for itself (such as the audit's citizen probe), returns a validation
 * rule that, given a document, reports each field that uses one of them (BAD_USER_INPUT, HTTP 400, before planning):
 * an answer under such an alias would stand in for what the gateway reads there.
 */
export function reservedAliasesRule(reserved: readonly string[]): ValidationRule {
  const aliases = new Set(reserved);
  return (context: ValidationContext): ASTVisitor => ({
    Field(node) {
      if (node.alias && aliases.has(node.alias.value)) {
        context.reportError(badUserInput(`The alias ${node.alias.value} is reserved by the gateway: choose another`));
      }
    },
  });
}

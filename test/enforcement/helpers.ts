import { buildSchema } from 'graphql';
import type { Effect, FieldDecision, MaskKind } from '../../gateway/policy/types';

/** A small schema with an interface, as the enforcement units see the API schema. */
export const SCHEMA = buildSchema(`
  type Query { citizen(id: ID!): Citizen school(code: String!): School }
  type Citizen { nationalId: ID! fullName: String! dateOfBirth: String! events: [Event!] school: School }
  type School { code: String! name: String! }
  interface Event { date: String! }
  type Vaccination implements Event { date: String! vaccine: String! }
  type Encounter implements Event { date: String! diagnosisCode: String! }
`);

/** Given coordinates with their effect (and mask), returns decided fields by coordinate, as the plugin keeps them. */
export function decisions(entries: Array<[string, Effect, MaskKind?]>): Map<string, FieldDecision> {
  return new Map(
    entries.map(([coordinate, effect, mask]) => [
      coordinate,
      {
        coordinate,
        effect,
        rule: effect === 'DENY' ? 'DEFAULT_DENY' : 'GRANT',
        grantId: effect === 'DENY' ? null : 'grant-1',
        reason: effect === 'DENY' ? `no grant covers ${coordinate}` : 'granted',
        mask: mask ?? null,
        neededGrant: effect === 'DENY' ? `a grant covering ${coordinate}` : null,
        scopeUnitCodes: null,
      },
    ]),
  );
}

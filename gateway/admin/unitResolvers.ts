import type { Stewardship } from '../store/stewardship';
import type { UnitChoice, UnitSearch } from '../store/unitSearch';

/** What these resolvers read of the admin context: the steward operations. */
interface UnitsContext {
  stewardship: Stewardship;
}

/** The admin API's root field of administrative units (units.graphql), one call to Stewardship, and its type. */
export const unitResolvers = {
  Query: {
    administrativeUnits: ((_source: unknown, args: UnitSearch, context: UnitsContext) => context.stewardship.searchUnits(args)) as (
      source: unknown,
      args: never,
      context: UnitsContext,
    ) => unknown,
  },
  AdministrativeUnit: {
    replacedBy: (unit: UnitChoice) => unit.replacement,
  },
};

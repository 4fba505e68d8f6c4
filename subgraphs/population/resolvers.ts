import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { assertCommuneCode, assertOneOf, assertUnitCode, identifierAssertion } from '../../common/identifiers';
import { assertNationalId } from '../../common/nationalId';
import { badUserInput } from '../../common/errors';
import type { PageArguments } from '../../common/pagination';
import { pageRequest, toConnection } from '../../common/pagination';
import type { SubgraphContext } from '../../common/subgraphServer';
import { foldForSearch } from '../../common/text';
import type { AdministrativeUnitRow, CitizenRow, HouseholdMemberRow, HouseholdRow } from '../../db/rows';
import type { PopulationLoaders } from './loaders';
import type { PopulationRepository } from './repository';
import { searchKeyOf } from './repository';
import { selectsField } from '../selection';

export interface PopulationContext extends SubgraphContext {
  repository: PopulationRepository;
  loaders: PopulationLoaders;
}

const CITIZEN_STATUSES = ['ALIVE', 'DECEASED'] as const;
const assertHouseholdCode = identifierAssertion(/^[A-Z0-9-]{1,20}$/, 'household code', 'up to 20 upper-case letters, digits or -', 'code');
const MIN_NAME_PREFIX = 2;
const MAX_NAME_PREFIX = 120;

/** Resolvers of the population subgraph: arguments are checked here, rows come through the per-request loaders. */
export const populationResolvers: GraphQLResolverMap<PopulationContext> = {
  Query: {
    // Asked with its household membership (as Q3 asks), a citizen is read with it in one statement.
    citizen: (_source, args: { nationalId: string }, { loaders }, info) =>
      (selectsField(info, 'householdMembership') ? loaders.citizenWithMembershipById : loaders.citizenById).load(assertNationalId(args.nationalId)),

    citizensByCommune: async (_source, args: { communeCode: string; status?: string | null } & PageArguments, { repository, loaders }) => {
      const communeCode = assertCommuneCode(args.communeCode);
      const status = assertOneOf(args.status, CITIZEN_STATUSES, 'status');
      const page = pageRequest('citizensByCommune', ['string'], args);
      const rows = await repository.citizensByCurrentUnit(communeCode, status, page);
      rows.forEach((row) => loaders.citizenById.prime(row.national_id, row));
      return toConnection('citizensByCommune', rows, page.size, (row) => [row.national_id]);
    },

    citizensByNamePrefix: async (_source, args: { prefix: string } & PageArguments, { repository, loaders }) => {
      const prefix = foldForSearch(args.prefix);
      if (prefix.length < MIN_NAME_PREFIX || prefix.length > MAX_NAME_PREFIX) {
        throw badUserInput(`"prefix" must have ${MIN_NAME_PREFIX} to ${MAX_NAME_PREFIX} characters`, 'prefix');
      }
      const page = pageRequest('citizensByNamePrefix', ['string', 'string'], args);
      const rows = await repository.citizensBySearchPrefix(prefix, page);
      rows.forEach((row) => loaders.citizenById.prime(row.national_id, row));
      return toConnection('citizensByNamePrefix', rows, page.size, searchKeyOf);
    },

    administrativeUnit: (_source, args: { code: string }, { loaders }) => loaders.unitByCode.load(assertUnitCode(args.code)),

    household: (_source, args: { code: string }, { loaders }) => loaders.householdByCode.load(assertHouseholdCode(args.code)),
  },

  Citizen: {
    __resolveReference: (reference: { nationalId: string }, { loaders }: PopulationContext) => loaders.citizenById.load(reference.nationalId),
    nationalId: (row: CitizenRow) => row.national_id,
    fullName: (row: CitizenRow) => row.full_name,
    dateOfBirth: (row: CitizenRow) => row.date_of_birth,
    dateOfDeath: (row: CitizenRow) => row.date_of_death,
    permanentResidence: (row: CitizenRow) => ({ unitCode: row.permanent_unit_code, addressLine: row.permanent_address }),
    currentResidence: (row: CitizenRow) => ({ unitCode: row.current_unit_code, addressLine: row.current_address }),
    householdMembership: (row: CitizenRow, _args, { loaders }) => loaders.membershipByNationalId.load(row.national_id),
    // A row out of scope was never read, so every citizen that reaches a resolver is in scope.
    inScope: () => true,
  },

  Residence: {
    unit: (residence: { unitCode: string }, _args, { loaders }) => loaders.unitByCode.load(residence.unitCode),
  },

  Household: {
    __resolveReference: (reference: { code: string }, { loaders }: PopulationContext) => loaders.householdByCode.load(reference.code),
    unit: (row: HouseholdRow, _args, { loaders }) => loaders.unitByCode.load(row.unit_code),
    head: (row: HouseholdRow, _args, { loaders }) => loaders.citizenById.load(row.head_national_id),
    members: (row: HouseholdRow, _args, { loaders }) => loaders.membersByHouseholdCode.load(row.code),
  },

  HouseholdMembership: {
    household: (row: HouseholdMemberRow, _args, { loaders }) => loaders.householdByCode.load(row.household_code),
    citizen: (row: HouseholdMemberRow, _args, { loaders }) => loaders.citizenById.load(row.national_id),
    relationshipToHead: (row: HouseholdMemberRow) => row.relationship,
  },

  AdministrativeUnit: {
    __resolveReference: (reference: { code: string }, { loaders }: PopulationContext) => loaders.unitByCode.load(reference.code),
    unitType: (row: AdministrativeUnitRow) => row.unit_type,
    parent: (row: AdministrativeUnitRow, _args, { loaders }) => (row.parent_code ? loaders.unitByCode.load(row.parent_code) : null),
    children: (row: AdministrativeUnitRow, _args, { loaders }) => loaders.unitsByParentCode.load(row.code),
    validFrom: (row: AdministrativeUnitRow) => row.valid_from,
    validTo: (row: AdministrativeUnitRow) => row.valid_to,
    replacedBy: (row: AdministrativeUnitRow, _args, { loaders }) => (row.replaced_by_code ? loaders.unitByCode.load(row.replaced_by_code) : null),
  },
};

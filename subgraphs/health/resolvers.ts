import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { assertCommuneCode, assertOneOf } from '../../common/identifiers';
import type { PageArguments } from '../../common/pagination';
import { pageRequest, toConnection } from '../../common/pagination';
import type { SubgraphContext } from '../../common/subgraphServer';
import { FACILITY_LEVELS } from '../../common/vocabulary';
import type { EncounterRow, FacilityRow, InsuranceCardRow, VaccinationRow } from '../../db/rows';
import { icd10Chapter } from './icd10';
import { assertFacilityCode, assertSocialInsuranceNumber } from './identifiers';
import { cardInForce } from './insuranceCard';
import type { HealthLoaders } from './loaders';
import type { HealthRepository } from './repository';

export interface HealthContext extends SubgraphContext {
  repository: HealthRepository;
  loaders: HealthLoaders;
  /** The calendar date in Vietnam when the request arrived, YYYY-MM-DD: one day for every card of the request. */
  today: string;
}

/** A citizen as this subgraph knows one: by national ID only, identity facts live in population. */
interface CitizenReference {
  nationalId: string;
}

/** Given a facility code of a row and the request context, returns the facility through the per-request loader. */
const facilityOf = (code: string, { loaders }: HealthContext) => loaders.facilityByCode.load(code);

/** Resolvers of the health subgraph: arguments are checked here, rows come through the per-request loaders. */
export const healthResolvers: GraphQLResolverMap<HealthContext> = {
  Query: {
    healthFacility: (_source, args: { code: string }, context: HealthContext) => facilityOf(assertFacilityCode(args.code), context),

    healthFacilitiesByCommune: async (
      _source,
      args: { communeCode: string; level?: string | null } & PageArguments,
      { repository, loaders }: HealthContext,
    ) => {
      const communeCode = assertCommuneCode(args.communeCode);
      const level = assertOneOf(args.level, FACILITY_LEVELS, 'level');
      const page = pageRequest('healthFacilitiesByCommune', ['string'], args);
      const rows = await repository.facilitiesByCommune(communeCode, level, page);
      rows.forEach((row) => loaders.facilityByCode.prime(row.code, row));
      return toConnection('healthFacilitiesByCommune', rows, page.size, (row) => [row.code]);
    },

    healthInsuranceCard: (_source, args: { socialInsuranceNumber: string }, { loaders }: HealthContext) =>
      loaders.cardByNumber.load(assertSocialInsuranceNumber(args.socialInsuranceNumber)),
  },

  Citizen: {
    // Other subgraphs vouch for the person; a citizen without health records simply has empty lists here.
    __resolveReference: (reference: CitizenReference): CitizenReference => ({ nationalId: reference.nationalId }),
    healthInsurance: async (citizen: CitizenReference, _args, { loaders, today }: HealthContext) =>
      cardInForce(await loaders.cardsByHolderId.load(citizen.nationalId), today),
    vaccinations: (citizen: CitizenReference, _args, { loaders }: HealthContext) => loaders.vaccinationsByPersonId.load(citizen.nationalId),
    encounters: (citizen: CitizenReference, _args, { loaders }: HealthContext) => loaders.encountersByPatientId.load(citizen.nationalId),
    healthEvents: async (citizen: CitizenReference, _args, { loaders }: HealthContext) => {
      const [vaccinations, encounters] = await Promise.all([
        loaders.vaccinationsByPersonId.load(citizen.nationalId),
        loaders.encountersByPatientId.load(citizen.nationalId),
      ]);
      const events: Array<{ date: string; event: VaccinationRow | EncounterRow }> = [
        ...vaccinations.map((event) => ({ date: event.vaccinated_on, event })),
        ...encounters.map((event) => ({ date: event.encounter_date, event })),
      ];
      return events.sort((a, b) => b.date.localeCompare(a.date)).map(({ event }) => event);
    },
  },

  HealthEvent: {
    __resolveType: (event: VaccinationRow | EncounterRow) => ('icd10_code' in event ? 'Encounter' : 'Vaccination'),
  },

  HealthFacility: {
    __resolveReference: (reference: { code: string }, context: HealthContext) => facilityOf(reference.code, context),
    commune: (row: FacilityRow) => ({ code: row.commune_code }),
  },

  HealthInsuranceCard: {
    socialInsuranceNumber: (row: InsuranceCardRow) => row.social_insurance_number,
    holder: (row: InsuranceCardRow): CitizenReference => ({ nationalId: row.national_id }),
    benefitLevel: (row: InsuranceCardRow) => row.benefit_level,
    primaryCareFacility: (row: InsuranceCardRow, _args, context: HealthContext) => facilityOf(row.primary_care_facility_code, context),
    validFrom: (row: InsuranceCardRow) => row.valid_from,
    validTo: (row: InsuranceCardRow) => row.valid_to,
  },

  Vaccination: {
    date: (row: VaccinationRow) => row.vaccinated_on,
    facility: (row: VaccinationRow, _args, context: HealthContext) => facilityOf(row.facility_code, context),
  },

  Encounter: {
    date: (row: EncounterRow) => row.encounter_date,
    facility: (row: EncounterRow, _args, context: HealthContext) => facilityOf(row.facility_code, context),
    diagnosisCode: (row: EncounterRow) => row.icd10_code,
    diagnosisChapter: (row: EncounterRow) => icd10Chapter(row.icd10_code),
  },
};

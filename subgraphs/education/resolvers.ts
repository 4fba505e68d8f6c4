import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { assertCommuneCode, assertOneOf, identifierAssertion } from '../../common/identifiers';
import type { PageArguments } from '../../common/pagination';
import { pageRequest, toConnection } from '../../common/pagination';
import type { SubgraphContext } from '../../common/subgraphServer';
import { SCHOOL_LEVELS } from '../../common/vocabulary';
import type { DiplomaRow, EnrollmentRow, SchoolRow } from '../../db/rows';
import type { EducationLoaders } from './loaders';
import type { EducationRepository } from './repository';

export interface EducationContext extends SubgraphContext {
  repository: EducationRepository;
  loaders: EducationLoaders;
}

/** What the gateway sends for a citizen: the key only, since identity facts live in population. */
interface CitizenReference {
  nationalId: string;
}

/** Given a school code argument, returns it or throws BAD_USER_INPUT; Thanh Hóa's codes start with its province code 38. */
export const assertSchoolCode = identifierAssertion(
  /^38[A-Z0-9]{3,10}$/,
  'school code',
  '"38" followed by 3 to 10 upper-case letters or digits, e.g. 38TH40778A',
  'code',
);

/** Given a diploma serial argument, returns it or throws BAD_USER_INPUT naming the expected form. */
export const assertDiplomaSerial = identifierAssertion(
  /^[A-Z]{2,4}[0-9]{6,10}$/,
  'diploma serial',
  '2 to 4 upper-case letters followed by 6 to 10 digits, e.g. THPT0012345',
  'serial',
);

const schoolOf = (row: EnrollmentRow | DiplomaRow, _args: unknown, { loaders }: EducationContext) => loaders.schoolByCode.load(row.school_code);

/** Resolvers of the education subgraph: arguments are checked here, rows come through the per-request loaders. */
export const educationResolvers: GraphQLResolverMap<EducationContext> = {
  Query: {
    school: (_source, args: { code: string }, { loaders }) => loaders.schoolByCode.load(assertSchoolCode(args.code)),

    schoolsByCommune: async (_source, args: { communeCode: string; level?: string | null } & PageArguments, { repository, loaders }) => {
      const communeCode = assertCommuneCode(args.communeCode);
      const level = assertOneOf(args.level, SCHOOL_LEVELS, 'level');
      const page = pageRequest('schoolsByCommune', ['string'], args);
      const rows = await repository.schoolsByCommune(communeCode, level, page);
      rows.forEach((row) => loaders.schoolByCode.prime(row.code, row));
      return toConnection('schoolsByCommune', rows, page.size, (row) => [row.code]);
    },

    diploma: (_source, args: { serial: string }, { loaders }) => loaders.diplomaBySerial.load(assertDiplomaSerial(args.serial)),
  },

  Citizen: {
    // No read: the education database knows a citizen only by the key the gateway already holds.
    __resolveReference: (reference: CitizenReference): CitizenReference => ({ nationalId: reference.nationalId }),
    enrollments: (citizen: CitizenReference, _args, { loaders }) => loaders.enrollmentsByPupilId.load(citizen.nationalId),
    diplomas: (citizen: CitizenReference, _args, { loaders }) => loaders.diplomasByHolderId.load(citizen.nationalId),
  },

  School: {
    __resolveReference: (reference: { code: string }, { loaders }: EducationContext) => loaders.schoolByCode.load(reference.code),
    commune: (row: SchoolRow) => ({ code: row.commune_code }),
  },

  Enrollment: {
    school: schoolOf,
    schoolYear: (row: EnrollmentRow) => row.school_year,
  },

  Diploma: {
    issueDate: (row: DiplomaRow) => row.issue_date,
    school: schoolOf,
    holder: (row: DiplomaRow): CitizenReference => ({ nationalId: row.national_id }),
  },
};

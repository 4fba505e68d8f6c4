import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { badUserInput } from '../../common/errors';
import { assertCommuneCode, assertOneOf, identifierAssertion } from '../../common/identifiers';
import type { PageArguments } from '../../common/pagination';
import { pageRequest, toConnection } from '../../common/pagination';
import type { SubgraphContext } from '../../common/subgraphServer';
import { LAND_USE_PURPOSE_CODES, LAND_USE_PURPOSES } from '../../common/vocabulary';
import type { LandUsePurpose } from '../../common/vocabulary';
import type { LandUseCertificateRow, OwnershipShareRow, ParcelRow } from '../../db/rows';
import type { LandLoaders } from './loaders';
import type { LandRepository } from './repository';

export interface LandContext extends SubgraphContext {
  repository: LandRepository;
  loaders: LandLoaders;
}

/** A citizen as this subgraph knows one: by national ID, and nothing else. */
interface CitizenReference {
  nationalId: string;
}

/** Given a certificate serial argument, returns it or throws BAD_USER_INPUT naming the expected form. */
const assertCertificateSerial = identifierAssertion(
  /^[A-Z]{2} \d{6,8}$/,
  'certificate serial',
  'two upper-case letters, a space and 6 to 8 digits, such as "CS 01234567"',
  'serial',
);
const PARCEL_ID = /^[1-9]\d{0,9}$/;

/** Given a map sheet or parcel number, returns it if it is a positive integer, or throws BAD_USER_INPUT. */
function assertPositiveNumber(value: number, argumentName: string): number {
  if (!Number.isInteger(value) || value < 1) throw badUserInput(`"${argumentName}" must be a positive integer, got ${value}`, argumentName);
  return value;
}

/** Given a DECIMAL column, returns it as a number: MySQL sends DECIMAL as a string so as not to lose digits. */
function decimal(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Resolvers of the land subgraph: arguments are checked here, rows come through the per-request loaders. */
export const landResolvers: GraphQLResolverMap<LandContext> = {
  Query: {
    landParcel: async (_source, args: { communeCode: string; mapSheetNumber: number; parcelNumber: number }, { repository, loaders }) => {
      const row = await repository.parcelByIdentifier({
        communeCode: assertCommuneCode(args.communeCode),
        mapSheetNumber: assertPositiveNumber(args.mapSheetNumber, 'mapSheetNumber'),
        parcelNumber: assertPositiveNumber(args.parcelNumber, 'parcelNumber'),
      });
      if (!row) return null;
      loaders.parcelById.prime(row.id, row);
      return row;
    },

    landParcelsByCommune: async (_source, args: { communeCode: string; landUsePurpose?: string | null } & PageArguments, { repository, loaders }) => {
      const communeCode = assertCommuneCode(args.communeCode);
      const landUsePurpose = assertOneOf(args.landUsePurpose, LAND_USE_PURPOSE_CODES, 'landUsePurpose');
      const page = pageRequest('landParcelsByCommune', ['number'], args);
      const rows = await repository.parcelsByCommune(communeCode, landUsePurpose, page);
      rows.forEach((row) => loaders.parcelById.prime(row.id, row));
      return toConnection('landParcelsByCommune', rows, page.size, (row) => [row.id]);
    },

    landUseCertificate: (_source, args: { serial: string }, { loaders }) => loaders.certificateBySerial.load(assertCertificateSerial(args.serial)),
  },

  Citizen: {
    // Who the citizen is stays in the population database: a reference is all this subgraph needs.
    __resolveReference: (reference: CitizenReference): CitizenReference => ({ nationalId: reference.nationalId }),
    landParcels: (citizen: CitizenReference, _args, { loaders }) => loaders.parcelsByOwnerId.load(citizen.nationalId),
  },

  LandParcel: {
    __resolveReference: (reference: { id: string }, { loaders }: LandContext) =>
      PARCEL_ID.test(reference.id) ? loaders.parcelById.load(Number(reference.id)) : null,
    id: (row: ParcelRow) => String(row.id),
    communeCode: (row: ParcelRow) => row.commune_code,
    commune: (row: ParcelRow) => ({ code: row.commune_code }),
    mapSheetNumber: (row: ParcelRow) => row.map_sheet_number,
    parcelNumber: (row: ParcelRow) => row.parcel_number,
    areaSquareMeters: (row: ParcelRow) => decimal(row.area_m2),
    landUsePurpose: (row: ParcelRow) => row.land_use_purpose,
    // A code dropped from the list still names itself rather than failing the whole parcel.
    landUsePurposeName: (row: ParcelRow) => LAND_USE_PURPOSES[row.land_use_purpose as LandUsePurpose] ?? row.land_use_purpose,
    landUseUntil: (row: ParcelRow) => row.land_use_until,
    certificates: (row: ParcelRow, _args, { loaders }) => loaders.certificatesByParcelId.load(row.id),
    owners: (row: ParcelRow, _args, { loaders }) => loaders.sharesByParcelId.load(row.id),
  },

  LandOwnership: {
    owner: (row: OwnershipShareRow): CitizenReference => ({ nationalId: row.national_id }),
    sharePercent: (row: OwnershipShareRow) => decimal(row.share_percent),
  },

  LandUseCertificate: {
    issueDate: (row: LandUseCertificateRow) => row.issue_date,
    issuingAuthority: (row: LandUseCertificateRow) => row.issuing_authority,
    parcel: (row: LandUseCertificateRow, _args, { loaders }) => loaders.parcelById.load(row.parcel_id),
  },
};

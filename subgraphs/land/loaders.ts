import DataLoader from 'dataloader';
import { groupBy, indexBy } from '../../common/batch';
import type { LandUseCertificateRow, OwnershipShareRow, ParcelRow } from '../../db/rows';
import type { LandRepository, OwnedParcelRow } from './repository';

export interface LandLoaders {
  parcelById: DataLoader<number, ParcelRow | null>;
  parcelsByOwnerId: DataLoader<string, ParcelRow[]>;
  certificateBySerial: DataLoader<string, LandUseCertificateRow | null>;
  certificatesByParcelId: DataLoader<number, LandUseCertificateRow[]>;
  sharesByParcelId: DataLoader<number, OwnershipShareRow[]>;
}

/** Given a parcel read through an ownership share, returns the parcel alone, as every other query reads it. */
function parcelOf(row: OwnedParcelRow): ParcelRow {
  const { owner_national_id: _owner, ...parcel } = row;
  return parcel;
}

/** Given the repository, returns a fresh set of loaders: one set per request, so nothing is cached across callers. */
export function createLandLoaders(repository: LandRepository): LandLoaders {
  const parcelById = new DataLoader<number, ParcelRow | null>(async (ids) => indexBy(ids, await repository.parcelsByIds(ids), (row) => row.id));
  return {
    parcelById,
    parcelsByOwnerId: new DataLoader(async (nationalIds) => {
      const owned = await repository.parcelsByOwnerIds(nationalIds);
      // A certificate of one of these parcels asks for its parcel again: serve it from what was just read.
      return groupBy(nationalIds, owned, (row) => row.owner_national_id).map((rows) =>
        rows.map((row) => {
          const parcel = parcelOf(row);
          parcelById.prime(parcel.id, parcel);
          return parcel;
        }),
      );
    }),
    certificateBySerial: new DataLoader(async (serials) => indexBy(serials, await repository.certificatesBySerials(serials), (row) => row.serial)),
    certificatesByParcelId: new DataLoader(async (ids) => groupBy(ids, await repository.certificatesByParcelIds(ids), (row) => row.parcel_id)),
    sharesByParcelId: new DataLoader(async (ids) => groupBy(ids, await repository.sharesByParcelIds(ids), (row) => row.parcel_id)),
  };
}

import type { Knex } from 'knex';
import type { LandUsePurpose } from '../../common/vocabulary';
import type { LandUseCertificateRow, OwnershipShareRow, ParcelRow } from '../../db/rows';
import { citizenFixture } from './fixtures';

/** The purposes parcels take in turn: residential, rice, perennial crops, urban residential. */
const PURPOSES: LandUsePurpose[] = ['ONT', 'LUC', 'CLN', 'ODT'];
const ISSUING_AUTHORITY = 'Sở Nông nghiệp và Môi trường tỉnh Thanh Hóa';

/** Owners cycle over this many citizens, so that each of them holds several parcels. */
export const LAND_OWNER_COUNT = 45;

/**
 * Given an index, returns a parcel of ward 40778 (two out of three) or 40779, ten to a map sheet.
 * Rice land is allocated until 2064; every other purpose is long-term use.
 */
export function parcelFixture(index: number): ParcelRow {
  const purpose = PURPOSES[index % PURPOSES.length]!;
  const mapSheetNumber = 1 + Math.floor(index / 10);
  const parcelNumber = 100 + index;
  return {
    id: index + 1,
    commune_code: index % 3 === 2 ? '40779' : '40778',
    map_sheet_number: mapSheetNumber,
    parcel_number: parcelNumber,
    area_m2: 120.5 + index,
    land_use_purpose: purpose,
    land_use_until: purpose === 'LUC' ? '2064-07-01' : null,
    address: `Thửa ${parcelNumber}, tờ bản đồ ${mapSheetNumber}, đường Lê Lợi`,
  };
}

/** Given a parcel index, returns the serial of its current certificate. */
export function certificateSerial(index: number): string {
  return `CS ${String(1000000 + index).padStart(8, '0')}`;
}

/**
 * Given a parcel index, returns its ownership shares: one in four parcels is held 50/50 by a couple,
 * the others in full by one of the first LAND_OWNER_COUNT fixture citizens.
 */
export function sharesFixture(index: number): OwnershipShareRow[] {
  const owner = citizenFixture(index % LAND_OWNER_COUNT).national_id;
  if (index % 4 !== 0) return [{ parcel_id: index + 1, national_id: owner, share_percent: 100 }];
  return [
    { parcel_id: index + 1, national_id: owner, share_percent: 50 },
    { parcel_id: index + 1, national_id: citizenFixture(500 + index).national_id, share_percent: 50 },
  ];
}

/** Given a parcel index, returns its certificates; the first parcel also keeps an older one, issued before a split. */
export function certificatesFixture(index: number): LandUseCertificateRow[] {
  const current = { serial: certificateSerial(index), issue_date: '2021-05-10', issuing_authority: ISSUING_AUTHORITY, parcel_id: index + 1 };
  if (index !== 0) return [current];
  return [{ serial: 'BA 123456', issue_date: '1998-11-20', issuing_authority: 'UBND thành phố Thanh Hóa', parcel_id: 1 }, current];
}

/** Given the land database, inserts `count` parcels with their certificates and shares; returns the parcels. */
export async function insertLand(db: Knex, count: number): Promise<ParcelRow[]> {
  const indexes = Array.from({ length: count }, (_, index) => index);
  const parcels = indexes.map(parcelFixture);
  for (let start = 0; start < count; start += 100) {
    const slice = indexes.slice(start, start + 100);
    await db('parcels').insert(slice.map(parcelFixture));
    await db('land_use_certificates').insert(slice.flatMap(certificatesFixture));
    await db('ownership_shares').insert(slice.flatMap(sharesFixture));
  }
  return parcels;
}

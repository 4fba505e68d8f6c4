import type { Knex } from 'knex';
import type { PageRequest } from '../../common/pagination';
import { afterKey } from '../../db/keyset';
import type { LandUseCertificateRow, OwnershipShareRow, ParcelRow } from '../../db/rows';
import type { RowScope, SubjectScope } from '../scope';
import { ofSubject, referencingScope, withinScope } from '../scope';

/** A parcel read through one of its ownership shares, tagged with the owner it was read for. */
export interface OwnedParcelRow extends ParcelRow {
  owner_national_id: string;
}

/** What tells one parcel from every other: the commune, the map sheet and the parcel number on that sheet. */
export interface ParcelIdentifier {
  communeCode: string;
  mapSheetNumber: number;
  parcelNumber: number;
}

/**
 * The land database's queries: the only module of this subgraph that holds SQL. A parcel is in the
 * request's scope by its commune; its certificates and ownership shares go with it. With a subject (a citizen
 * reading their own data), only the parcels in which that citizen holds a share are read, with their
 * certificates and that citizen's own share: a co-owner's share is the co-owner's.
 */
export class LandRepository {
  constructor(
    private readonly db: Knex,
    private readonly scope: RowScope,
    private readonly subject: SubjectScope = null,
  ) {}

  /** The ids of the parcels the subject holds a share in. */
  private subjectParcelIds(): Knex.QueryBuilder {
    return ofSubject(this.db('ownership_shares').select('parcel_id'), 'national_id', this.subject);
  }

  private parcels(): Knex.QueryBuilder<ParcelRow, ParcelRow[]> {
    const query = withinScope(this.db<ParcelRow>('parcels'), 'parcels.commune_code', this.scope);
    if (this.subject !== null) query.whereIn('parcels.id', this.subjectParcelIds());
    return query;
  }

  /** Given a query of rows that refer to a parcel, keeps those whose parcel is in scope. */
  private ofParcelsInScope<Q extends Knex.QueryBuilder>(query: Q): Q {
    if (this.subject !== null) query.whereIn('parcel_id', this.subjectParcelIds());
    return referencingScope(query, 'parcel_id', this.scope, () => this.db('parcels').select('id'), 'commune_code');
  }

  parcelsByIds(ids: readonly number[]): Promise<ParcelRow[]> {
    return this.parcels().whereIn('id', ids);
  }

  /** Reads the parcel with the given identifiers, through the unique index on them. */
  parcelByIdentifier(identifier: ParcelIdentifier): Promise<ParcelRow | undefined> {
    return this.parcels()
      .where({
        commune_code: identifier.communeCode,
        map_sheet_number: identifier.mapSheetNumber,
        parcel_number: identifier.parcelNumber,
      })
      .first();
  }

  /** Reads one page (plus one row that tells whether there is a next) of a commune's parcels, by id. */
  parcelsByCommune(communeCode: string, landUsePurpose: string | null, page: PageRequest): Promise<ParcelRow[]> {
    const query = this.parcels().where('commune_code', communeCode);
    if (landUsePurpose !== null) query.where('land_use_purpose', landUsePurpose);
    return afterKey(query, ['id'], page.after).limit(page.size + 1);
  }

  /** Reads, in one statement, the parcels in which any of the given citizens holds a share. */
  parcelsByOwnerIds(nationalIds: readonly string[]): Promise<OwnedParcelRow[]> {
    return this.parcels()
      .join('ownership_shares', 'ownership_shares.parcel_id', 'parcels.id')
      .whereIn('ownership_shares.national_id', nationalIds)
      .select('parcels.*', 'ownership_shares.national_id as owner_national_id')
      .orderBy('parcels.id');
  }

  certificatesBySerials(serials: readonly string[]): Promise<LandUseCertificateRow[]> {
    return this.ofParcelsInScope(this.db<LandUseCertificateRow>('land_use_certificates')).whereIn('serial', serials);
  }

  certificatesByParcelIds(parcelIds: readonly number[]): Promise<LandUseCertificateRow[]> {
    return this.ofParcelsInScope(this.db<LandUseCertificateRow>('land_use_certificates')).whereIn('parcel_id', parcelIds).orderBy(['issue_date', 'serial']);
  }

  sharesByParcelIds(parcelIds: readonly number[]): Promise<OwnershipShareRow[]> {
    return ofSubject(this.ofParcelsInScope(this.db<OwnershipShareRow>('ownership_shares')), 'national_id', this.subject)
      .whereIn('parcel_id', parcelIds)
      .orderBy('national_id');
  }
}

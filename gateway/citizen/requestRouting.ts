import { printable } from '../../common/nationalId';
import type { FieldLabel } from '../policy/labels';
import type { Agency, SchemaCatalog } from '../policy/types';
import { isSector } from '../policy/types';
import { badInput } from '../store/errors';
import type { Bilingual } from './plainWords';
import { wordsForSector } from './plainWords';

/** One entry of the list a citizen picks the data concerned from: a whole sector, or one labelled field of it. */
export interface DataConcerned {
  /** The sector's name, or the field's coordinate (Type.field). */
  value: string;
  sector: string;
  words: Bilingual;
}

/** Given the catalog and the fields' labels, returns each sector, then its labelled fields by coordinate. */
export function dataConcernedList(catalog: SchemaCatalog, labels: ReadonlyMap<string, FieldLabel>): DataConcerned[] {
  return catalog.sectors.flatMap((sector) => [
    { value: sector, sector, words: wordsForSector(sector) },
    ...[...labels]
      .filter(([coordinate]) => catalog.fields.get(coordinate)?.owner === sector)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
      .map(([coordinate, label]) => ({ value: coordinate, sector, words: { vi: label.vi, en: label.en } })),
  ]);
}

/**
 * Given what a request names (a sector or a field's coordinate), the catalog and the agencies, returns the sector
 * and the code of the active agency that owns it, whose queue answers the request; null when no agency owns it
 * (the province's central data office answers). BAD_USER_INPUT for data the catalog does not know.
 */
export function dataOwner(concerns: string, catalog: SchemaCatalog, agencies: Iterable<Agency>): { sector: string; agencyCode: string | null } {
  const owner = catalog.sectors.includes(concerns) ? concerns : catalog.fields.get(concerns)?.owner;
  if (!isSector(owner))
    throw badInput(`Unknown data "${printable(concerns)}": name a sector (${catalog.sectors.join(', ')}) or one of its fields, as the list shows them`);
  const agency = [...agencies].filter((candidate) => candidate.sector === owner && !candidate.deactivatedAt).sort((a, b) => (a.code < b.code ? -1 : 1))[0];
  return { sector: owner, agencyCode: agency?.code ?? null };
}

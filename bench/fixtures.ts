import type { Knex } from 'knex';

import { Random } from '../db/seed/random';
import type { SubgraphCall } from './directClient';
import { rootField } from './directClient';
import type { Fixtures } from './shapes';
import { Q2_PAGE_SIZE, Q4_PAGES, Q4_PAGE_SIZE } from './shapes';
import type { BuiltInSector } from '../common/sectors';

/** Enough distinct national IDs that Q5 writes a new query text on every request of a run. */
const MAX_CITIZEN_IDS = 300_000;
/**
 * Communes Q4 draws from: many, so that concurrent requests rarely ask for the same one (Hive Gateway shares
 * identical subgraph calls in flight). Each costs four subgraph calls at start to learn its cursors.
 */
const MAX_RESIDENT_COMMUNES = 200;

/** Given items and a random sequence, shuffles them in place (Fisher-Yates) and returns them. */
function shuffle<T>(items: T[], random: Random): T[] {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = random.int(0, index);
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
  return items;
}

/** Given a table's rows grouped by a column, returns the values of the groups with at least `minimum` rows, largest first. */
async function groupsOfAtLeast(db: Knex, table: string, column: string, minimum: number): Promise<Array<{ code: string; rows: number }>> {
  const groups = (await db(table)
    .select({ code: column })
    .count({ rows: '*' })
    .groupBy(column)
    .orderBy([{ column: 'rows', order: 'desc' }, { column: 'code' }])) as unknown as Array<{ code: string; rows: number | string }>;
  return groups.map((group) => ({ code: String(group.code), rows: Number(group.rows) })).filter((group) => group.rows >= minimum);
}

/**
 * Given the sector databases, a caller of the subgraphs and the random seed, reads the identifiers every
 * request draws from, once: national IDs, communes with a full page of parcels, and communes with
 * Q4_PAGES pages of residents together with the cursors of those pages (asked of population itself, since a
 * cursor is the subgraph's to make). A small data set has no commune that large: Q4 then takes the most
 * populous ones, and its later pages come back short or empty. The first of those communes is the ward whose
 * office Q8 calls as (bench/agencies.ts registers it), with the cursors of its pages that hold residents.
 */
export async function readFixtures(databases: Record<BuiltInSector, Knex>, call: SubgraphCall, randomSeed: number): Promise<Fixtures> {
  const random = new Random(randomSeed, 0x0f1e);
  const ids = (await databases.population('citizens').select({ id: 'national_id' }).orderBy('national_id')).map((row: { id: string }) => row.id);
  const citizenIds = shuffle(ids, random).slice(0, MAX_CITIZEN_IDS);

  let parcelCommunes = (await groupsOfAtLeast(databases.land, 'parcels', 'commune_code', Q2_PAGE_SIZE)).map((group) => group.code);
  if (parcelCommunes.length === 0)
    parcelCommunes = (await groupsOfAtLeast(databases.land, 'parcels', 'commune_code', 1)).slice(0, 10).map((group) => group.code);

  let residentCommunes = await groupsOfAtLeast(databases.population, 'citizens', 'current_unit_code', Q4_PAGES * Q4_PAGE_SIZE);
  if (residentCommunes.length === 0) residentCommunes = (await groupsOfAtLeast(databases.population, 'citizens', 'current_unit_code', 1)).slice(0, 5);
  const chosen = shuffle(residentCommunes, random).slice(0, MAX_RESIDENT_COMMUNES);
  const residentPages: Fixtures['residentPages'] = [];
  let ward: Fixtures['ward'] | null = null;
  const query =
    'query($communeCode: String!, $first: Int!, $after: String) { citizensByCommune(communeCode: $communeCode, first: $first, after: $after) { pageInfo { hasNextPage endCursor } } }';
  for (const { code } of chosen) {
    const cursors: string[] = [];
    // The cursors of pages that hold residents: the ward's pages Q8 draws from.
    const cursorsOfFullPages: string[] = [];
    let after: string | null = null;
    for (let page = 1; page < Q4_PAGES; page += 1) {
      const result = await call('population', { query, variables: { communeCode: code, first: Q4_PAGE_SIZE, after } });
      const info = rootField<{ pageInfo: { hasNextPage: boolean; endCursor: string | null } }>(result, 'citizensByCommune')?.pageInfo;
      if (!info) throw new Error(`population did not page through commune ${code}: ${result.errors?.[0]?.message ?? `HTTP ${result.status}`}`);
      // Past the last page, the last cursor again: the later aliased pages are then empty.
      after = info.endCursor ?? after;
      if (after === null) break;
      cursors.push(after);
      if (info.hasNextPage) cursorsOfFullPages.push(after);
    }
    if (cursors.length === Q4_PAGES - 1) residentPages.push({ communeCode: code, cursors });
    ward ??= { communeCode: code, cursors: cursorsOfFullPages };
  }
  if (citizenIds.length === 0 || parcelCommunes.length === 0 || residentPages.length === 0 || ward === null) {
    throw new Error('the bench databases hold too little to draw requests from (no citizens, parcels or residents)');
  }
  return { citizenIds, parcelCommunes, residentPages, ward };
}

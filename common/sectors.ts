import path from 'node:path';

/**
 * The four sectors the platform ships with, each with its subgraph in subgraphs/<sector>/ and its database
 * migrated by db/. Their own code may name them; the gateway treats every sector, these included, as data.
 */
export const BUILT_IN_SECTORS = ['population', 'land', 'health', 'education'] as const;
export type BuiltInSector = (typeof BUILT_IN_SECTORS)[number];

/** The name of a sector as configuration gives it: one of the built-in four, or one a province adds. */
export type SectorName = string;

/** One sector of the platform: who owns it, where its subgraph answers, its database and its SDL. */
export interface SectorConfig {
  name: SectorName;
  /** The agency that owns the sector's database and answers for its subgraph. */
  ownerAgency: string;
  /** Where the gateway calls the sector's subgraph. */
  url: string;
  /** The port its subgraph listens on when the platform runs it (the built-in four). */
  port: number;
  /** The sector's MySQL database (with SQLite, <name>.sqlite in DATA_DIR); each sector has its own. */
  database: string;
  /** The subgraph's SDL, from which the gateway's supergraph is composed. */
  schemaFile: string;
  /** Whether the platform ships the subgraph (and its migrations) itself. */
  builtIn: boolean;
}

/** Where the built-in SDL files are: schema/ at the root of the repository. */
export const BUILT_IN_SCHEMA_DIRECTORY = path.join(__dirname, '..', 'schema');

/** The built-in four: their owners and default ports (the gateway on 4000, the subgraphs on 4001..4004). */
const BUILT_IN_DEFAULTS: Record<BuiltInSector, { ownerAgency: string; port: number }> = {
  population: { ownerAgency: 'Provincial Police', port: 4001 },
  land: { ownerAgency: 'Department of Agriculture and Environment', port: 4002 },
  health: { ownerAgency: 'Department of Health / Social Insurance', port: 4003 },
  education: { ownerAgency: 'Department of Education and Training', port: 4004 },
};

/** Names no sector may take: the gateway's own subgraph (self-service) and its own database. */
export const RESERVED_SECTOR_NAMES: readonly string[] = ['access', 'gateway'];

/** Given a name, tells whether it is one of the built-in sectors. */
export function isBuiltInSector(name: string): name is BuiltInSector {
  return (BUILT_IN_SECTORS as readonly string[]).includes(name);
}

/** Given a built-in sector and the host, returns its default configuration (before files and environment). */
export function builtInSectorDefault(name: BuiltInSector, host: string): SectorConfig {
  const { ownerAgency, port } = BUILT_IN_DEFAULTS[name];
  return {
    name,
    ownerAgency,
    port,
    url: `http://${host}:${port}/graphql`,
    database: `dsp_${name}`,
    schemaFile: path.join(BUILT_IN_SCHEMA_DIRECTORY, `${name}.graphql`),
    builtIn: true,
  };
}

/** Given a function of a built-in sector, returns its value for each of the four. */
export function byBuiltInSector<T>(valueOf: (sector: BuiltInSector) => T): Record<BuiltInSector, T> {
  return Object.fromEntries(BUILT_IN_SECTORS.map((sector) => [sector, valueOf(sector)])) as Record<BuiltInSector, T>;
}

/** Given the sectors, returns where each one's subgraph answers, by name. */
export function sectorUrls(sectors: readonly SectorConfig[]): Record<SectorName, string> {
  return Object.fromEntries(sectors.map((sector) => [sector.name, sector.url]));
}

/** Given the sectors, tells whether they are exactly the built-in four with their own SDL files (the committed supergraph). */
export function isBuiltInSet(sectors: readonly SectorConfig[]): boolean {
  return (
    sectors.length === BUILT_IN_SECTORS.length &&
    sectors.every(
      (sector, index) => sector.name === BUILT_IN_SECTORS[index] && sector.schemaFile === builtInSectorDefault(BUILT_IN_SECTORS[index]!, '').schemaFile,
    )
  );
}

/** Given the sectors and a name, returns that sector; throws when configuration has none of that name. */
export function sectorNamed(sectors: readonly SectorConfig[], name: SectorName): SectorConfig {
  const sector = sectors.find((candidate) => candidate.name === name);
  if (!sector) throw new Error(`No sector is named "${name}": expected one of ${sectors.map((candidate) => candidate.name).join(', ')}`);
  return sector;
}

/**
 * Given sector names (of a supergraph, whose composition sorts them), returns them in the platform's order: the
 * built-in four as configuration lists them, then the others by name, so that messages list them as people expect.
 */
export function inSectorOrder(names: Iterable<SectorName>): SectorName[] {
  const rank = (name: SectorName) => (isBuiltInSector(name) ? BUILT_IN_SECTORS.indexOf(name) : BUILT_IN_SECTORS.length);
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

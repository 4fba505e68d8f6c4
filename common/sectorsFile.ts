import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { SectorConfig } from './sectors';
import { BUILT_IN_SECTORS, RESERVED_SECTOR_NAMES, builtInSectorDefault, isBuiltInSector } from './sectors';

/** One sector as a SECTORS_FILE gives it: a new sector, or what changes of a built-in one. */
export interface SectorEntry {
  name: string;
  ownerAgency?: string;
  url?: string;
  port?: number;
  database?: string;
  /** The SDL file, relative to the SECTORS_FILE's directory. */
  schema?: string;
}

/** What the environment says of one sector (<NAME>_PORT, <NAME>_URL, MYSQL_DATABASE_<NAME>), which the file gives way to. */
export interface SectorOverrides {
  port?: number;
  url?: string;
  database?: string;
}

/** A sector's name: lower case, as the subgraph, the grants and the environment variables (<NAME>_URL) spell it. */
export const SECTOR_NAME = /^[a-z][a-z0-9_]{0,31}$/;
const ENTRY_KEYS = ['name', 'ownerAgency', 'url', 'port', 'database', 'schema'];
const HTTP_URL = /^https?:\/\/[^\s]+$/;
const MYSQL_DATABASE_NAME = /^[A-Za-z0-9_]{1,64}$/;

/**
 * Given the text of a SECTORS_FILE (YAML, or JSON, which is YAML too) and its name for messages, returns its
 * entries, adding a problem for anything that is not `{ sectors: [{ name, ownerAgency, url, port, database,
 * schema }] }` with values of the right kind. Unknown keys are refused: a misspelt one would be ignored silently.
 */
export function parseSectorsFile(text: string, file: string, problems: string[]): SectorEntry[] {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    problems.push(`SECTORS_FILE ${file} is neither JSON nor YAML: ${(error as Error).message.split('\n', 1)[0]}`);
    return [];
  }
  const list = typeof document === 'object' && document !== null && !Array.isArray(document) ? (document as { sectors?: unknown }).sectors : undefined;
  if (!Array.isArray(list)) {
    problems.push(`SECTORS_FILE ${file} must hold an object with a "sectors" list`);
    return [];
  }
  return list.flatMap((item: unknown, index): SectorEntry[] => {
    const where = `SECTORS_FILE ${file}, sector ${index + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`${where} must be an object`);
      return [];
    }
    const entry = item as Record<string, unknown>;
    const unknownKeys = Object.keys(entry).filter((key) => !ENTRY_KEYS.includes(key));
    if (unknownKeys.length > 0) problems.push(`${where} has unknown keys ${unknownKeys.join(', ')}: expected ${ENTRY_KEYS.join(', ')}`);
    const text = (key: string): string | undefined => {
      const value = entry[key];
      if (value === undefined) return undefined;
      if (typeof value !== 'string' || value.trim() === '') {
        problems.push(`${where}: ${key} must be a non-empty string`);
        return undefined;
      }
      return value.trim();
    };
    const name = text('name');
    if (name === undefined) {
      if (entry.name === undefined) problems.push(`${where} needs a name`);
      return [];
    }
    let port: number | undefined;
    if (entry.port !== undefined) {
      if (typeof entry.port === 'number' && Number.isInteger(entry.port) && entry.port >= 0 && entry.port <= 65535) port = entry.port;
      else problems.push(`${where} (${name}): port must be a whole number from 0 to 65535`);
    }
    const result: SectorEntry = { name };
    for (const key of ['ownerAgency', 'url', 'database', 'schema'] as const) {
      const value = text(key);
      if (value !== undefined) result[key] = value;
    }
    if (port !== undefined) result.port = port;
    return [result];
  });
}

/**
 * Given the entries of a SECTORS_FILE, its directory, the host and what the environment says of each sector,
 * returns the sectors: the built-in four in their order, changed by their entries, then each new sector in the
 * file's order; the environment has the last word. A new sector needs an owner,
 * an SDL file that exists, and a url or a port; a built-in one keeps its SDL, which its resolvers serve.
 */
export function mergeSectors(
  entries: readonly SectorEntry[],
  directory: string,
  host: string,
  environmentOf: (name: string) => SectorOverrides,
  problems: string[],
): SectorConfig[] {
  const sectors: SectorConfig[] = BUILT_IN_SECTORS.map((name) => builtInSectorDefault(name, host));
  const seen = new Set<string>();
  for (const entry of entries) {
    const where = `SECTORS_FILE: sector "${entry.name}"`;
    if (!SECTOR_NAME.test(entry.name)) {
      problems.push(`${where}: a name is a lower-case letter then up to 31 lower-case letters, digits or _`);
      continue;
    }
    if (RESERVED_SECTOR_NAMES.includes(entry.name)) {
      problems.push(`${where}: the name is reserved for the gateway's own ${entry.name === 'access' ? 'subgraph' : 'database'}`);
      continue;
    }
    if (seen.has(entry.name)) {
      problems.push(`${where} is given twice`);
      continue;
    }
    seen.add(entry.name);
    if (entry.url !== undefined && !HTTP_URL.test(entry.url)) problems.push(`${where}: url must be an http(s) URL, got "${entry.url}"`);
    if (entry.database !== undefined && !MYSQL_DATABASE_NAME.test(entry.database))
      problems.push(`${where}: database may hold only letters, digits and _, got "${entry.database}"`);
    if (isBuiltInSector(entry.name)) {
      if (entry.schema !== undefined) problems.push(`${where}: a built-in sector's SDL is the one its resolvers serve; schema cannot change it`);
      const index = sectors.findIndex((sector) => sector.name === entry.name);
      const current = sectors[index]!;
      sectors[index] = {
        ...current,
        ownerAgency: entry.ownerAgency ?? current.ownerAgency,
        ...(entry.port !== undefined ? { port: entry.port, url: `http://${host}:${entry.port}/graphql` } : {}),
        ...(entry.url !== undefined ? { url: entry.url } : {}),
        database: entry.database ?? current.database,
      };
      continue;
    }
    if (entry.ownerAgency === undefined) problems.push(`${where} needs an ownerAgency`);
    if (entry.url === undefined && entry.port === undefined) problems.push(`${where} needs a url or a port`);
    let schemaFile = '';
    if (entry.schema === undefined) problems.push(`${where} needs a schema: its SDL file`);
    else {
      schemaFile = path.resolve(directory, entry.schema);
      if (!fs.existsSync(schemaFile) || !fs.statSync(schemaFile).isFile()) problems.push(`${where}: schema ${schemaFile} is not a file`);
    }
    const port = entry.port ?? 0;
    sectors.push({
      name: entry.name,
      ownerAgency: entry.ownerAgency ?? '',
      port,
      url: entry.url ?? `http://${host}:${port}/graphql`,
      database: entry.database ?? `dsp_${entry.name}`,
      schemaFile,
      builtIn: false,
    });
  }
  return sectors.map((sector) => {
    const environment = environmentOf(sector.name);
    const port = environment.port ?? sector.port;
    const url = environment.url ?? (environment.port !== undefined && !explicitUrl(entries, sector.name) ? `http://${host}:${port}/graphql` : sector.url);
    return { ...sector, port, url, database: environment.database ?? sector.database };
  });
}

/** Given the entries and a sector, tells whether the file gave that sector's URL, which a port then does not change. */
function explicitUrl(entries: readonly SectorEntry[], name: string): boolean {
  return entries.some((entry) => entry.name === name && entry.url !== undefined);
}

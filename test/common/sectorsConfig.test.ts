import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../common/config';
import { BUILT_IN_SECTORS, isBuiltInSet } from '../../common/sectors';
import { supergraphFor } from '../../schema/supergraphFor';
import { BUSINESS_SDL_FILE } from '../helpers/businessSubgraph';

/** Given a configuration's environment, returns the problems it is refused with (none: an empty list). */
function problemsOf(environment: Record<string, string>): string[] {
  try {
    loadConfig(environment);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('the sectors of the configuration', () => {
  let directory: string;
  /** Given the text of a SECTORS_FILE, writes it beside a copy of the business SDL and returns its path. */
  const sectorsFile = (text: string, name = 'sectors.yaml'): string => {
    const file = path.join(directory, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const business = (extra = ''): string =>
    `sectors:\n  - name: business\n    ownerAgency: Sở Tài chính\n    port: 4006\n    schema: business.graphql\n${extra}`;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-sectors-config-'));
    fs.copyFileSync(BUSINESS_SDL_FILE, path.join(directory, 'business.graphql'));
  });

  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('are the built-in four, with their owners, ports, URLs, databases and SDL files, when nothing is configured', () => {
    const { sectors } = loadConfig({});
    expect(sectors.map((sector) => sector.name)).toEqual([...BUILT_IN_SECTORS]);
    expect(sectors[0]).toEqual({
      name: 'population',
      ownerAgency: 'Provincial Police',
      port: 4001,
      url: 'http://127.0.0.1:4001/graphql',
      database: 'dsp_population',
      schemaFile: path.resolve('schema', 'population.graphql'),
      builtIn: true,
    });
    expect(isBuiltInSet(sectors)).toBe(true);
  });

  it('add the sectors of a YAML SECTORS_FILE after the four, its schema read from beside the file', () => {
    const { sectors } = loadConfig({ SECTORS_FILE: sectorsFile(business()) });
    expect(sectors.map((sector) => sector.name)).toEqual([...BUILT_IN_SECTORS, 'business']);
    expect(sectors[4]).toEqual({
      name: 'business',
      ownerAgency: 'Sở Tài chính',
      port: 4006,
      url: 'http://127.0.0.1:4006/graphql',
      database: 'dsp_business',
      schemaFile: path.join(directory, 'business.graphql'),
      builtIn: false,
    });
    expect(isBuiltInSet(sectors)).toBe(false);
  });

  it('read JSON as well, and let the environment have the last word (<NAME>_URL, <NAME>_PORT, MYSQL_DATABASE_<NAME>)', () => {
    const file = sectorsFile(
      JSON.stringify({ sectors: [{ name: 'business', ownerAgency: 'Sở Tài chính', url: 'http://registry.internal/graphql', schema: 'business.graphql' }] }),
      'sectors.json',
    );
    const config = loadConfig({ SECTORS_FILE: file, MYSQL_HOST: 'db', MYSQL_DATABASE_BUSINESS: 'registry', LAND_PORT: '5002' });
    const business = config.sectors.find((sector) => sector.name === 'business')!;
    expect(business).toMatchObject({ url: 'http://registry.internal/graphql', database: 'registry' });
    expect(loadConfig({ SECTORS_FILE: file, BUSINESS_URL: 'https://registry.gov.vn/graphql' }).sectors[4]!.url).toBe('https://registry.gov.vn/graphql');
    expect(config.sectors[1]).toMatchObject({ name: 'land', port: 5002, url: 'http://127.0.0.1:5002/graphql' });
  });

  it('change a built-in sector from the file, but never its SDL, which its resolvers serve', () => {
    const file = sectorsFile('sectors:\n  - name: health\n    url: http://health.internal:8080/graphql\n    ownerAgency: Sở Y tế\n');
    const health = loadConfig({ SECTORS_FILE: file }).sectors[2]!;
    expect(health).toMatchObject({ name: 'health', url: 'http://health.internal:8080/graphql', ownerAgency: 'Sở Y tế', builtIn: true });
    expect(problemsOf({ SECTORS_FILE: sectorsFile('sectors:\n  - name: health\n    schema: business.graphql\n') })).toEqual([
      'SECTORS_FILE: sector "health": a built-in sector\'s SDL is the one its resolvers serve; schema cannot change it',
    ]);
  });

  it.each([
    ['a file that is missing', null, /SECTORS_FILE .*missing\.yaml cannot be read \(ENOENT\)/],
    ['neither JSON nor YAML', 'sectors: [unclosed', /is neither JSON nor YAML/],
    ['no sectors list', 'name: business\n', /must hold an object with a "sectors" list/],
    ['a misspelt key', business('    owner: someone\n'), /has unknown keys owner: expected name, ownerAgency, url, port, database, schema/],
    ['a name with capitals', business().replace('name: business', 'name: Business'), /a name is a lower-case letter/],
    ['the reserved name access', business().replace('name: business', 'name: access'), /reserved for the gateway's own subgraph/],
    ['the reserved name gateway', business().replace('name: business', 'name: gateway'), /reserved for the gateway's own database/],
    ['a sector given twice', `${business()}${business().replace('sectors:\n', '')}`, /sector "business" is given twice/],
    ['no owner', business().replace('    ownerAgency: Sở Tài chính\n', ''), /needs an ownerAgency/],
    ['no url or port', business().replace('    port: 4006\n', ''), /needs a url or a port/],
    ['no schema', business().replace('    schema: business.graphql\n', ''), /needs a schema: its SDL file/],
    ['a schema that is not a file', business().replace('business.graphql', 'nowhere.graphql'), /schema .*nowhere\.graphql is not a file/],
    ['a port out of range', business().replace('4006', '70000'), /port must be a whole number from 0 to 65535/],
    ['a URL that is not http', business('    url: ftp://registry/graphql\n'), /url must be an http\(s\) URL/],
    ['a database name with a dash', business('    database: dsp-business\n'), /database may hold only letters, digits and _/],
  ])('are refused, with a clear message, for %s', (_case, text, message) => {
    const file = text === null ? path.join(directory, 'missing.yaml') : sectorsFile(text);
    const problems = problemsOf({ SECTORS_FILE: file });
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  it('refuse two sectors sharing a MySQL database, the new one included', () => {
    const file = sectorsFile(business('    database: dsp_land\n'));
    expect(problemsOf({ SECTORS_FILE: file, MYSQL_HOST: 'db' })).toEqual([
      'each sector and the gateway need their own MySQL database: MYSQL_DATABASE_* must differ',
    ]);
  });

  it('make the supergraph the gateway serves: the committed one for the four, else composed from every SDL', () => {
    expect(supergraphFor(loadConfig({}).sectors)).toBe(fs.readFileSync(path.resolve('schema', 'supergraph.graphql'), 'utf8'));
    const composed = supergraphFor(loadConfig({ SECTORS_FILE: sectorsFile(business()) }).sectors);
    expect(composed).toMatch(/BUSINESS @join__graph\(name: "business", url: "http:\/\/127\.0\.0\.1:4006\/graphql"\)/);
    expect(composed).toMatch(/representedBusinesses: \[Business!\]/);
  });

  it('refuse, as configuration, SDL files that do not compose or leave a field unclassified', () => {
    const sdl = path.join(directory, 'business.graphql');
    fs.writeFileSync(sdl, fs.readFileSync(sdl, 'utf8').replace('  name: String!\n', '  name: String!\n  founded: String @classify(sharing: "NOWHERE")\n'));
    expect(() => supergraphFor(loadConfig({ SECTORS_FILE: sectorsFile(business()) }).sectors)).toThrow(ConfigError);
    fs.copyFileSync(BUSINESS_SDL_FILE, sdl);
    fs.writeFileSync(
      sdl,
      fs
        .readFileSync(sdl, 'utf8')
        .replace('type Business @key(fields: "enterpriseCode") @classify(sharing: "SHARED")', 'type Business @key(fields: "enterpriseCode")'),
    );
    expect(() => supergraphFor(loadConfig({ SECTORS_FILE: sectorsFile(business()) }).sectors)).toThrow(/Business.name has no @classify/);
    fs.writeFileSync(sdl, 'type Query { business: Strin }');
    expect(() => supergraphFor(loadConfig({ SECTORS_FILE: sectorsFile(business()) }).sectors)).toThrow(
      /make no supergraph the gateway can serve: Composition failed/,
    );
  });
});

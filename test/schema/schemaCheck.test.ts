import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../common/config';
import { subgraphSdl } from '../../schema/load';
import { readOperationFiles } from '../../schema/operationDocuments';
import type { OperationDocument } from '../../schema/operationDocuments';
import type { SchemaCheckReport } from '../../schema/schemaCheck';
import { checkSubgraphChange, formatSchemaCheck } from '../../schema/schemaCheck';
import { supergraphFor } from '../../schema/supergraphFor';
import { BUSINESS_SDL_FILE } from '../helpers/businessSubgraph';
import { OperationRegistration } from '../../gateway/operations/registration';
import { operationId } from '../../gateway/operations/manifest';
import { commandEnvironment } from '../helpers/database';
import { exitOf, startScript } from '../helpers/process';
import { TEST_ACTOR, createTestStore } from '../store/storeHelpers';

const SCHOOL_NAMES: OperationDocument = { name: 'SchoolNames', body: 'query SchoolNames { schoolsByCommune(communeCode: "40778") { nodes { code name } } }' };
const SCHOOL_LEVELS: OperationDocument = { name: 'SchoolLevels', body: 'query SchoolLevels { school(code: "38TH40778A") { level } }' };
const ALREADY_INVALID: OperationDocument = { name: 'Typo', body: 'query Typo { school(code: "38TH40778A") { nmae } }' };

describe('checkSubgraphChange', () => {
  const { sectors } = loadConfig({});
  const currentSupergraph = supergraphFor(sectors);
  const education = subgraphSdl('education');
  const check = (sdl: string, operations: readonly OperationDocument[] = [SCHOOL_NAMES, SCHOOL_LEVELS, ALREADY_INVALID]) =>
    checkSubgraphChange({ sectors, currentSupergraph, sector: 'education', sdl, operations });
  const levels = (report: SchemaCheckReport) => report.changes.map((change) => `${change.level} ${change.type} ${change.path}`);

  it('finds nothing in an unchanged SDL, and counts the operations that still validate', async () => {
    const report = await check(education);
    expect(report).toMatchObject({ compositionErrors: [], changes: [], breaking: false, operationsChecked: 3 });
    expect(report.operations).toEqual([{ operation: 'Typo', status: 'INVALID_ALREADY', messages: [expect.stringMatching(/Cannot query field "nmae"/)] }]);
  });

  it('reports a removed field as breaking, and each operation that reads it as broken', async () => {
    const report = await check(education.replace(/\n {2}name: String!\n/, '\n'));
    expect(levels(report)).toEqual(['BREAKING FIELD_REMOVED School.name']);
    expect(report.operations.map((finding) => `${finding.status} ${finding.operation}`)).toEqual(['BROKEN SchoolNames', 'INVALID_ALREADY Typo']);
    expect(report.breaking).toBe(true);
    const lines = formatSchemaCheck(report);
    expect(lines).toContain('BREAKING (1)');
    expect(lines).toContain('  BROKEN SchoolNames: Cannot query field "name" on type "School".');
    expect(lines.at(-1)).toBe('Result: BREAKING (1 breaking change(s), 1 operation(s) broken)');
  });

  it('reports a removed field as breaking even when no operation given reads it', async () => {
    const report = await check(education.replace(/\n {2}name: String!\n/, '\n'), [SCHOOL_LEVELS]);
    expect(report.operations).toEqual([]);
    expect(report.breaking).toBe(true);
  });

  it('reports an added field as safe, an added optional argument as dangerous, a required one as breaking', async () => {
    const added = await check(education.replace('  name: String!\n', '  name: String!\n  "Its website."\n  website: String\n'));
    expect(levels(added)).toEqual(['SAFE FIELD_ADDED School.website', 'SAFE FIELD_DESCRIPTION_ADDED School.website']);
    expect(added.breaking).toBe(false);
    const optional = await check(education.replace('school(code: String!)', 'school(code: String!, year: String)'));
    expect(levels(optional)).toEqual(['DANGEROUS FIELD_ARGUMENT_ADDED Query.school.year']);
    expect(optional.breaking).toBe(false);
    const required = await check(education.replace('school(code: String!)', 'school(code: String!, year: String!)'));
    expect(required.changes.map((change) => change.level)).toEqual(['BREAKING']);
    expect(required.operations.map((finding) => `${finding.status} ${finding.operation}`)).toEqual(['BROKEN SchoolLevels', 'INVALID_ALREADY Typo']);
  });

  it('reports a changed classification as dangerous: grants by classification then cover the field differently', async () => {
    const report = await check(
      education.replace(
        '@classify(sharing: "SHARED", personal: "BASIC", importance: "IMPORTANT")\n    @label(vi: "Văn bằng',
        '@classify(sharing: "OPEN")\n    @label(vi: "Văn bằng',
      ),
    );
    expect(levels(report)).toEqual(['DANGEROUS CLASSIFICATION_CHANGED Citizen.diplomas']);
    expect(report.changes[0]!.message).toBe('Citizen.diplomas is classified OPEN/NONE instead of SHARED/BASIC: grants by classification cover it differently');
    expect(report.breaking).toBe(false);
  });

  it('reports an SDL that does not compose, or leaves a field unclassified, as breaking, with the reasons', async () => {
    const conflicting = await check(education.replace('  nationalId: ID! @classify', '  nationalId: Int! @classify'));
    expect(conflicting.breaking).toBe(true);
    expect(conflicting.compositionErrors).toEqual(expect.arrayContaining([expect.stringMatching(/Citizen\.nationalId/)]));
    expect(conflicting.changes).toEqual([]);
    const unclassified = await check(
      education
        .replace('  name: String!\n', '  name: String!\n  website: String\n')
        .replace('type School @key(fields: "code") @classify(sharing: "OPEN", openData: true)', 'type School @key(fields: "code")'),
    );
    expect(unclassified.breaking).toBe(true);
    expect(unclassified.compositionErrors).toEqual(expect.arrayContaining(['School.website has no @classify']));
    expect(formatSchemaCheck(unclassified).at(-1)).toBe('Result: BREAKING');
  });

  it('refuses a sector configuration does not have', async () => {
    const report = await checkSubgraphChange({ sectors, currentSupergraph, sector: 'business', sdl: education });
    expect(report.breaking).toBe(true);
    expect(report.compositionErrors).toEqual([
      'no sector is named "business": expected one of population, land, health, education (a new one is added in SECTORS_FILE)',
    ]);
  });

  it('takes the operations from a function, as the platform list of registered operations is plugged in', async () => {
    let asked = 0;
    const report = await checkSubgraphChange({
      sectors,
      currentSupergraph,
      sector: 'education',
      sdl: education.replace(/\n {2}"[^"\n]*"\n {2}level: String!\n/, '\n'),
      operations: async () => {
        asked += 1;
        return [SCHOOL_NAMES, SCHOOL_LEVELS];
      },
    });
    expect(asked).toBe(1);
    expect(report.operations.map((finding) => `${finding.status} ${finding.operation}`)).toEqual(['BROKEN SchoolLevels']);
  });

  it('checks a sector added by configuration against the supergraph that includes it', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-check-'));
    try {
      const file = path.join(directory, 'sectors.yaml');
      fs.writeFileSync(file, `sectors:\n  - name: business\n    ownerAgency: Sở Tài chính\n    port: 4006\n    schema: ${BUSINESS_SDL_FILE}\n`);
      const withBusiness = loadConfig({ SECTORS_FILE: file }).sectors;
      const sdl = fs.readFileSync(BUSINESS_SDL_FILE, 'utf8').replace(/\n {2}"[^"\n]*"\n {2}representativePhone: .*\n/, '\n');
      const report = await checkSubgraphChange({
        sectors: withBusiness,
        currentSupergraph: supergraphFor(withBusiness),
        sector: 'business',
        sdl,
        operations: [{ name: 'Phone', body: 'query Phone { business(enterpriseCode: "2800000001") { representativePhone } }' }],
      });
      expect(levels(report)).toEqual(['BREAKING FIELD_REMOVED Business.representativePhone']);
      expect(report.operations.map((finding) => finding.status)).toEqual(['BROKEN']);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('readOperationFiles', () => {
  let directory: string;
  const write = (name: string, text: string): string => {
    const file = path.join(directory, name);
    fs.writeFileSync(file, text);
    return file;
  };

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-operations-'));
  });

  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('reads .graphql documents, Apollo persisted-query manifests, lists and maps of id to text', () => {
    const manifest = { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'h1', name: 'School', type: 'query', body: '{ a }' }] };
    expect(
      readOperationFiles([
        write('one.graphql', '{ b }'),
        write('manifest.json', JSON.stringify(manifest)),
        write('list.json', JSON.stringify(['{ c }', { query: '{ d }', id: 'x' }])),
        write('map.json', JSON.stringify({ k1: '{ e }' })),
      ]),
    ).toEqual([
      { name: 'one.graphql', body: '{ b }' },
      { name: 'School (h1)', body: '{ a }' },
      { name: 'list.json #1', body: '{ c }' },
      { name: '(x)', body: '{ d }' },
      { name: 'map.json k1', body: '{ e }' },
    ]);
  });

  it.each([
    ['ops.txt', '{ a }', /operations come in \.graphql, \.gql or \.json files/],
    ['bad.json', '{ not json', /not JSON/],
    ['number.json', '42', /expected a list of operations/],
    ['empty.json', JSON.stringify({ operations: [{ name: 'x' }] }), /operation 1 has no "body" or "query" text/],
  ])('refuses %s, naming the file', (name, text, message) => {
    expect(() => readOperationFiles([write(name, text)])).toThrow(message);
  });
});

describe('npm run compose -- --check', () => {
  let directory: string;

  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-compose-check-'));
    fs.writeFileSync(path.join(directory, 'removed.graphql'), subgraphSdl('education').replace(/\n {2}name: String!\n/, '\n'));
    fs.writeFileSync(
      path.join(directory, 'added.graphql'),
      subgraphSdl('education').replace('  name: String!\n', '  name: String!\n  "Its website."\n  website: String\n'),
    );
    fs.writeFileSync(path.join(directory, 'names.graphql'), SCHOOL_NAMES.body);
    fs.writeFileSync(path.join(directory, 'manifest.json'), JSON.stringify({ operations: [{ id: 'h2', name: 'SchoolLevels', body: SCHOOL_LEVELS.body }] }));
  });

  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  const run = (args: string[]) => {
    const { SECTORS_FILE: _sectors, ...environment } = process.env;
    return exitOf(startScript('compose.ts', args, { ...environment, LOG_LEVEL: 'silent' }));
  };

  it('prints the breaking change and the broken operation, and exits 1', async () => {
    const files = ['--operations', path.join(directory, 'names.graphql'), '--operations', path.join(directory, 'manifest.json')];
    const { code, stdout } = await run(['--check', 'education', path.join(directory, 'removed.graphql'), ...files]);
    expect(stdout).toContain("BREAKING (1)\n  - Field 'name' was removed from object type 'School'  [School.name]");
    expect(stdout).toContain('Operations (2 checked):\n  BROKEN names.graphql: Cannot query field "name" on type "School".\n  1 still valid');
    expect(code).toBe(1);
  }, 60_000);

  it('exits 0 on a safe change, and 2 on a command line it cannot read', async () => {
    const safe = await run(['--check', 'education', path.join(directory, 'added.graphql')]);
    expect(safe.stdout).toContain("SAFE (2)\n  - Field 'website' was added to object type 'School'  [School.website]");
    expect(safe.stdout).toContain('Result: no breaking change');
    expect(safe.code).toBe(0);
    const usage = await run(['--check', 'education']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--check takes a sector and an SDL file/);
  }, 60_000);

  it("checks the agencies' approved operations from the gateway database with --registered", async () => {
    const store = await createTestStore({ now: () => new Date() }, { units: false });
    try {
      await store.stewardship.createAgency(TEST_ACTOR, { code: 'H56.40', name: 'Sở Giáo dục và Đào tạo', sector: 'education' });
      const manifest = {
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id: operationId(SCHOOL_NAMES.body), name: 'SchoolNames', type: 'query', body: SCHOOL_NAMES.body }],
      };
      await new OperationRegistration({ repository: store.repository, stewardship: store.stewardship }).register(TEST_ACTOR, {
        agencyCode: 'H56.40',
        application: 'school-web',
        manifest: JSON.stringify(manifest),
      });
      const { SECTORS_FILE: _sectors, ...environment } = commandEnvironment(store.databases.config);
      const { code, stdout } = await exitOf(
        startScript('compose.ts', ['--check', 'education', path.join(directory, 'removed.graphql'), '--registered'], environment),
      );
      expect(stdout).toContain('Operations (1 checked):\n  BROKEN H56.40/school-web/SchoolNames: Cannot query field "name" on type "School".');
      expect(code).toBe(1);
    } finally {
      await store.destroy();
    }
  }, 60_000);
});

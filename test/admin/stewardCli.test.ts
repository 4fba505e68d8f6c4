import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestStore } from '../store/storeHelpers';
import { createTestStore } from '../store/storeHelpers';
import { demoUnits } from '../../gateway/store/demo';
import { commandEnvironment } from '../helpers/database';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('steward command line', () => {
  let store: TestStore;

  const steward = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        TSX,
        ['scripts/steward.ts', ...args],
        { cwd: ROOT, env: commandEnvironment(store.databases.config), timeout: 30_000 },
        (error, stdout, stderr) => {
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
        },
      );
    });

  beforeAll(async () => {
    store = await createTestStore({ now: () => new Date() }, { units: false });
  });

  afterAll(async () => {
    await store?.destroy();
  });

  it('registers an agency, makes its key and grant, and records the operating-system user as the actor', async () => {
    const created = await steward('agencies', 'create', '--code', 'H56.20', '--name', 'Văn phòng Đăng ký đất đai', '--sector', 'land', '--json');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(created.stdout)).toEqual({ code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land', unitCodes: [], steward: false });

    const issued = await steward('keys', 'create', '--agency', 'H56.20', '--json');
    expect(issued.code).toBe(0);
    const { key, credential } = JSON.parse(issued.stdout);
    expect(await store.authenticator.authenticate(`Bearer ${key}`, await store.repository.loadSnapshot())).toMatchObject({
      kind: 'AGENCY',
      credentialId: credential.id,
    });

    const grant = await steward(
      'grants',
      'create',
      '--agency',
      'H56.20',
      '--classification',
      'SHARED/BASIC',
      '--purposes',
      'LAND_REGISTRATION',
      '--legal-basis',
      'Luật Đất đai 2024',
      '--mask',
      'Citizen.dateOfBirth=YEAR_ONLY',
      '--mask=Citizen.nationalId=PARTIAL_ID',
    );
    expect(grant.code).toBe(0);
    expect(grant.stdout).toMatch(/target\s+CLASSIFICATION SHARED\/BASIC/);
    expect(grant.stdout).toMatch(/masks\s+Citizen.dateOfBirth=YEAR_ONLY, Citizen.nationalId=PARTIAL_ID/);

    const listed = await steward('grants', 'list');
    expect(listed.stdout.split('\n')[0]).toMatch(/^id\s+agencyCode\s+status\s+target/);
    expect(listed.stdout).toMatch(/H56.20\s+ACTIVE\s+CLASSIFICATION SHARED\/BASIC\s+LAND_REGISTRATION/);

    const changes = JSON.parse((await steward('changes', '--json')).stdout);
    expect(changes.map((change: { action: string; actor: string }) => [change.action, change.actor])).toEqual(
      ['CREATE_GRANT', 'CREATE_KEY', 'CREATE_AGENCY'].map((action) => [action, `cli:${os.userInfo().username}`]),
    );
  });

  it('explains a decision', async () => {
    const explained = await steward(
      'explain',
      '--agency',
      'H56.20',
      '--purpose',
      'LAND_REGISTRATION',
      '--query',
      '{ citizen(nationalId: "038085001234") { dateOfBirth } }',
      '--json',
    );
    expect(explained.code).toBe(0);
    const decision = JSON.parse(explained.stdout);
    expect(decision.fields.find((field: { coordinate: string }) => field.coordinate === 'Citizen.dateOfBirth')).toMatchObject({
      effect: 'MASK',
      mask: 'YEAR_ONLY',
      rule: 'GRANT',
    });
  });

  it('checks grant scopes against the administrative units it loads, and limits a classification to a sector and types', async () => {
    const grant = (...extra: string[]) =>
      steward('grants', 'create', '--agency', 'H56.20', '--purposes', 'STATISTICS', '--legal-basis', 'Luật Thống kê 2015', ...extra);
    const beforeLoad = await grant('--field', 'Citizen.fullName', '--scope', '40778');
    expect(beforeLoad.code).toBe(1);
    expect(beforeLoad.stderr).toMatch(/^Refused \(BAD_USER_INPUT\): No administrative units are loaded/);

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-units-')), 'units.json');
    fs.writeFileSync(file, JSON.stringify(demoUnits()));
    const loaded = await steward('units', 'load', '--file', file, '--json');
    expect(loaded.code).toBe(0);
    expect(JSON.parse(loaded.stdout)).toEqual({ units: demoUnits().length, communesInForce: 166, changed: true });

    const unknown = await grant('--field', 'Citizen.fullName', '--scope', '40778,99999');
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr.trim()).toBe('Refused (BAD_USER_INPUT): Invalid scope unit codes: 99999 is not an administrative unit');

    const limited = await grant('--classification', 'SHARED/BASIC', '--sector', 'population', '--types', 'Citizen,Residence', '--scope', '40778');
    expect(limited.code).toBe(0);
    expect(limited.stdout).toMatch(/target\s+CLASSIFICATION SHARED\/BASIC in sector population on types Citizen, Residence/);
    expect(limited.stdout).toMatch(/scopeUnitCodes\s+40778/);
  }, 120_000);

  it('explains in text each field with the communes of its rows, and the intersection the subgraphs enforce', async () => {
    expect((await steward('agencies', 'create', '--code', 'H56.99.40778', '--name', 'UBND phường Hạc Thành', '--units', '40778')).code).toBe(0);
    const grantField = (field: string, ...scope: string[]) =>
      steward(
        'grants',
        'create',
        '--agency',
        'H56.99.40778',
        '--field',
        field,
        '--purposes',
        'PUBLIC_SERVICE',
        '--legal-basis',
        'Nghị định 47/2020/NĐ-CP',
        ...scope,
      );
    expect((await grantField('Query.citizen')).code).toBe(0);
    expect((await grantField('Citizen.fullName', '--scope', '40778')).code).toBe(0);
    expect((await grantField('Citizen.sex', '--scope', '40779')).code).toBe(0);
    const explained = await steward(
      'explain',
      '--agency',
      'H56.99.40778',
      '--purpose',
      'PUBLIC_SERVICE',
      '--query',
      '{ citizen(nationalId: "038085001234") { fullName sex } }',
    );
    expect(explained.code).toBe(0);
    const lines = explained.stdout.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}ALLOW Citizen\.fullName \[GRANT grant \S+; rows of communes 40778\]/),
        expect.stringMatching(/^ {2}ALLOW Citizen\.sex \[GRANT grant \S+; rows of communes 40779\]/),
        expect.stringMatching(/^ {2}ALLOW Query\.citizen \[GRANT grant \S+\] /),
      ]),
    );
    expect(lines.slice(-2)).toEqual([
      'Rows restricted to (a row is returned only when every field read of its sector may be read for it):',
      '  population: no commune',
    ]);
  });

  it('exits 1 with the reason when the store refuses, and changes nothing', async () => {
    const version = await store.stewardship.version();
    const refused = await steward('grants', 'create', '--agency', 'H56.20', '--field', 'Citizen.salary', '--purposes', 'STATISTICS', '--legal-basis', 'x');
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr.trim()).toBe('Refused (BAD_USER_INPUT): Unknown field "Citizen.salary": expected Type.field of the API schema');
    expect((await steward('keys', 'revoke', '--id', 'zzzzzzzz')).stderr.trim()).toBe('Refused (NOT_FOUND): Unknown API key "zzzzzzzz"');
    expect(await store.stewardship.version()).toBe(version);
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['grants', 'create', '--agency', 'H56.20', '--purposes', 'STATISTICS', '--legal-basis', 'x'], /exactly one of --field, --type and --classification/],
    [['keys', 'create'], /"keys create" needs --agency/],
    [
      ['grants', 'create', '--agency', 'H56.20', '--field', 'Citizen.fullName', '--sector', 'land', '--purposes', 'STATISTICS', '--legal-basis', 'x'],
      /--sector and --types limit a --classification only/,
    ],
    [['keys', 'create', '--agency'], /--agency needs a value/],
    [['agencies', 'list', '--colour'], /"agencies list" takes no --colour/],
    [['changes', '--limit', 'ten'], /--limit needs a whole number/],
    [
      ['grants', 'create', '--agency', 'H56.20', '--type', 'Citizen', '--purposes', 'STATISTICS', '--legal-basis', 'x', '--mask', 'Citizen.fullName'],
      /--mask needs Type.field=KIND/,
    ],
  ])('exits 2 with the usage on %j', async (args, message) => {
    const run = await steward(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('Usage: npm run steward --');
  });
});

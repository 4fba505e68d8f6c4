import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestStore } from '../store/storeHelpers';
import { createTestStore } from '../store/storeHelpers';
import { demoUnits } from '../../gateway/store/demo';
import { Accounts } from '../../gateway/console/accounts';
import { AccountRepository } from '../../gateway/store/accountRepository';
import { commandEnvironment } from '../helpers/database';
import type { StewardRun } from '../helpers/stewardCommand';
import { runSteward } from '../helpers/stewardCommand';

describe('steward command line', () => {
  let store: TestStore;

  const steward = (...args: string[]): Promise<StewardRun> => runSteward(commandEnvironment(store.databases.config), [...args]);

  const STEWARD = 'chinhsach@test.gov.vn';
  /** Runs a command as the test's steward account (every role), for a reason. */
  const asSteward = (...args: string[]): Promise<StewardRun> => steward(...args, '--as', STEWARD, '--reason', 'Phiếu yêu cầu 7/2026');

  beforeAll(async () => {
    store = await createTestStore({ now: () => new Date() }, { units: false });
    const accounts = new Accounts({ repository: new AccountRepository(store.db) });
    await accounts.create(
      { kind: 'SYSTEM', task: 'test' },
      { email: STEWARD, name: 'Lê Chính Sách', unit: 'Trung tâm Dữ liệu', roles: ['POLICY_STEWARD', 'KEY_OFFICER', 'AUDITOR'] },
    );
    await accounts.create(
      { kind: 'SYSTEM', task: 'test' },
      { email: 'khoa@test.gov.vn', name: 'Trần Khóa', unit: 'Trung tâm Dữ liệu', roles: ['KEY_OFFICER'] },
    );
  });

  afterAll(async () => {
    await store?.destroy();
  });

  it('registers an agency, makes its key and grant, and records the person, the role, the reason and the operating-system user', async () => {
    const created = await asSteward('agencies', 'create', '--code', 'H56.20', '--name', 'Văn phòng Đăng ký đất đai', '--sector', 'land', '--json');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(created.stdout)).toEqual({ code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land', unitCodes: [], steward: false });

    const issued = await asSteward('keys', 'create', '--agency', 'H56.20', '--json');
    expect(issued.code).toBe(0);
    const { key, credential } = JSON.parse(issued.stdout);
    expect(await store.authenticator.authenticate(`Bearer ${key}`, await store.repository.loadSnapshot())).toMatchObject({
      kind: 'AGENCY',
      credentialId: credential.id,
    });

    const grant = await asSteward(
      'grants',
      'create',
      '--agency',
      'H56.20',
      '--classification',
      'SHARED/BASIC',
      '--purposes',
      'LAND_REGISTRATION',
      '--legal-basis',
      '31/2024/QH15',
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

    const changes = JSON.parse((await steward('changes', '--entity-type', 'AGENCY', '--json')).stdout)
      .concat(
        JSON.parse((await steward('changes', '--entity-type', 'CREDENTIAL', '--json')).stdout),
        JSON.parse((await steward('changes', '--entity-type', 'GRANT', '--json')).stdout),
      )
      .sort((a: { id: number }, b: { id: number }) => b.id - a.id);
    expect(
      changes.map((change: { action: string; actor: string; actorRole: string; reason: string; credentialId: string }) => [
        change.action,
        change.actor,
        change.actorRole,
        change.reason,
        change.credentialId,
      ]),
    ).toEqual(
      [
        ['CREATE_GRANT', 'POLICY_STEWARD'],
        ['CREATE_KEY', 'KEY_OFFICER'],
        ['CREATE_AGENCY', 'POLICY_STEWARD'],
      ].map(([action, role]) => [action, `person:${STEWARD}`, role, 'Phiếu yêu cầu 7/2026', `cli:${os.userInfo().username}`]),
    );
  });

  it("refuses a change without an account or a reason, or beyond the account's roles, and changes nothing", async () => {
    const version = await store.stewardship.version();
    const anonymous = await steward('agencies', 'create', '--code', 'H56.40', '--name', 'Sở không tên');
    expect(anonymous).toMatchObject({ code: 1, stdout: '' });
    expect(anonymous.stderr).toMatch(/^Refused \(FORBIDDEN\): A change needs the steward account it is made as: add --as/);
    const noReason = await steward('agencies', 'create', '--code', 'H56.40', '--name', 'Sở', '--as', STEWARD);
    expect(noReason.stderr).toMatch(/^Refused \(BAD_USER_INPUT\): A change needs its reason/);
    const keyOfficer = await steward('agencies', 'create', '--code', 'H56.40', '--name', 'Sở', '--as', 'khoa@test.gov.vn', '--reason', 'x');
    expect(keyOfficer.stderr).toMatch(/^Refused \(FORBIDDEN\): Your account \(KEY_OFFICER\) may not use createAgency/);
    const unknown = await steward('keys', 'list', '--as', 'ai@test.gov.vn');
    expect(unknown.stderr).toMatch(/^Refused \(FORBIDDEN\): No enabled steward account/);
    const notYours = await steward('grants', 'list', '--as', 'khoa@test.gov.vn');
    expect(notYours.stderr).toMatch(/^Refused \(FORBIDDEN\)/);
    expect(await store.stewardship.version()).toBe(version);
  });

  it('creates the first administrator without an account, and no account without one after that', async () => {
    const first = await steward(
      'accounts',
      'create',
      '--email',
      'quantri@test.gov.vn',
      '--name',
      'Nguyễn Quản Trị',
      '--unit',
      'Trung tâm Dữ liệu',
      '--roles',
      'ADMINISTRATOR',
      '--json',
    );
    expect(first.code).toBe(0);
    const created = JSON.parse(first.stdout);
    expect(created).toMatchObject({
      account: { email: 'quantri@test.gov.vn', roles: ['ADMINISTRATOR'] },
      password: expect.stringMatching(/^.{20}$/),
      totpSecret: expect.stringMatching(/^[A-Z2-7]{32}$/),
    });
    const second = await steward('accounts', 'create', '--email', 'khac@test.gov.vn', '--name', 'Người khác', '--unit', 'Phòng', '--roles', 'ADMINISTRATOR');
    expect(second.stderr).toMatch(/^Refused \(FORBIDDEN\): A change needs the steward account/);
    const byAdministrator = await steward(
      'accounts',
      'create',
      '--email',
      'khac@test.gov.vn',
      '--name',
      'Người khác',
      '--unit',
      'Phòng',
      '--roles',
      'AUDITOR',
      '--as',
      'quantri@test.gov.vn',
      '--reason',
      'Quyết định 5/2026',
    );
    expect(byAdministrator.code).toBe(0);
    expect(byAdministrator.stdout).toMatch(/shown this once/);
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
      asSteward('grants', 'create', '--agency', 'H56.20', '--purposes', 'STATISTICS', '--legal-basis', '89/2015/QH13', ...extra);
    const beforeLoad = await grant('--field', 'Citizen.fullName', '--scope', '40778');
    expect(beforeLoad.code).toBe(1);
    expect(beforeLoad.stderr).toMatch(/^Refused \(BAD_USER_INPUT\): No administrative units are loaded/);

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-units-')), 'units.json');
    fs.writeFileSync(file, JSON.stringify(demoUnits()));
    const loaded = await asSteward('units', 'load', '--file', file, '--json');
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
    expect((await asSteward('agencies', 'create', '--code', 'H56.99.40778', '--name', 'UBND phường Hạc Thành', '--units', '40778')).code).toBe(0);
    const grantField = (field: string, ...scope: string[]) =>
      asSteward('grants', 'create', '--agency', 'H56.99.40778', '--field', field, '--purposes', 'PUBLIC_SERVICE', '--legal-basis', '47/2020/NĐ-CP', ...scope);
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

  it('keeps the legal register, refuses a grant on an unknown or replaced instrument, and lists and answers the grants to review', async () => {
    const listed = await steward('register', 'list');
    expect(listed.stdout).toMatch(/13\/2023\/NĐ-CP\s+DECREE\s+Chính phủ\s+2023-07-01\s+91\/2025\/QH15, 356\/2025\/NĐ-CP\s+2026-01-01/);
    const created = await asSteward(
      'register',
      'create',
      '--number',
      '12/2026/QĐ-UBND',
      '--title',
      'Quy chế chia sẻ dữ liệu',
      '--type',
      'DECISION',
      '--issuer',
      'UBND tỉnh Thanh Hóa',
      '--effective-from',
      '2026-02-01',
      '--json',
    );
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ number: '12/2026/QĐ-UBND', replacedBy: [] });
    const unknown = await asSteward(
      'grants',
      'create',
      '--agency',
      'H56.20',
      '--field',
      'Citizen.sex',
      '--purposes',
      'STATISTICS',
      '--legal-basis',
      'Luật Thống kê 2015',
    );
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(/^Refused \(LEGAL_BASIS_NOT_IN_REGISTER\): The legal register holds no "Luật Thống kê 2015"/);
    const grant = await asSteward(
      'grants',
      'create',
      '--agency',
      'H56.20',
      '--field',
      'Citizen.sex',
      '--purposes',
      'STATISTICS',
      '--legal-basis',
      '12/2026/QĐ-UBND',
      '--json',
    );
    const { id } = JSON.parse(grant.stdout) as { id: string };
    expect((await steward('grants', 'review', '--json')).stdout.trim()).toBe('[]');
    const replaced = await asSteward('register', 'replace', '--number', '12/2026/QĐ-UBND', '--by', '89/2015/QH13', '--from', '2026-03-01');
    expect(replaced.stdout).toMatch(/replacedFrom\s+2026-03-01/);
    const review = await steward('grants', 'review');
    expect(review.stdout).toMatch(new RegExp(`${id}\\s+H56.20\\s+FIELD Citizen.sex\\s+12/2026/QĐ-UBND\\s+12/2026/QĐ-UBND\\s+89/2015/QH13`));
    const explained = await steward('explain', '--agency', 'H56.20', '--purpose', 'STATISTICS', '--query', '{ citizen(nationalId: "038085001234") { sex } }');
    expect(explained.stdout).toContain(`Grant ${id} needs review: 12/2026/QĐ-UBND replaced; cite 89/2015/QH13`);
    const replacedBasis = await asSteward(
      'grants',
      'create',
      '--agency',
      'H56.20',
      '--field',
      'Citizen.status',
      '--purposes',
      'STATISTICS',
      '--legal-basis',
      '12/2026/QĐ-UBND',
    );
    expect(replacedBasis.stderr).toMatch(/^Refused \(LEGAL_BASIS_REPLACED\)/);
    expect((await asSteward('grants', 'cite', '--id', id, '--legal-basis', '89/2015/QH13', '--citation', 'Điều 10')).code).toBe(0);
    expect((await steward('grants', 'review', '--json')).stdout.trim()).toBe('[]');
    const changes = JSON.parse((await steward('changes', '--entity-type', 'LEGAL_INSTRUMENT', '--json')).stdout) as Array<{
      action: string;
      actorRole: string;
    }>;
    expect(changes.map((change) => [change.action, change.actorRole])).toEqual([
      ['REPLACE_LEGAL_INSTRUMENT', 'POLICY_STEWARD'],
      ['CREATE_LEGAL_INSTRUMENT', 'POLICY_STEWARD'],
    ]);
    const asKeyOfficer = await steward('register', 'amend', '--number', '31/2024/QH15', '--by', '89/2015/QH13', '--as', 'khoa@test.gov.vn', '--reason', 'x');
    expect(asKeyOfficer.stderr).toMatch(/^Refused \(FORBIDDEN\)/);
  }, 120_000);

  it('exits 1 with the reason when the store refuses, and changes nothing', async () => {
    const version = await store.stewardship.version();
    const refused = await asSteward('grants', 'create', '--agency', 'H56.20', '--field', 'Citizen.salary', '--purposes', 'STATISTICS', '--legal-basis', 'x');
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr.trim()).toBe('Refused (BAD_USER_INPUT): Unknown field "Citizen.salary": expected Type.field of the API schema');
    expect((await asSteward('keys', 'revoke', '--id', 'zzzzzzzz')).stderr.trim()).toBe('Refused (NOT_FOUND): Unknown API key "zzzzzzzz"');
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
    // As an account with the roles, so that the command line, not the account, is what is wrong.
    const run = args.at(-1) === '--agency' ? await steward(...args) : await asSteward(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('Usage: npm run steward --');
  });
});

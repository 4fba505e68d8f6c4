import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Accounts } from '../../gateway/console/accounts';
import { operationId } from '../../gateway/operations/manifest';
import { AccountRepository } from '../../gateway/store/accountRepository';
import { commandEnvironment } from '../helpers/database';
import type { StewardRun } from '../helpers/stewardCommand';
import { runSteward } from '../helpers/stewardCommand';
import type { TestStore } from '../store/storeHelpers';
import { createTestStore } from '../store/storeHelpers';

const SYSTEM = { kind: 'SYSTEM', task: 'test' } as const;
const NAME_QUERY = 'query CitizenName($id: ID!) { citizen(nationalId: $id) { fullName } }';

describe('steward operations commands', () => {
  let store: TestStore;
  let directory: string;
  let grantId: string;

  const steward = (...args: string[]): Promise<StewardRun> => runSteward(commandEnvironment(store.databases.config), [...args]);
  const asPolicySteward = (...args: string[]) => steward(...args, '--as', 'chinhsach@test.gov.vn', '--reason', 'Công văn 3/2027');
  const file = (name: string, content: string) => {
    const written = path.join(directory, name);
    fs.writeFileSync(written, content);
    return written;
  };

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-operations-'));
    store = await createTestStore({ now: () => new Date() }, { units: false });
    const accounts = new Accounts({ repository: new AccountRepository(store.db) });
    await accounts.create(SYSTEM, { email: 'chinhsach@test.gov.vn', name: 'Lê Chính Sách', unit: 'Trung tâm Dữ liệu', roles: ['POLICY_STEWARD'] });
    await accounts.create(SYSTEM, { email: 'khoa@test.gov.vn', name: 'Trần Khóa', unit: 'Trung tâm Dữ liệu', roles: ['KEY_OFFICER'] });
    await store.stewardship.createAgency(SYSTEM, { code: 'H56.20', name: 'Văn phòng Đăng ký đất đai', sector: 'land' });
    for (const coordinate of ['Query.citizen', 'Citizen.fullName']) {
      const grant = await store.stewardship.createGrant(SYSTEM, {
        agencyCode: 'H56.20',
        target: { kind: 'FIELD', coordinate },
        purposes: ['LAND_REGISTRATION'],
        legalBasis: 'Luật Đất đai 2024',
        legalInstruments: ['47/2020/NĐ-CP'],
      });
      if (coordinate === 'Citizen.fullName') grantId = grant.id;
    }
  }, 60_000);

  afterAll(async () => {
    await store?.destroy();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('registers a codegen file as a person for a reason, prints each operation decided, and records who and why', async () => {
    const manifest = file('persisted-documents.json', JSON.stringify({ [operationId(NAME_QUERY)]: NAME_QUERY }));
    const run = await asPolicySteward('operations', 'register', '--agency', 'H56.20', '--application', 'land-web', '--file', manifest);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('H56.20/land-web version 1 (CODEGEN_DOCUMENTS, 1 operations) is in force');
    expect(run.stdout).toMatch(/CitizenName\s+\w{16}\s+LAND_REGISTRATION/);
    const [change] = await store.stewardship.changes({ entityType: 'OPERATIONS', limit: 1 });
    expect(change).toMatchObject({
      action: 'REGISTER_OPERATIONS',
      actor: 'person:chinhsach@test.gov.vn',
      actorRole: 'POLICY_STEWARD',
      reason: 'Công văn 3/2027',
    });
    const lists = JSON.parse((await steward('operations', 'lists', '--agency', 'H56.20', '--json')).stdout);
    expect(lists).toEqual([expect.objectContaining({ application: 'land-web', version: 1, current: true, operationCount: 1 })]);
  });

  it('refuses a malformed file with OPERATION_MANIFEST_INVALID and registers nothing', async () => {
    const sha1 = file('sha1.json', JSON.stringify({ ['a'.repeat(40)]: NAME_QUERY }));
    const run = await asPolicySteward('operations', 'register', '--agency', 'H56.20', '--application', 'land-web', '--file', sha1);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Refused (OPERATION_MANIFEST_INVALID)');
    expect(run.stderr).toContain('hashAlgorithm');
    expect((await store.repository.operations().listVersions('H56.20')).map((list) => list.version)).toEqual([1]);
  });

  it('sets the mode only for a role that admits it', async () => {
    const refused = await steward('operations', 'set-mode', '--agency', 'H56.20', '--mode', 'enforce', '--as', 'khoa@test.gov.vn', '--reason', 'x');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('FORBIDDEN');
    const set = await asPolicySteward('operations', 'set-mode', '--agency', 'H56.20', '--mode', 'log-unknown', '--json');
    expect(JSON.parse(set.stdout)).toEqual({ agencyCode: 'H56.20', mode: 'log-unknown', changed: true });
    expect((await steward('operations', 'mode', '--agency', 'H56.20')).stdout).toContain('log-unknown');
  });

  it('previews the impact of revoking a grant, changing nothing', async () => {
    const run = await steward('operations', 'impact', '--agency', 'H56.20', '--revoke-grant', grantId, '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      expect.objectContaining({
        name: 'CitizenName',
        purpose: 'LAND_REGISTRATION',
        change: 'DENIED',
        fields: [{ coordinate: 'Citizen.fullName', before: 'ALLOW', after: 'DENY' }],
      }),
    ]);
    const none = await steward('operations', 'impact', '--agency', 'H56.20');
    expect(none.stdout).toContain('No registered operation would be refused');
    expect((await store.stewardship.listGrants({ agencyCode: 'H56.20' })).map((grant) => grant.id)).toContain(grantId);
  });
});

import { FLOOR_MANY_CITIZENS, measureAuditFloor } from '../../bench/auditFloor';
import { AUDIT_TABLES } from '../../gateway/audit/auditRepository';
import type { TestDatabases } from '../helpers/database';
import { createTestDatabases } from '../helpers/database';

describe('the audit write floor of the bench', () => {
  let databases: TestDatabases;

  beforeAll(async () => {
    databases = await createTestDatabases();
  });

  afterAll(async () => {
    await databases?.destroy();
  });

  it('times a round trip and durable appends of one and of 500 citizens, and on the journal, and leaves no record behind', async () => {
    const floor = await measureAuditFloor(databases.config, 5);
    expect(floor).toMatchObject({ samples: 5, manyCitizens: FLOOR_MANY_CITIZENS });
    for (const ms of [floor.roundTripMs, floor.appendOneCitizenMs, floor.appendManyCitizensMs, floor.journalAppendMs, floor.journalAppendCpuMs]) expect(ms).toBeGreaterThan(0);
    for (const table of AUDIT_TABLES) {
      expect(await databases.databases.gateway(table).count({ count: '*' }).first()).toEqual({ count: 0 });
    }
  });
});

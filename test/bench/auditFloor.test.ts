import { FLOOR_MANY_CITIZENS, measureAuditFloor } from '../../bench/auditFloor';
import { listeningPid } from '../../bench/databaseServer';
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

  it("times the fsync'd SQLite commit, a round trip, durable appends of one and of 500 citizens and through the outbox, and leaves no record behind", async () => {
    // The database server's CPU is read off its pid: MariaDB's, found by its port; none for SQLite, which runs in this process.
    const config = databases.config;
    const databasePid = config.engine === 'mysql' ? listeningPid(config.port) : null;
    const floor = await measureAuditFloor(config, databasePid, 5);
    expect(floor).toMatchObject({ samples: 5, manyCitizens: FLOOR_MANY_CITIZENS });
    for (const ms of [
      floor.sqliteCommitMs,
      floor.roundTripMs,
      floor.appendOneCitizenMs,
      floor.appendManyCitizensMs,
      floor.outboxAppendMs,
      floor.outboxAppendCpuMs,
    ])
      expect(ms).toBeGreaterThan(0);
    if (databasePid === null) {
      expect([floor.databaseCpuOneCitizenMs, floor.databaseCpuManyCitizensMs]).toEqual([null, null]);
    } else {
      // Five appends may fall within one clock tick of the server's CPU: measured, and never negative.
      expect(floor.databaseCpuOneCitizenMs).toBeGreaterThanOrEqual(0);
      expect(floor.databaseCpuManyCitizensMs).toBeGreaterThanOrEqual(0);
    }
    for (const table of AUDIT_TABLES) {
      expect(await databases.databases.gateway(table).count({ count: '*' }).first()).toEqual({ count: 0 });
    }
  });
});

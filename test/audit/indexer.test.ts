import pino from 'pino';
import { Indexer } from '../../gateway/audit/indexer';
import type { AuditFixture } from './auditHelpers';
import { appendRecords, createAuditFixture } from './auditHelpers';

describe('Indexer', () => {
  let fixture: AuditFixture;

  beforeAll(async () => {
    fixture = await createAuditFixture();
  });

  afterAll(async () => {
    await fixture?.destroy();
  });

  it('lets a batch carry its index rows only while no run is under way and the index has reached it, and catches up on the rest', async () => {
    const instance = 'gw-indexer';
    // Records in the database whose index rows were never written: what a crash between the two leaves.
    const log = await fixture.startLog(instance);
    await appendRecords(log, 3);
    await log.stop();
    await fixture.db('audit_citizens').where('instance', instance).delete();
    await fixture.db('audit_index_heads').where('instance', instance).update({ indexed_seq: 0 });

    let stored = 3;
    const indexer = new Indexer(fixture.repository, instance, 2000, pino({ level: 'silent' }), () => stored);
    await indexer.start(3);
    // A run started at once: no batch carries its own rows meanwhile.
    expect(indexer.takesInline(3)).toBe(false);
    await indexer.caughtUp(3);
    expect(await fixture.repository.indexHead(instance)).toBe(3);
    expect((await fixture.repository.indexRows(instance, 1, 3)).citizens).toHaveLength(3);
    expect(indexer.takesInline(3)).toBe(true);
    expect(indexer.takesInline(2)).toBe(false);
    indexer.indexedWith(4);
    stored = 4;
    expect(indexer.takesInline(4)).toBe(true);
  });
});

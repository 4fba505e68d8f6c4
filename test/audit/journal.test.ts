import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuditRecordRow } from '../../db/gatewayRows';
import { GENESIS_HASH, recordHash } from '../../gateway/audit/hashChain';
import { AuditJournal } from '../../gateway/audit/journal';
import { unchainedRecordOf } from '../../gateway/audit/records';
import { auditInput } from './auditHelpers';

/** Given a count, returns that many records of instance gw-segments chained from the genesis hash. */
function chained(count: number): AuditRecordRow[] {
  const records: AuditRecordRow[] = [];
  let previous = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq += 1) {
    const content = { ...unchainedRecordOf(auditInput(), 'gw-segments'), seq, previous_hash: previous };
    previous = recordHash(content);
    records.push({ ...content, hash: previous });
  }
  return records;
}

describe('AuditJournal', () => {
  let directory: string;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-journal-'));
  });

  afterEach(() => {
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('moves to a new segment past its size, deletes the segments the database holds, and reads back the rest in order', async () => {
    const records = chained(6);
    const { journal, records: found } = await AuditJournal.open(directory, 'gw-segments', 1);
    expect(found).toEqual([]);
    // Past one byte, every batch closes its segment.
    for (const batch of [records.slice(0, 2), records.slice(2, 4), records.slice(4)]) await journal.append(batch);
    expect(journal.files()).toHaveLength(4);
    // The database holds seqs 1 to 3: only the first segment is all there.
    await journal.release(3);
    expect(journal.files()).toHaveLength(3);
    expect(fs.readdirSync(directory).sort()).toEqual(journal.files().map((file) => path.basename(file)).sort());
    await journal.close(3);

    const reopened = await AuditJournal.open(directory, 'gw-segments');
    expect(reopened.records.map((record) => record.seq)).toEqual([3, 4, 5, 6]);
    expect(reopened.records).toEqual(records.slice(2));
    // Everything shipped: closing deletes every file.
    await reopened.journal.close(6);
    expect(fs.readdirSync(directory)).toEqual([]);
  });

  it('keeps its files at close while the database lacks records, and opens them with mode 0600', async () => {
    const { journal } = await AuditJournal.open(directory, 'gw-segments');
    await journal.append(chained(2));
    await journal.close(1);
    const files = fs.readdirSync(directory);
    expect(files).toHaveLength(1);
    expect(fs.statSync(path.join(directory, files[0]!)).mode & 0o777).toBe(0o600);
    const reopened = await AuditJournal.open(directory, 'gw-segments');
    expect(reopened.records.map((record) => record.seq)).toEqual([1, 2]);
    await reopened.journal.close(2);
  });
});

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
    // Beside them, the next segment, made ahead: zeros only.
    const spare = fs.readdirSync(directory).filter((name) => !journal.files().map((file) => path.basename(file)).includes(name));
    expect(spare).toHaveLength(1);
    expect(fs.readFileSync(path.join(directory, spare[0]!)).every((byte) => byte === 0)).toBe(true);
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
    // The spare segment holds nothing and goes; the one with records stays.
    const files = fs.readdirSync(directory);
    expect(files).toHaveLength(1);
    expect(fs.statSync(path.join(directory, files[0]!)).mode & 0o777).toBe(0o600);
    const reopened = await AuditJournal.open(directory, 'gw-segments');
    expect(reopened.records.map((record) => record.seq)).toEqual([1, 2]);
    await reopened.journal.close(2);
  });

  it('makes each segment whole before writing records into it, so that a write changes neither its size nor its blocks', async () => {
    const { journal } = await AuditJournal.open(directory, 'gw-segments', 64 * 1024);
    const [file] = journal.files();
    expect(fs.statSync(file!).size).toBe(64 * 1024);
    expect(fs.readFileSync(file!).every((byte) => byte === 0)).toBe(true);
    const records = chained(3);
    await journal.append(records.slice(0, 2));
    await journal.append(records.slice(2));
    expect(fs.statSync(file!).size).toBe(64 * 1024);
    const text = fs.readFileSync(file!, 'utf8');
    expect(text.slice(0, text.indexOf('\0'))).toBe(records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    await journal.close(3);
  });

  it('removes at start the segments that hold nothing, so that restarts do not pile them up', async () => {
    // Three starts that each end in a crash, with no record written: each leaves its segment and the one made ahead.
    for (let start = 0; start < 3; start += 1) {
      // Left open, as a crash leaves it; the segment ahead is made meanwhile.
      await AuditJournal.open(directory, 'gw-segments', 4096);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fs.readdirSync(directory).length).toBeLessThanOrEqual(2);
    }
    const { journal, records } = await AuditJournal.open(directory, 'gw-segments', 4096);
    await journal.append(chained(1));
    expect(records).toEqual([]);
    await journal.close(0);
    expect(fs.readdirSync(directory)).toHaveLength(1);
  });

  describe('after a crash', () => {
    /** Given the records to leave whole, returns a made segment's bytes with their lines, zeros after them. */
    function segmentWith(records: readonly AuditRecordRow[], bytes = 16 * 1024): Buffer {
      const segment = Buffer.alloc(bytes);
      segment.write(records.map((record) => `${JSON.stringify(record)}\n`).join(''));
      return segment;
    }

    const fileOf = (generation: number) => path.join(directory, `gw-segments.${String(generation).padStart(10, '0')}.journal`);

    it('ignores a write cut short: a last line without its end, and sectors of the batch written past one left as zeros', async () => {
      const records = chained(5);
      const segment = segmentWith(records.slice(0, 2));
      const end = segment.indexOf(0);
      // The third record's write began; its first sector never reached the disk, a later one did.
      const lost = `${JSON.stringify(records[2])}\n${JSON.stringify(records[3])}\n`;
      const resumed = Math.ceil((end + 1) / 512) * 512;
      segment.write(lost.slice(resumed - end), resumed);
      fs.writeFileSync(fileOf(1), segment);
      // The next segment was made, not yet written to; in the one before, a last line cut short.
      fs.writeFileSync(fileOf(2), Buffer.alloc(4096));
      const opened = await AuditJournal.open(directory, 'gw-segments');
      expect(opened.records).toEqual(records.slice(0, 2));
      expect(opened.tornBytes).toBeGreaterThan(0);
      expect(opened.tornBytes).toBeLessThanOrEqual(Buffer.byteLength(lost));
      await opened.journal.close(0);
    });

    it('refuses a segment whose zeros, followed by records, do not end at a sector: no interrupted write leaves that', async () => {
      const records = chained(3);
      const segment = segmentWith(records);
      // One byte of the second record's line made zero.
      segment[Buffer.byteLength(`${JSON.stringify(records[0])}\n`) + 10] = 0;
      fs.writeFileSync(fileOf(1), segment);
      await expect(AuditJournal.open(directory, 'gw-segments')).rejects.toThrow(/zero bytes at offset \d+ followed by data, which no interrupted write leaves/);
    });
  });
});

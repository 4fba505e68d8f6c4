import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { legacyJournalRefusal, readLegacyJournal } from '../../gateway/audit/legacyJournal';

describe("an earlier release's audit journal", () => {
  let directory: string;
  /** Given the lines of a segment, writes it as the journal did: JSON lines, then zeros to its preallocated size. */
  const segment = (name: string, lines: string[]) =>
    fs.writeFileSync(path.join(directory, name), Buffer.concat([Buffer.from(lines.map((line) => `${line}\n`).join('')), Buffer.alloc(8192)]));
  const line = (seq: number, instance = 'gw-1') => JSON.stringify({ instance, seq, hash: 'a'.repeat(64) });

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-legacy-journal-'));
  });

  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('holds nothing to refuse when missing, empty, or holding records the database has', () => {
    expect(legacyJournalRefusal(path.join(directory, 'none'), 'gw-1', 0)).toBeNull();
    segment('gw-1.1.journal', []);
    expect(legacyJournalRefusal(directory, 'gw-1', 0)).toBeNull();
    segment('gw-1.2.journal', [line(1), line(2)]);
    expect(legacyJournalRefusal(directory, 'gw-1', 2)).toBeNull();
  });

  it('refuses, naming the directory, records the database lacks and lines it cannot read, whatever sits between them', () => {
    segment('gw-1.1.journal', [line(1), line(2)]);
    // The report's case: zeros written over part of a segment, with records after them.
    const bytes = Buffer.concat([Buffer.from(`${line(3)}\n`), Buffer.alloc(4096), Buffer.from(`${line(4)}\n${line(5)}\n{"instance":"gw-1","se`)]);
    fs.writeFileSync(path.join(directory, 'gw-1.2.journal'), bytes);
    // Another instance's journal is its own gateway's concern.
    segment('gw-2.1.journal', [line(9, 'gw-2')]);
    expect(readLegacyJournal(directory, 'gw-1', 2)).toMatchObject({ unshipped: { from: 3, to: 5, count: 3 }, unreadableLines: 1 });
    const refusal = legacyJournalRefusal(directory, 'gw-1', 2)!;
    expect(refusal).toContain(
      `The audit journal ${directory} of an earlier release holds 3 record(s) of instance gw-1 (seq 3 to 5) that the gateway database lacks and 1 line(s) that are not records`,
    );
    expect(refusal).toMatch(/start the earlier release once so that it ships them/);
    expect(legacyJournalRefusal(directory, 'gw-2', 9)).toBeNull();
  });
});

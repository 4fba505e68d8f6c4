import fs from 'node:fs';
import path from 'node:path';

/** What an earlier release's audit journal (JSON lines in zero-filled segments) holds that the database may lack. */
export interface LegacyJournalContents {
  /** The instance's segment files. */
  files: string[];
  /** The seqs of its records above the database's last one, lowest and highest; null for none. */
  unshipped: { from: number; to: number; count: number } | null;
  /** Lines that are not a record: a write cut short, or an alteration; what they held cannot be told. */
  unreadableLines: number;
}

/** Given the journal directory of an earlier release, an instance and the database's last seq, returns what the instance's segments hold beyond it. */
export function readLegacyJournal(directory: string, instance: string, databaseSeq: number): LegacyJournalContents {
  const pattern = new RegExp(`^${instance.replace(/[.]/g, '\\.')}\\.\\d+\\.journal$`);
  const files = fs.existsSync(directory)
    ? fs
        .readdirSync(directory)
        .filter((name) => pattern.test(name))
        .sort()
        .map((name) => path.join(directory, name))
    : [];
  const seqs: number[] = [];
  let unreadableLines = 0;
  for (const file of files) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      // Past its last write, a segment is zeros.
      const text = line.replace(/\0+/g, '').trim();
      if (text === '') continue;
      try {
        const seq = (JSON.parse(text) as { seq?: unknown }).seq;
        if (typeof seq !== 'number') unreadableLines += 1;
        else if (seq > databaseSeq) seqs.push(seq);
      } catch {
        unreadableLines += 1;
      }
    }
  }
  const unshipped = seqs.length === 0 ? null : { from: Math.min(...seqs), to: Math.max(...seqs), count: seqs.length };
  return { files, unshipped, unreadableLines };
}

/**
 * Given the journal directory of an earlier release, an instance and the database's last seq, returns why the
 * gateway must not start over it (records the database lacks, or lines that cannot be read, which this release
 * does not ship), or null when it holds nothing the database lacks.
 */
export function legacyJournalRefusal(directory: string, instance: string, databaseSeq: number): string | null {
  const { unshipped, unreadableLines } = readLegacyJournal(directory, instance, databaseSeq);
  if (unshipped === null && unreadableLines === 0) return null;
  const held = [
    unshipped ? `${unshipped.count} record(s) of instance ${instance} (seq ${unshipped.from} to ${unshipped.to}) that the gateway database lacks` : null,
    unreadableLines > 0 ? `${unreadableLines} line(s) that are not records` : null,
  ].filter(Boolean);
  return (
    `The audit journal ${directory} of an earlier release holds ${held.join(' and ')}. This release keeps its records in an outbox and does not read ` +
    'that journal: start the earlier release once so that it ships them, or, once they are saved elsewhere, move the directory aside.'
  );
}

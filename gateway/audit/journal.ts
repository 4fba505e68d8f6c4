import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { AuditRecordRow } from '../../db/gatewayRows';
import { AuditIntegrityError } from './errors';
import { recordHash } from './hashChain';

/** A segment past this size is closed after its next write, and a new one opened. */
const SEGMENT_BYTES = 16 * 1024 * 1024;

/** Appends go to the end; each write returns once its bytes are on disk (O_DSYNC): one system call per batch. */
const APPEND_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_APPEND | fs.constants.O_DSYNC;

/** One file of the journal: its generation (its place among the instance's files), path and last seq. */
interface Segment {
  generation: number;
  file: string;
  lastSeq: number;
}

/** What a journal held when it was opened: its well-formed records, in the order they were written. */
export interface RecoveredJournal {
  journal: AuditJournal;
  records: AuditRecordRow[];
  /** Bytes at the end of a file that a crash left half written; their records were never confirmed. */
  tornBytes: number;
}

/** Given the journal directory and an instance, returns the instance's segment files, oldest first. */
function segmentsOf(directory: string, instance: string): Array<{ generation: number; file: string }> {
  if (!fs.existsSync(directory)) return [];
  const prefix = `${instance}.`;
  const suffix = '.journal';
  return fs
    .readdirSync(directory)
    .filter((name) => name.startsWith(prefix) && name.endsWith(suffix) && /^\d+$/.test(name.slice(prefix.length, -suffix.length)))
    .map((name) => ({ generation: Number(name.slice(prefix.length, -suffix.length)), file: path.join(directory, name) }))
    .sort((a, b) => a.generation - b.generation);
}

/** Given a line of a segment, returns the record it holds, or null when it is not a well-formed, self-consistent record. */
function recordOfLine(line: string): AuditRecordRow | null {
  try {
    const row = JSON.parse(line) as AuditRecordRow;
    return typeof row === 'object' && row !== null && typeof row.hash === 'string' && recordHash(row) === row.hash ? row : null;
  } catch {
    return null;
  }
}

/**
 * Given a segment's text and its file, returns its records and the length of its torn tail. A write cut short by
 * a crash leaves a prefix of its batch at the end of the file: a last line without its newline, or lines that do
 * not hold a record. Such a tail was never confirmed to any request. A bad line with a good one after it is
 * not a crash's doing, and throws an AuditIntegrityError.
 */
function parseSegment(text: string, file: string): { records: AuditRecordRow[]; tornBytes: number } {
  const records: AuditRecordRow[] = [];
  let offset = 0;
  let firstBad: { line: number; offset: number } | null = null;
  let lineNumber = 0;
  while (offset < text.length) {
    const end = text.indexOf('\n', offset);
    lineNumber += 1;
    const record = end === -1 ? null : recordOfLine(text.slice(offset, end));
    if (record === null) {
      firstBad ??= { line: lineNumber, offset };
      if (end === -1) break;
    } else {
      if (firstBad !== null) {
        throw new AuditIntegrityError(`line ${firstBad.line} of the audit journal ${file} holds no valid record, yet a valid one follows it: the file was altered`);
      }
      records.push(record);
    }
    offset = end + 1;
  }
  return { records, tornBytes: firstBad === null ? 0 : Buffer.byteLength(text.slice(firstBad.offset)) };
}

/**
 * The gateway's local audit journal: a write-ahead log of records on the gateway's own disk. A batch of records
 * is durable once its one write returns (O_DSYNC), so a response need not wait for the database; AuditLog ships
 * the records to the gateway database shortly after, and a segment is deleted once everything in it is there. At
 * start, what the journal holds and the database lacks is shipped first. The records are JSON lines; each line
 * carries its record's hash, so a torn tail is told from an altered file.
 */
export class AuditJournal {
  private handle: FileHandle | null = null;
  /** Where the next write starts: a failed write is cut back to it. */
  private size = 0;
  /** Set when a failed write could not be cut back: the file's end is unknown, so nothing more is written. */
  private broken: Error | null = null;
  private readonly segments: Segment[] = [];

  private constructor(
    private readonly directory: string,
    private readonly instance: string,
    private readonly segmentBytes: number,
  ) {}

  /**
   * Given the journal directory, an instance and the size past which a segment is closed (SEGMENT_BYTES unless a
   * test says otherwise), opens the instance's journal: returns it with the records its files hold. Throws an
   * AuditIntegrityError when a file was altered (see parseSegment).
   */
  static async open(directory: string, instance: string, segmentBytes = SEGMENT_BYTES): Promise<RecoveredJournal> {
    fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
    const journal = new AuditJournal(directory, instance, segmentBytes);
    const records: AuditRecordRow[] = [];
    let tornBytes = 0;
    for (const { generation, file } of segmentsOf(directory, instance)) {
      const parsed = parseSegment(await fs.promises.readFile(file, 'utf8'), file);
      records.push(...parsed.records);
      tornBytes += parsed.tornBytes;
      journal.segments.push({ generation, file, lastSeq: parsed.records.at(-1)?.seq ?? 0 });
    }
    // Writing resumes in a new file, after whatever torn tail the last one has.
    await journal.openSegment((journal.segments.at(-1)?.generation ?? 0) + 1);
    return { journal, records, tornBytes };
  }

  private async openSegment(generation: number): Promise<void> {
    const file = path.join(this.directory, `${this.instance}.${String(generation).padStart(10, '0')}.journal`);
    const handle = await fs.promises.open(file, APPEND_FLAGS, 0o600);
    try {
      // The new name must survive a crash as well as what is written under it.
      const directory = await fs.promises.open(this.directory, 'r');
      try {
        await directory.sync();
      } finally {
        await directory.close();
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    await this.handle?.close();
    this.handle = handle;
    this.size = 0;
    this.segments.push({ generation, file, lastSeq: 0 });
  }

  /**
   * Given a batch of records (consecutive seqs), writes them; resolves once they are on disk. On failure the
   * file is cut back to where the batch began and the error thrown; when that fails too, every later append
   * throws at once (the journal is broken until the gateway restarts).
   */
  async append(records: readonly AuditRecordRow[]): Promise<void> {
    if (this.broken) throw this.broken;
    if (!this.handle) throw new Error('The audit journal is closed');
    if (records.length === 0) return;
    const buffer = Buffer.from(records.map((record) => `${JSON.stringify(record)}\n`).join(''), 'utf8');
    const handle = this.handle;
    const start = this.size;
    try {
      let written = 0;
      while (written < buffer.length) written += (await handle.write(buffer, written, buffer.length - written)).bytesWritten;
    } catch (error) {
      await handle.truncate(start).catch((truncation: unknown) => {
        this.broken = new Error(`The audit journal ${this.segments.at(-1)!.file} could not be cut back after a failed write`, { cause: truncation });
      });
      throw error;
    }
    this.size = start + buffer.length;
    const segment = this.segments.at(-1)!;
    segment.lastSeq = records[records.length - 1]!.seq;
    // The batch is on disk whatever happens here: a segment that cannot be opened now is tried after the next write.
    if (this.size >= this.segmentBytes) await this.openSegment(segment.generation + 1).catch(() => undefined);
  }

  /** Given the last seq the database holds, deletes the closed segments whose records are all there. */
  async release(storedSeq: number): Promise<void> {
    while (this.segments.length > 1 && this.segments[0]!.lastSeq <= storedSeq) {
      const [segment] = this.segments.splice(0, 1);
      await fs.promises.rm(segment!.file, { force: true });
    }
  }

  /** The segment files, oldest first (the last is the one written to). */
  files(): string[] {
    return this.segments.map((segment) => segment.file);
  }

  /**
   * Given the last seq the database holds, closes the journal; when that covers everything written, its files
   * are deleted, since the database holds every record.
   */
  async close(storedSeq: number): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
    const written = Math.max(0, ...this.segments.map((segment) => segment.lastSeq));
    if (this.broken === null && written <= storedSeq) {
      for (const segment of this.segments.splice(0)) await fs.promises.rm(segment.file, { force: true });
    }
  }
}

import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { AuditRecordRow } from '../../db/gatewayRows';
import { AuditIntegrityError } from './errors';
import { recordHash } from './hashChain';
import { fieldSetKey } from './records';

/**
 * A segment is made this large, of zeros written to disk, before any record goes into it: a record then takes
 * the place of zeros and the file's size and blocks stay as they are, so that a write waits for its data alone,
 * not for the file system to grow the file and record its new size. A segment is
 * closed once its records fill it; the next one is made in the background meanwhile.
 */
const SEGMENT_BYTES = 16 * 1024 * 1024;

/** Each write returns once its bytes are on disk (O_DSYNC): one system call per batch. */
const WRITE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_DSYNC;

/** A segment's zeros are written a chunk at a time. */
const ZERO_CHUNK_BYTES = 1024 * 1024;

/**
 * The unit a disk writes whole: a write cut short by a crash leaves each of its sectors either written or as
 * the zeros it replaced, so zeros between two written parts end at a sector's boundary.
 */
const SECTOR_BYTES = 512;

/** One file of the journal: its generation (its place among the instance's files), path and last seq. */
interface Segment {
  generation: number;
  file: string;
  lastSeq: number;
}

/** A segment made ready to be written to: its zeros are on disk. */
interface MadeSegment {
  generation: number;
  file: string;
  handle: FileHandle;
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
    if (typeof row !== 'object' || row === null || typeof row.hash !== 'string' || recordHash(row) !== row.hash) return null;
    // Outside the hash, so derived again from the fields rather than taken from the line (which may predate it).
    row.field_set = fieldSetKey(row.fields_json);
    return row;
  } catch {
    return null;
  }
}

/** Given a segment's bytes and an offset, returns where the zeros from that offset end (the length for none after). */
function zerosEnd(bytes: Buffer, from: number): number {
  let offset = from;
  while (offset < bytes.length && bytes[offset] === 0) offset += 1;
  return offset;
}

/** Given a segment's bytes, returns the offset just past its last byte that is not zero (0 for none). */
function contentEnd(bytes: Buffer): number {
  const zeros = Buffer.alloc(Math.min(bytes.length, ZERO_CHUNK_BYTES));
  let end = bytes.length;
  // Whole chunks of zeros first, then byte by byte within the last chunk that is not all zeros.
  while (end >= zeros.length && zeros.length > 0 && bytes.subarray(end - zeros.length, end).equals(zeros)) end -= zeros.length;
  while (end > 0 && bytes[end - 1] === 0) end -= 1;
  return end;
}

/**
 * Given a segment's bytes and its file, returns its records and the length of its torn tail. Records are JSON
 * lines, and the segment is zeros past the last write. A write cut short by a crash leaves a prefix of its batch
 * at the end (a last line without its newline, or lines that do not hold a record), and may leave later sectors
 * of the batch written past one it left as zeros. Such a tail was never confirmed to any request. A bad line with
 * a good one after it, or zeros that do not end at a sector's boundary with records after them, are not a crash's
 * doing, and throw an AuditIntegrityError.
 */
function parseSegment(bytes: Buffer, file: string): { records: AuditRecordRow[]; tornBytes: number } {
  const firstZero = bytes.indexOf(0);
  const written = contentEnd(bytes);
  if (firstZero !== -1 && firstZero < written) {
    const resumes = zerosEnd(bytes, firstZero);
    if (resumes % SECTOR_BYTES !== 0) {
      throw new AuditIntegrityError(`the audit journal ${file} holds zero bytes at offset ${firstZero} followed by data, which no interrupted write leaves: the file was altered`);
    }
  }
  const text = bytes.toString('utf8', 0, firstZero === -1 ? bytes.length : firstZero);
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
  const goodBytes = Buffer.byteLength(firstBad === null ? text : text.slice(0, firstBad.offset));
  return { records, tornBytes: Math.max(0, written - goodBytes) };
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
  /** The next segment, being made or made already while the current one fills. */
  private spare: Promise<MadeSegment> | null = null;

  private constructor(
    private readonly directory: string,
    private readonly instance: string,
    private readonly segmentBytes: number,
  ) {}

  /**
   * Given the journal directory, an instance and the size of a segment (SEGMENT_BYTES unless a test says
   * otherwise), opens the instance's journal: returns it with the records its files hold. Throws an
   * AuditIntegrityError when a file was altered (see parseSegment).
   */
  static async open(directory: string, instance: string, segmentBytes = SEGMENT_BYTES): Promise<RecoveredJournal> {
    fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
    const journal = new AuditJournal(directory, instance, segmentBytes);
    const records: AuditRecordRow[] = [];
    let tornBytes = 0;
    for (const { generation, file } of segmentsOf(directory, instance)) {
      const parsed = parseSegment(await fs.promises.readFile(file), file);
      if (parsed.records.length === 0 && parsed.tornBytes === 0) {
        // Zeros only (a segment made ahead, or never written to): nothing to keep, and a gateway restarted over
        // and over must not pile them up.
        await fs.promises.rm(file, { force: true });
        continue;
      }
      records.push(...parsed.records);
      tornBytes += parsed.tornBytes;
      journal.segments.push({ generation, file, lastSeq: parsed.records.at(-1)?.seq ?? 0 });
    }
    // Writing resumes in a new file, after whatever torn tail the last one has.
    journal.use(await journal.makeSegment((journal.segments.at(-1)?.generation ?? 0) + 1));
    return { journal, records, tornBytes };
  }

  /**
   * Given a generation, creates its segment file (mode 0600) and writes segmentBytes of zeros to it, on disk
   * with its name; returns it opened for writes that return once on disk. A file left half made is removed.
   */
  private async makeSegment(generation: number): Promise<MadeSegment> {
    const file = path.join(this.directory, `${this.instance}.${String(generation).padStart(10, '0')}.journal`);
    try {
      const filling = await fs.promises.open(file, 'wx', 0o600);
      try {
        const zeros = Buffer.alloc(Math.min(this.segmentBytes, ZERO_CHUNK_BYTES));
        for (let offset = 0; offset < this.segmentBytes; offset += zeros.length) {
          await filling.write(zeros, 0, Math.min(zeros.length, this.segmentBytes - offset), offset);
        }
        await filling.datasync();
      } finally {
        await filling.close();
      }
      // The new name must survive a crash as well as what is written under it.
      const directory = await fs.promises.open(this.directory, 'r');
      try {
        await directory.sync();
      } finally {
        await directory.close();
      }
      return { generation, file, handle: await fs.promises.open(file, WRITE_FLAGS) };
    } catch (error) {
      await fs.promises.rm(file, { force: true });
      throw error;
    }
  }

  /** Given a segment made ready, writes to it from now on, and starts making the next one. */
  private use(segment: MadeSegment): void {
    void this.handle?.close().catch(() => undefined);
    this.handle = segment.handle;
    this.size = 0;
    this.segments.push({ generation: segment.generation, file: segment.file, lastSeq: 0 });
    this.makeSpare();
  }

  private makeSpare(): void {
    this.spare = this.makeSegment(this.segments.at(-1)!.generation + 1);
    // A failure is met when the spare is needed: the current segment then takes the next batches.
    this.spare.catch(() => undefined);
  }

  /**
   * Moves to the spare segment, once it is made. When it could not be made, the current segment goes on taking
   * batches (growing past its size) and another spare is begun: a batch on disk stays confirmed whatever happens here.
   */
  private async rotate(): Promise<void> {
    const spare = this.spare;
    this.spare = null;
    let segment: MadeSegment;
    try {
      segment = await spare!;
    } catch {
      this.makeSpare();
      return;
    }
    this.use(segment);
  }

  /**
   * Given a batch of records (consecutive seqs), writes them after the last batch; resolves once they are on
   * disk. On failure the zeros are written back where the batch began and the error thrown; when that fails too,
   * every later append throws at once (the journal is broken until the gateway restarts).
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
      while (written < buffer.length) written += (await handle.write(buffer, written, buffer.length - written, start + written)).bytesWritten;
    } catch (error) {
      await handle.write(Buffer.alloc(buffer.length), 0, buffer.length, start).catch((restoring: unknown) => {
        this.broken = new Error(`The audit journal ${this.segments.at(-1)!.file} could not be cut back after a failed write`, { cause: restoring });
      });
      throw error;
    }
    this.size = start + buffer.length;
    const segment = this.segments.at(-1)!;
    segment.lastSeq = records[records.length - 1]!.seq;
    if (this.size >= this.segmentBytes && this.spare) await this.rotate();
  }

  /** Given the last seq the database holds, deletes the closed segments whose records are all there. */
  async release(storedSeq: number): Promise<void> {
    while (this.segments.length > 1 && this.segments[0]!.lastSeq <= storedSeq) {
      const [segment] = this.segments.splice(0, 1);
      await fs.promises.rm(segment!.file, { force: true });
    }
  }

  /** The segment files, oldest first (the last is the one written to); the spare being made is not among them. */
  files(): string[] {
    return this.segments.map((segment) => segment.file);
  }

  /**
   * Given the last seq the database holds, closes the journal and removes its spare segment; when that seq covers
   * everything written, its files are deleted too, since the database holds every record.
   */
  async close(storedSeq: number): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
    const spare = await this.spare?.catch(() => null);
    this.spare = null;
    if (spare) {
      await spare.handle.close();
      await fs.promises.rm(spare.file, { force: true });
    }
    const written = Math.max(0, ...this.segments.map((segment) => segment.lastSeq));
    if (this.broken === null && written <= storedSeq) {
      for (const segment of this.segments.splice(0)) await fs.promises.rm(segment.file, { force: true });
    }
  }
}

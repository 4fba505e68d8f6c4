import fs from 'node:fs';
import path from 'node:path';

/** Error codes of a write refused for want of room: the file system's, and SQLite's. */
const NO_ROOM = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** Given an error, tells whether a write was refused for want of room on disk. */
export function isNoRoom(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NO_ROOM.has(code);
}

/** Given a directory that may not exist yet, returns the bytes an unprivileged writer may still use there, or null when unknown. */
export function freeBytes(directory: string): number | null {
  let existing = path.resolve(directory);
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  try {
    const stats = fs.statfsSync(existing);
    return Number(stats.bavail) * Number(stats.bsize);
  } catch {
    return null;
  }
}

/** The audit's files cannot be written for want of room: names the directory, the bytes it needs and those it has. */
export class AuditDiskError extends Error {
  constructor(
    readonly directory: string,
    readonly neededBytes: number,
    readonly availableBytes: number | null,
    cause?: unknown,
  ) {
    super(
      `The audit directory ${directory} has no room for the audit's files: they need at least ${neededBytes} bytes there, ` +
        `and ${availableBytes === null ? 'an unknown number' : availableBytes} are free. Personal data is refused (AUDIT_UNAVAILABLE) until there is room; open data is answered.`,
      { cause },
    );
    this.name = 'AuditDiskError';
  }
}

/** Given a directory and the bytes the audit's files need there, throws an AuditDiskError when fewer are free. */
export function assertRoom(directory: string, neededBytes: number): void {
  const available = freeBytes(directory);
  if (available !== null && available < neededBytes) throw new AuditDiskError(directory, neededBytes, available);
}

/** Given a directory, the bytes needed there and an error, returns it as an AuditDiskError when it says the disk is full, else as it is. */
export function explainNoRoom(directory: string, neededBytes: number, error: unknown): unknown {
  return isNoRoom(error) ? new AuditDiskError(directory, neededBytes, freeBytes(directory), error) : error;
}

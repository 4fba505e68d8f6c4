import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { getConfig } from './config';

/** pino's number for the debug level: lines above it are read by others than the developers. */
const DEBUG_LEVEL = 20;

/** How deep an error's causes are followed in a log line. */
const MAX_CAUSE_DEPTH = 3;

/**
 * A file path: a Unix one of two segments or more that is not part of a URL (no letter, digit, ":" or "/"
 * before it), or a Windows one.
 */
const FILE_PATH = /(?<![\w.:/-])(?:\/[\w.@+~-]+){2,}\/?|\b[A-Za-z]:\\(?:[^\\\s'"()]+\\)+[^\\\s'"()]*/g;

/** Given a text, returns it with every file path shortened to its last segment, so no install path is logged. */
export function withoutFilePaths(text: string): string {
  return text.replace(FILE_PATH, (found) => {
    const segments = found.split(/[\\/]/).filter(Boolean);
    return `…/${segments[segments.length - 1] ?? ''}`;
  });
}

/** What a log line above debug says of an error: its type, its code and its message, and as much of its causes. */
export interface LoggedError {
  type: string;
  code?: string;
  message: string;
  cause?: LoggedError;
}

/** Given anything thrown, returns what a log line says of it: never its stack, never a file path. */
export function describeError(error: unknown, depth = 0): LoggedError {
  if (typeof error !== 'object' || error === null) return { type: typeof error, message: withoutFilePaths(String(error)) };
  const { name, code, message, cause } = error as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
  const described: LoggedError = {
    type: typeof name === 'string' ? name : (error.constructor?.name ?? 'Object'),
    message: withoutFilePaths(typeof message === 'string' ? message : String(error)),
  };
  if (typeof code === 'string' || typeof code === 'number') described.code = String(code);
  if (cause !== undefined && depth < MAX_CAUSE_DEPTH) described.cause = describeError(cause, depth + 1);
  return described;
}

export interface LoggerOptions {
  level: string;
  /** Where the JSON lines go; standard output by default. */
  destination?: DestinationStream;
}

/**
 * Given a level (and, for tests, a destination), returns a root logger of JSON lines whose `err` says an error's
 * type, code and message. The stack, with its install paths, goes only to a debug line of its own that follows,
 * when debug is on: lines above debug are shipped to others (the province's log store, its operators).
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      redact: { paths: ['password', '*.password', 'authorization', '*.authorization', 'headers.authorization'], censor: '[redacted]' },
      serializers: { err: (error: unknown) => describeError(error) },
      hooks: {
        logMethod(args, method, level) {
          method.apply(this, args);
          const [first] = args as unknown[];
          const error = first instanceof Error ? first : typeof first === 'object' && first !== null ? (first as { err?: unknown }).err : undefined;
          const stack = typeof error === 'object' && error !== null ? (error as { stack?: unknown }).stack : undefined;
          if (level > DEBUG_LEVEL && typeof stack === 'string' && this.isLevelEnabled('debug')) this.debug({ stack }, 'stack of the error logged before');
        },
      },
    },
    options.destination,
  );
}

let root: Logger | undefined;

/** Given a component name, returns a child of the one process logger (JSON lines on stdout). */
export function getLogger(component: string): Logger {
  root ??= createLogger({ level: getConfig().logLevel });
  return root.child({ component });
}

/** The access log writes its lines together once this many bytes wait: one write for several requests. */
const ACCESS_MIN_WRITE_BYTES = 2048;
/** The most one write of the access log carries: whole lines within a pipe's atomic write, never interleaved with another writer's. */
const ACCESS_MAX_WRITE_BYTES = 4096;
/** How long an access line waits at most for others before it is written. */
export const ACCESS_FLUSH_MS = 250;

let access: Logger | undefined;

/**
 * Given a component (`access` by default), returns a logger of the access log (JSON lines on stdout, as the
 * process logger's): a line per request, written in groups of at least ACCESS_MIN_WRITE_BYTES or every
 * ACCESS_FLUSH_MS, since a write per line costs more than the line itself. What waits is written when the process
 * exits; a kill -9 loses at most that, never an audit record, which is durable before its answer.
 */
export function getAccessLogger(component = 'access'): Logger {
  if (!access) {
    const destination = pino.destination({ dest: 1, sync: false, minLength: ACCESS_MIN_WRITE_BYTES, maxWrite: ACCESS_MAX_WRITE_BYTES });
    // Flushed only when a line came since the last flush: an idle process makes no write at all.
    let lineSinceFlush = false;
    setInterval(() => {
      if (!lineSinceFlush) return;
      lineSinceFlush = false;
      destination.flush();
    }, ACCESS_FLUSH_MS).unref();
    const lines = {
      write(line: string) {
        lineSinceFlush = true;
        return destination.write(line);
      },
    };
    access = createLogger({ level: getConfig().logLevel, destination: lines });
  }
  return access.child({ component });
}

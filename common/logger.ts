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

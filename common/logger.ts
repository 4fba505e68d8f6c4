import pino from 'pino';
import type { Logger } from 'pino';
import { getConfig } from './config';

let root: Logger | undefined;

/** Given a component name, returns a child of the one process logger (JSON lines on stdout). */
export function getLogger(component: string): Logger {
  root ??= pino({
    level: getConfig().logLevel,
    base: { pid: process.pid },
    redact: { paths: ['password', '*.password', 'authorization', '*.authorization', 'headers.authorization'], censor: '[redacted]' },
  });
  return root.child({ component });
}

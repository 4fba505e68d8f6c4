import path from 'node:path';
import { createLogger, describeError, withoutFilePaths } from '../../common/logger';

/** Given a level, returns a logger whose lines are collected, parsed, in an array. */
function capturedLogger(level: string): { logger: ReturnType<typeof createLogger>; lines: Array<Record<string, any>> } {
  const lines: Array<Record<string, any>> = [];
  const logger = createLogger({ level, destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, any>) } });
  return { logger, lines };
}

/** An error as a driver throws it: a code, a message naming a file, a stack through the install directory. */
function driverError(): Error {
  const error = Object.assign(new Error(`SQLITE_CANTOPEN: unable to open ${path.resolve('data/land.sqlite')}`), { code: 'SQLITE_CANTOPEN' });
  return new Error('the audit store cannot be written', { cause: error });
}

describe('the process logger', () => {
  it('logs an error above debug by its type, code and message, with no stack and no file path', () => {
    const { logger, lines } = capturedLogger('info');
    logger.child({ component: 'gateway' }).warn({ subgraph: 'land', err: driverError() }, 'subgraph call failed');
    logger.error(driverError());
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 40,
      component: 'gateway',
      subgraph: 'land',
      msg: 'subgraph call failed',
      err: {
        type: 'Error',
        message: 'the audit store cannot be written',
        cause: { type: 'Error', code: 'SQLITE_CANTOPEN', message: 'SQLITE_CANTOPEN: unable to open …/land.sqlite' },
      },
    });
    for (const line of lines) {
      const text = JSON.stringify(line);
      expect(text).not.toContain('stack');
      expect(text).not.toContain(process.cwd());
      expect(text).not.toMatch(/\bat .+:\d+:\d+/);
    }
  });

  it('writes the stack on a debug line of its own, and only when debug is on', () => {
    const { logger, lines } = capturedLogger('debug');
    logger.warn({ err: driverError() }, 'subgraph call failed');
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [40, 'subgraph call failed'],
      [20, 'stack of the error logged before'],
    ]);
    expect(lines[0]!.err.stack).toBeUndefined();
    expect(lines[1]!.stack).toMatch(/logger\.test\.ts/);
  });

  it('logs the redacted fields as before', () => {
    const { logger, lines } = capturedLogger('info');
    logger.info({ headers: { authorization: 'Bearer dsp_x_y' } }, 'request');
    expect(lines[0]!.headers.authorization).toBe('[redacted]');
  });
});

describe('withoutFilePaths', () => {
  it.each([
    ["ENOENT: no such file or directory, open '/srv/dsp/data/audit/gateway-ed25519.pem'", "ENOENT: no such file or directory, open '…/gateway-ed25519.pem'"],
    ['C:\\dsp\\node_modules\\knex\\lib\\client.js failed', '…/client.js failed'],
    ['connect ECONNREFUSED 127.0.0.1:4003', 'connect ECONNREFUSED 127.0.0.1:4003'],
    ['no answer from http://10.0.0.5:4003/graphql/ready', 'no answer from http://10.0.0.5:4003/graphql/ready'],
    ['a ratio 3/4 and and/or', 'a ratio 3/4 and and/or'],
  ])('%s', (given, expected) => {
    expect(withoutFilePaths(given)).toBe(expected);
  });
});

describe('describeError', () => {
  it('describes what is not an Error too', () => {
    expect(describeError('a string')).toEqual({ type: 'string', message: 'a string' });
    expect(describeError({ code: 'E1', message: 'odd' })).toEqual({ type: 'Object', code: 'E1', message: 'odd' });
  });
});

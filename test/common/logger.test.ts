import { spawn } from 'node:child_process';
import path from 'node:path';
import { ACCESS_FLUSH_MS, createLogger, describeError, withoutFilePaths } from '../../common/logger';

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

describe('the access log', () => {
  /** Given a script's body run in a child over common/logger.ts, returns what it wrote to stdout, as lines, and when (ms since the epoch) each chunk came. */
  function runChild(body: string): Promise<{ lines: Array<Record<string, any>>; chunks: Array<{ at: number; text: string }> }> {
    const script = `const { getAccessLogger } = require(${JSON.stringify(path.resolve('common/logger.ts'))});\nconst access = getAccessLogger();\n${body}`;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], {
        env: { ...process.env, LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const chunks: Array<{ at: number; text: string }> = [];
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (text: string) => chunks.push({ at: Date.now(), text }));
      child.on('error', reject);
      child.on('close', () => {
        const lines = chunks
          .map((chunk) => chunk.text)
          .join('')
          .split('\n')
          .filter((line) => line.length > 0)
          .map((line) => JSON.parse(line) as Record<string, any>);
        resolve({ lines, chunks });
      });
    });
  }

  it('writes a lone line within its flush interval, without waiting for others to fill a write', async () => {
    const exitAfterMs = ACCESS_FLUSH_MS * 8;
    const { lines, chunks } = await runChild(`access.info({ requestId: 'r-1' }, 'request');\nsetTimeout(() => process.exit(0), ${exitAfterMs});`);
    expect(lines).toEqual([expect.objectContaining({ component: 'access', requestId: 'r-1', msg: 'request' })]);
    // Written by the flush timer, well before the exit would have written it.
    expect(chunks[0]!.at - lines[0]!.time).toBeLessThan(exitAfterMs / 2);
  });

  it('writes every line that waits when the process exits, whole and in order', async () => {
    const { lines } = await runChild(`for (let i = 0; i < 500; i++) access.info({ requestId: 'r-' + i, latencyMs: i }, 'request');\nprocess.exit(0);`);
    expect(lines).toHaveLength(500);
    expect(lines.map((line) => line.requestId)).toEqual(Array.from({ length: 500 }, (_, index) => `r-${index}`));
  });
});

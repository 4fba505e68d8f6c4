import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { loadConfig } from '../../common/config';
import { Checkpointer } from '../../gateway/audit/checkpointer';
import { GENESIS_HASH } from '../../gateway/audit/hashChain';
import { checkpointDigest } from '../../gateway/audit/timestamp/digest';
import type { TokenLine } from '../../gateway/audit/timestamp/timestampFile';
import { readPins } from '../../gateway/audit/trustAnchor';
import { commandEnvironment } from '../helpers/database';
import { startLocalTsa } from '../helpers/localTsa';
import { appendRecords } from './auditHelpers';
import { LATER, useTimestampWorld } from './timestampFixture';
import { configProblems } from '../helpers/configProblems';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** The gateway's side: every checkpoint is sent to the TSA, its token kept, and a TSA that fails never stops the gateway. */
describe('RFC 3161 time-stamps of the checkpoints', () => {
  const world = useTimestampWorld();
  const { linesOf, untilLines, checkpointsOf, writeLines, stampedTrail, verified, problemOf } = world;

  it('sends each checkpoint as a TimeStampReq with a nonce and certReq, keeps the token, and the verifier accepts it', async () => {
    const before = world.tsa.requests.length;
    await stampedTrail('ts-sound');
    const checkpoints = await checkpointsOf('ts-sound');
    expect(checkpoints.map((checkpoint) => checkpoint.reason)).toEqual(['START', 'INTERVAL', 'STOP']);
    const lines = (await linesOf('ts-sound')) as TokenLine[];
    expect(lines.map((line) => [line.kind, line.seq, line.digest])).toEqual(
      checkpoints.map((checkpoint) => ['TOKEN', checkpoint.seq, checkpointDigest(checkpoint)]),
    );
    const requests = world.tsa.requests.slice(before);
    expect(requests).toHaveLength(3);
    for (const { contentType, request } of requests) {
      expect(contentType).toBe('application/timestamp-query');
      expect(request.certReq).toBe(true);
      expect(request.nonce).toBeDefined();
    }
    expect(new Set(lines.map((line) => line.nonce)).size).toBe(3);
    const verification = await verified('ts-sound', LATER);
    expect(verification.sound).toBe(true);
    expect(verification.instances[0]).toMatchObject({ records: 5, checkpoints: 3, timestamped: 3, untimestamped: 0, problem: null });
  });

  it('refuses at the gateway a token signed with a certificate not issued for time-stamping', async () => {
    const anyPurpose = await startLocalTsa({ directory: path.join(world.fixture.directory, 'tsa'), name: 'TSA without its purpose', timeStamping: false });
    try {
      await stampedTrail('ts-purpose', { url: anyPurpose.url, certificateFile: anyPurpose.certificateFile });
      const lines = await linesOf('ts-purpose');
      // START, INTERVAL and STOP: each written down as not time-stamped.
      expect(lines.map((line) => line.seq)).toEqual([0, 3, 5]);
      for (const line of lines)
        expect(line).toMatchObject({ kind: 'UNTIMESTAMPED', failure: 'INVALID', reason: expect.stringMatching(/not issued for time-stamping/) });
    } finally {
      await anyPurpose.close();
    }
  });

  it('refuses at the gateway a token whose genTime lies beyond the tolerance, and writes the failure down', async () => {
    world.tsa.genTime = () => new Date(Date.now() - 3_600_000);
    const log = await world.fixture.startLog('ts-skewed', { config: { timestamping: world.timestamping } });
    await appendRecords(log, 1);
    await log.stop();
    const lines = await linesOf('ts-skewed');
    expect(lines.every((line) => line.kind === 'UNTIMESTAMPED' && line.failure === 'INVALID')).toBe(true);
    expect(lines.length).toBeGreaterThan(0);
  });

  it.each(['GARBAGE', 'REJECT', 'HTTP_ERROR', 'WRONG_DIGEST'] as const)(
    'keeps serving when the TSA answers %s, writes the failure down, and asks again until a token comes',
    async (mode) => {
      const instance = `ts-${mode.toLowerCase().replace('_', '-')}`;
      world.tsa.mode = mode;
      const log = await world.fixture.startLog(instance, { config: { timestamping: world.timestamping } });
      await expect(appendRecords(log, 2)).resolves.toEqual([1, 2]);
      expect(log.acceptingRecords).toBe(true);
      await expect(log.checkpoint('INTERVAL')).resolves.toMatchObject({ seq: 2 });
      // The START checkpoint's failure and the INTERVAL one's, each written down once.
      await untilLines(instance, (lines) => lines.length === 2);
      const failure = mode === 'GARBAGE' || mode === 'WRONG_DIGEST' ? 'INVALID' : 'REFUSED';
      expect(await linesOf(instance)).toEqual([
        expect.objectContaining({ kind: 'UNTIMESTAMPED', failure, seq: 0 }),
        expect.objectContaining({ kind: 'UNTIMESTAMPED', failure, seq: 2 }),
      ]);
      // Nothing covers the last checkpoint yet: the verifier says so once its token can no longer come.
      expect(await problemOf(instance)).toMatchObject({ kind: 'TIMESTAMP', message: expect.stringMatching(/could not be time-stamped/) });
      world.tsa.mode = 'GRANT';
      // Asked again: the INTERVAL checkpoint gets its token, without another checkpoint.
      await untilLines(instance, (lines) => lines.some((line) => line.kind === 'TOKEN' && line.seq === 2));
      await log.stop();
      const verification = await verified(instance, LATER);
      expect(verification.instances[0]!.problem).toBeNull();
      expect(verification.instances[0]!.timestamped).toBeGreaterThan(0);
    },
  );

  it('keeps serving when the TSA cannot be reached, and the verifier reports the checkpoints it left without a token', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const log = await world.fixture.startLog('ts-unreachable', {
      config: { timestamping: { ...world.timestamping, url: `http://127.0.0.1:${port}/tsa`, timeoutMs: 500 } },
    });
    await expect(appendRecords(log, 2)).resolves.toEqual([1, 2]);
    await log.stop();
    const lines = await linesOf('ts-unreachable');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.kind === 'UNTIMESTAMPED' && line.failure === 'UNREACHABLE')).toBe(true);
    expect(await problemOf('ts-unreachable')).toMatchObject({ kind: 'TIMESTAMP', message: expect.stringMatching(/could not be time-stamped \(UNREACHABLE/) });
    // A later start, with the TSA back, time-stamps a checkpoint whose tree head holds every earlier record.
    const next = await world.fixture.startLog('ts-unreachable', { config: { timestamping: world.timestamping } });
    await next.stop();
    expect((await linesOf('ts-unreachable')).filter((line) => line.kind === 'TOKEN')).toHaveLength(2);
    const verification = await verified('ts-unreachable', LATER);
    expect(verification.instances[0]).toMatchObject({ problem: null, timestamped: 2 });
    expect(verification.instances[0]!.untimestamped).toBeGreaterThan(0);
  });

  it('signs the same head again at the next interval once a checkpoint can no longer be time-stamped in time', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = { ...world.timestamping, url: `http://127.0.0.1:${port}/tsa`, timeoutMs: 200, toleranceMs: 1000 };
    const sealer = new Checkpointer({
      instance: 'ts-resign',
      config: world.fixture.config('ts-resign', { timestamping: down }),
      createKey: true,
      now: () => new Date(),
    });
    sealer.loadKey();
    const head = () => ({ seq: 0, hash: GENESIS_HASH });
    await sealer.checkpoint('START', head);
    await untilLines('ts-resign', (lines) => lines.length > 0);
    // Asked again (AUDIT_RETRY_MS, doubling) until an answer could no longer come within the tolerance of its time.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await linesOf('ts-resign')).toEqual([expect.objectContaining({ kind: 'UNTIMESTAMPED', failure: 'UNREACHABLE', seq: 0 })]);
    await expect(sealer.checkpoint('INTERVAL', head)).resolves.toMatchObject({ seq: 0, reason: 'INTERVAL' });
    await sealer.close();
  });

  it('npm run audit:verify checks the tokens with AUDIT_TSA_CERTIFICATE, and fails on one that does not verify', async () => {
    await stampedTrail('ts-script');
    const audit = world.fixture.config('any');
    const env = commandEnvironment(world.fixture.databases.config, {
      AUDIT_DIRECTORY: audit.checkpointDirectory,
      AUDIT_SIGNING_KEY_FILE: audit.signingKeyFile,
      AUDIT_TRUSTED_KEYS: readPins(audit.pinFile).gatewayKeys.join(','),
      AUDIT_VERIFIER_STATE: path.join(world.fixture.directory, 'script-verifier', 'state.json'),
      AUDIT_TSA_URL: world.tsa.url,
      AUDIT_TSA_CERTIFICATE: world.tsa.certificateFile,
    });
    const run = (): Promise<{ code: number; stdout: string }> =>
      new Promise((resolve) => {
        execFile(TSX, ['scripts/audit-verify.ts', '--instance', 'ts-script'], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }),
        );
      });
    const sound = await run();
    expect(sound.stdout).toMatch(
      /instance ts-script: 5 sound record\(s\), 3 checkpoint\(s\) \(3 time-stamped, 0 without a token yet or covered by a later one\) up to seq 5: sound/,
    );
    expect(sound.code).toBe(0);
    const [start, interval, stop] = (await linesOf('ts-script')) as TokenLine[];
    writeLines('ts-script', [start!, { ...interval!, response: stop!.response }, stop!]);
    const damaged = await run();
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toMatch(/FIRST BAD RECORD: instance ts-script seq 3 \(TIMESTAMP\): the time-stamp token of the checkpoint of .* is not valid/);
  });

  it('refuses a configuration that names a TSA without its certificate, a bad policy, or a certificate beside the checkpoints', () => {
    const problems = configProblems;
    expect(problems({ AUDIT_TSA_URL: 'https://world.tsa.example.vn/tsr' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/AUDIT_TSA_CERTIFICATE .* is required/)]),
    );
    expect(problems({ AUDIT_TSA_URL: 'https://world.tsa.example.vn/tsr', AUDIT_TSA_CERTIFICATE: '/etc/world.tsa.pem', AUDIT_TSA_POLICY: 'policy' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/AUDIT_TSA_POLICY must be an OID/)]),
    );
    expect(
      problems({ AUDIT_DIRECTORY: '/var/audit', AUDIT_TSA_URL: 'https://world.tsa.example.vn/tsr', AUDIT_TSA_CERTIFICATE: '/var/audit/world.tsa.pem' }),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/must lie outside AUDIT_DIRECTORY/)]));
    const config = loadConfig({ AUDIT_TSA_URL: 'https://world.tsa.example.vn/tsr', AUDIT_TSA_CERTIFICATE: '/etc/world.tsa.pem', AUDIT_TSA_TIMEOUT_MS: '3000' });
    expect(config.audit.timestamping).toEqual({
      url: 'https://world.tsa.example.vn/tsr',
      certificateFile: '/etc/world.tsa.pem',
      policy: null,
      timeoutMs: 3000,
      toleranceMs: 300000,
      since: null,
    });
    const tsa = { AUDIT_TSA_URL: 'https://world.tsa.example.vn/tsr', AUDIT_TSA_CERTIFICATE: '/etc/world.tsa.pem' };
    expect(problems({ ...tsa, AUDIT_TSA_SINCE: 'last spring' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/AUDIT_TSA_SINCE must be an ISO-8601/)]),
    );
    expect(loadConfig({ ...tsa, AUDIT_TSA_SINCE: '2027-01-01T00:00:00+07:00' }).audit.timestamping!.since).toBe('2027-01-01T00:00:00+07:00');
    expect(loadConfig({}).audit.timestamping).toBeNull();
  });
});

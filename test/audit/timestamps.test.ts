import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ConfigError, TimestampingConfig } from '../../common/config';
import { loadConfig } from '../../common/config';
import { Checkpointer } from '../../gateway/audit/checkpointer';
import { checkpointFile, loadOrCreateSigningKey, readCheckpoints } from '../../gateway/audit/checkpoints';
import { GENESIS_HASH } from '../../gateway/audit/hashChain';
import { checkpointDigest } from '../../gateway/audit/timestamp/digest';
import type { TimestampLine, TokenLine } from '../../gateway/audit/timestamp/timestampFile';
import { readTimestampLines, signedUntimestamped, timestampFile } from '../../gateway/audit/timestamp/timestampFile';
import { timestampTrustOf } from '../../gateway/audit/timestamp/trust';
import type { AuditProblem } from '../../gateway/audit/verify';
import type { LocalTsa } from '../helpers/localTsa';
import { startLocalTsa, withGenTime } from '../helpers/localTsa';
import type { AuditFixture } from './auditHelpers';
import { appendRecords, createAuditFixture } from './auditHelpers';

/** Past the tolerance: a checkpoint without a token then can no longer be waiting for one. */
const LATER = () => new Date(Date.now() + 10 * 60_000);

describe('RFC 3161 time-stamps of the checkpoints', () => {
  let fixture: AuditFixture;
  let tsa: LocalTsa;
  let otherTsa: LocalTsa;
  let timestamping: TimestampingConfig;

  beforeAll(async () => {
    fixture = await createAuditFixture();
    tsa = await startLocalTsa({ directory: path.join(fixture.directory, 'tsa') });
    otherTsa = await startLocalTsa({ directory: path.join(fixture.directory, 'tsa'), name: 'Other TSA' });
    timestamping = { url: tsa.url, certificateFile: tsa.certificateFile, policy: null, timeoutMs: 2000, toleranceMs: 300_000 };
  });

  afterEach(() => {
    tsa.mode = 'GRANT';
    tsa.genTime = null;
  });

  afterAll(async () => {
    await Promise.all([tsa?.close(), otherTsa?.close()]);
    await fixture?.destroy();
  });

  const directory = () => fixture.config('any').checkpointDirectory;
  /** Given an instance, returns the lines of its time-stamp file, in the order of their checkpoints. */
  const linesOf = async (instance: string): Promise<TimestampLine[]> =>
    (await readTimestampLines(timestampFile(directory(), instance))).map((line) => line.entry!).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  /** Given a condition on an instance's lines, waits (up to 5 s) until they meet it. */
  async function untilLines(instance: string, condition: (lines: TimestampLine[]) => boolean): Promise<void> {
    for (let waited = 0; waited < 5000; waited += 20) {
      if (condition(await linesOf(instance))) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`the time-stamp lines of ${instance} did not come within 5 s`);
  }
  const checkpointsOf = async (instance: string) => (await readCheckpoints(checkpointFile(directory(), instance))).map((line) => line.checkpoint!);
  const writeLines = (instance: string, lines: readonly TimestampLine[]) =>
    fs.writeFileSync(timestampFile(directory(), instance), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));

  /** Given an instance, writes a time-stamped trail: START, records, an INTERVAL checkpoint, more records, STOP. */
  async function stampedTrail(instance: string, settings: Partial<TimestampingConfig> = {}): Promise<void> {
    const log = await fixture.startLog(instance, { config: { timestamping: { ...timestamping, ...settings } } });
    await appendRecords(log, 3);
    await log.checkpoint('INTERVAL');
    await appendRecords(log, 2, '2026-03-01T09:00:00.000Z');
    await log.stop();
  }

  async function verified(instance: string, now?: () => Date) {
    return fixture.verify(instance, undefined, { timestamps: timestampTrustOf(timestamping), ...(now ? { now } : {}) });
  }

  async function problemOf(instance: string, now: () => Date = LATER): Promise<AuditProblem | null> {
    const verification = await verified(instance, now);
    expect(verification.sound).toBe(verification.instances[0]!.problem === null);
    return verification.instances[0]!.problem;
  }

  it('sends each checkpoint as a TimeStampReq with a nonce and certReq, keeps the token, and the verifier accepts it', async () => {
    const before = tsa.requests.length;
    await stampedTrail('ts-sound');
    const checkpoints = await checkpointsOf('ts-sound');
    expect(checkpoints.map((checkpoint) => checkpoint.reason)).toEqual(['START', 'INTERVAL', 'STOP']);
    const lines = (await linesOf('ts-sound')) as TokenLine[];
    expect(lines.map((line) => [line.kind, line.seq, line.digest])).toEqual(
      checkpoints.map((checkpoint) => ['TOKEN', checkpoint.seq, checkpointDigest(checkpoint)]),
    );
    const requests = tsa.requests.slice(before);
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

  it('accepts a token whose TSA certificate chains to the configured CA, and refuses one of a TSA under another CA', async () => {
    const [underCa, underOtherCa] = await Promise.all([
      startLocalTsa({ directory: path.join(fixture.directory, 'tsa'), name: 'TSA under a CA', issuedByCa: true }),
      startLocalTsa({ directory: path.join(fixture.directory, 'tsa'), name: 'TSA under another CA', issuedByCa: true }),
    ]);
    try {
      const settings = { url: underCa.url, certificateFile: underCa.certificateFile };
      await stampedTrail('ts-chain', settings);
      const trust = timestampTrustOf({ ...timestamping, ...settings });
      const verification = await fixture.verify('ts-chain', undefined, { timestamps: trust, now: LATER });
      expect(verification.instances[0]).toMatchObject({ problem: null, timestamped: 3 });
      const [start, interval, stop] = (await linesOf('ts-chain')) as TokenLine[];
      const foreign = await underOtherCa.issue(interval!.digest, interval!.nonce, new Date(interval!.at));
      writeLines('ts-chain', [start!, { ...interval!, response: foreign.toString('base64') }, stop!]);
      const forged = await fixture.verify('ts-chain', undefined, { timestamps: trust, now: LATER });
      expect(forged.instances[0]!.problem).toMatchObject({
        kind: 'TIMESTAMP',
        seq: interval!.seq,
        message: expect.stringMatching(/does not verify against the configured TSA certificate/),
      });
    } finally {
      await Promise.all([underCa.close(), underOtherCa.close()]);
    }
  });

  it('refuses at the gateway a token signed with a certificate not issued for time-stamping', async () => {
    const anyPurpose = await startLocalTsa({ directory: path.join(fixture.directory, 'tsa'), name: 'TSA without its purpose', timeStamping: false });
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

  it('asks for the configured policy and refuses a token of another', async () => {
    const policy = '1.3.6.1.4.1.99999.1';
    await stampedTrail('ts-policy', { policy });
    expect(tsa.requests[tsa.requests.length - 1]!.request.reqPolicy).toBe(policy);
    const trust = { ...timestampTrustOf(timestamping), policy: '1.3.6.1.4.1.99999.2' };
    const verification = await fixture.verify('ts-policy', undefined, { timestamps: trust, now: LATER });
    expect(verification.instances[0]!.problem).toMatchObject({
      kind: 'TIMESTAMP',
      message: expect.stringMatching(/issued under policy 1\.3\.6\.1\.4\.1\.99999\.1, not/),
    });
  });

  it('catches a token for another digest', async () => {
    await stampedTrail('ts-digest');
    const [start, interval, stop] = (await linesOf('ts-digest')) as TokenLine[];
    const forged = await tsa.issue('ab'.repeat(32), interval!.nonce, new Date(interval!.at));
    writeLines('ts-digest', [start!, { ...interval!, response: forged.toString('base64') }, stop!]);
    expect(await problemOf('ts-digest')).toMatchObject({
      kind: 'TIMESTAMP',
      seq: interval!.seq,
      message: expect.stringMatching(/messageImprint is not the digest of this checkpoint/),
    });
  });

  it('catches a line moved to a checkpoint the file does not hold', async () => {
    await stampedTrail('ts-moved');
    const [start, interval, stop] = (await linesOf('ts-moved')) as TokenLine[];
    writeLines('ts-moved', [start!, { ...interval!, digest: 'cd'.repeat(32) }, stop!]);
    expect(await problemOf('ts-moved')).toMatchObject({ kind: 'TIMESTAMP', message: expect.stringMatching(/that the checkpoint file does not hold/) });
  });

  it('catches a token signed by another TSA key', async () => {
    await stampedTrail('ts-other-key');
    const [start, interval, stop] = (await linesOf('ts-other-key')) as TokenLine[];
    const forged = await otherTsa.issue(interval!.digest, interval!.nonce, new Date(interval!.at));
    writeLines('ts-other-key', [start!, { ...interval!, response: forged.toString('base64') }, stop!]);
    expect(await problemOf('ts-other-key')).toMatchObject({
      kind: 'TIMESTAMP',
      seq: interval!.seq,
      message: expect.stringMatching(/does not verify against the configured TSA certificate/),
    });
  });

  it('catches a TSTInfo whose genTime was altered after signing', async () => {
    await stampedTrail('ts-tampered');
    const [start, interval, stop] = (await linesOf('ts-tampered')) as TokenLine[];
    const tampered = withGenTime(Buffer.from(interval!.response, 'base64'), new Date(Date.parse(interval!.at) - 1000));
    writeLines('ts-tampered', [start!, { ...interval!, response: tampered.toString('base64') }, stop!]);
    const problem = await problemOf('ts-tampered');
    expect(problem).toMatchObject({ kind: 'TIMESTAMP', seq: interval!.seq, message: expect.stringMatching(/does not verify|was altered/) });
  });

  it("catches a genuine token whose genTime lies beyond the tolerance of its checkpoint's time", async () => {
    await stampedTrail('ts-late');
    const [start, interval, stop] = (await linesOf('ts-late')) as TokenLine[];
    const late = await tsa.issue(interval!.digest, interval!.nonce, new Date(Date.parse(interval!.at) + 3_600_000));
    writeLines('ts-late', [start!, { ...interval!, response: late.toString('base64') }, stop!]);
    expect(await problemOf('ts-late')).toMatchObject({ kind: 'TIMESTAMP', message: expect.stringMatching(/beyond the tolerance of 300 s/) });
  });

  it('refuses at the gateway a token whose genTime lies beyond the tolerance, and writes the failure down', async () => {
    tsa.genTime = () => new Date(Date.now() - 3_600_000);
    const log = await fixture.startLog('ts-skewed', { config: { timestamping } });
    await appendRecords(log, 1);
    await log.stop();
    const lines = await linesOf('ts-skewed');
    expect(lines.every((line) => line.kind === 'UNTIMESTAMPED' && line.failure === 'INVALID')).toBe(true);
    expect(lines.length).toBeGreaterThan(0);
  });

  it('catches a token removed while a TSA is configured, once it can no longer be on its way', async () => {
    await stampedTrail('ts-removed');
    const [start, interval, stop] = await linesOf('ts-removed');
    writeLines('ts-removed', [start!, stop!]);
    expect(await problemOf('ts-removed')).toMatchObject({
      kind: 'TIMESTAMP',
      seq: interval!.seq,
      message: expect.stringMatching(/holds no time-stamp token.*removed/),
    });
    // Within the tolerance, the gateway may still be waiting for the TSA's answer.
    expect(await problemOf('ts-removed', () => new Date())).toBeNull();
  });

  it('catches the whole time-stamp file removed', async () => {
    await stampedTrail('ts-no-file');
    fs.rmSync(timestampFile(directory(), 'ts-no-file'));
    expect(await problemOf('ts-no-file')).toMatchObject({
      kind: 'TIMESTAMP',
      message: expect.stringMatching(/holds a time-stamp, though a TSA is configured/),
    });
  });

  it('catches a token replayed from an earlier checkpoint', async () => {
    await stampedTrail('ts-replayed');
    const [start, interval, stop] = (await linesOf('ts-replayed')) as TokenLine[];
    writeLines('ts-replayed', [start!, interval!, { ...stop!, nonce: start!.nonce, response: start!.response }]);
    expect(await problemOf('ts-replayed')).toMatchObject({ kind: 'TIMESTAMP', seq: stop!.seq, message: expect.stringMatching(/replayed/) });
    writeLines('ts-replayed', [start!, interval!, { ...stop!, response: interval!.response }]);
    expect(await problemOf('ts-replayed')).toMatchObject({ kind: 'TIMESTAMP', seq: stop!.seq, message: expect.stringMatching(/messageImprint|nonce/) });
  });

  it('catches a line saying a checkpoint could not be time-stamped that the gateway did not sign', async () => {
    await stampedTrail('ts-forged-failure');
    const [start, interval, stop] = (await linesOf('ts-forged-failure')) as TokenLine[];
    const strangerKey = loadOrCreateSigningKey(path.join(fixture.directory, 'stranger', 'key.pem'), true);
    const { instance, seq, at, digest } = stop!;
    const forged = signedUntimestamped({ instance, seq, at, digest, failure: 'UNREACHABLE', reason: 'down' }, strangerKey);
    writeLines('ts-forged-failure', [start!, interval!, forged]);
    expect(await problemOf('ts-forged-failure')).toMatchObject({ kind: 'TIMESTAMP', seq: stop!.seq, message: expect.stringMatching(/forged/) });
  });

  it.each(['GARBAGE', 'REJECT', 'HTTP_ERROR', 'WRONG_DIGEST'] as const)(
    'keeps serving when the TSA answers %s, writes the failure down, and asks again until a token comes',
    async (mode) => {
      const instance = `ts-${mode.toLowerCase().replace('_', '-')}`;
      tsa.mode = mode;
      const log = await fixture.startLog(instance, { config: { timestamping } });
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
      tsa.mode = 'GRANT';
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
    const log = await fixture.startLog('ts-unreachable', {
      config: { timestamping: { ...timestamping, url: `http://127.0.0.1:${port}/tsa`, timeoutMs: 500 } },
    });
    await expect(appendRecords(log, 2)).resolves.toEqual([1, 2]);
    await log.stop();
    const lines = await linesOf('ts-unreachable');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.kind === 'UNTIMESTAMPED' && line.failure === 'UNREACHABLE')).toBe(true);
    expect(await problemOf('ts-unreachable')).toMatchObject({ kind: 'TIMESTAMP', message: expect.stringMatching(/could not be time-stamped \(UNREACHABLE/) });
    // A later start, with the TSA back, time-stamps a checkpoint whose tree head holds every earlier record.
    const next = await fixture.startLog('ts-unreachable', { config: { timestamping } });
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
    const down = { ...timestamping, url: `http://127.0.0.1:${port}/tsa`, timeoutMs: 200, toleranceMs: 1000 };
    const sealer = new Checkpointer({
      instance: 'ts-resign',
      config: fixture.config('ts-resign', { timestamping: down }),
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

  it('refuses a configuration that names a TSA without its certificate, a bad policy, or a certificate beside the checkpoints', () => {
    const problems = (environment: Record<string, string>) => {
      try {
        loadConfig(environment);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ AUDIT_TSA_URL: 'https://tsa.example.vn/tsr' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/AUDIT_TSA_CERTIFICATE .* is required/)]),
    );
    expect(problems({ AUDIT_TSA_URL: 'https://tsa.example.vn/tsr', AUDIT_TSA_CERTIFICATE: '/etc/tsa.pem', AUDIT_TSA_POLICY: 'policy' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/AUDIT_TSA_POLICY must be an OID/)]),
    );
    expect(problems({ AUDIT_DIRECTORY: '/var/audit', AUDIT_TSA_URL: 'https://tsa.example.vn/tsr', AUDIT_TSA_CERTIFICATE: '/var/audit/tsa.pem' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/must lie outside AUDIT_DIRECTORY/)]),
    );
    const config = loadConfig({ AUDIT_TSA_URL: 'https://tsa.example.vn/tsr', AUDIT_TSA_CERTIFICATE: '/etc/tsa.pem', AUDIT_TSA_TIMEOUT_MS: '3000' });
    expect(config.audit.timestamping).toEqual({
      url: 'https://tsa.example.vn/tsr',
      certificateFile: '/etc/tsa.pem',
      policy: null,
      timeoutMs: 3000,
      toleranceMs: 300000,
    });
    expect(loadConfig({}).audit.timestamping).toBeNull();
  });
});

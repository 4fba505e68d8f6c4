import fs from 'node:fs';
import path from 'node:path';
import { loadOrCreateSigningKey } from '../../gateway/audit/checkpoints';
import type { TokenLine } from '../../gateway/audit/timestamp/timestampFile';
import { signedUntimestamped, timestampFile } from '../../gateway/audit/timestamp/timestampFile';
import { timestampTrustOf } from '../../gateway/audit/timestamp/trust';
import { startLocalTsa, withGenTime } from '../helpers/localTsa';
import { LATER, useTimestampWorld } from './timestampFixture';

/** A trail time-stamped by a TSA, and what an attacker does to its tokens afterwards: each must be caught. */
describe("the verifier's check of the checkpoints' RFC 3161 tokens", () => {
  const world = useTimestampWorld();
  const { linesOf, writeLines, stampedTrail, problemOf } = world;

  it('accepts a token whose TSA certificate chains to the configured CA, and refuses one of a TSA under another CA', async () => {
    const [underCa, underOtherCa] = await Promise.all([
      startLocalTsa({ directory: path.join(world.fixture.directory, 'tsa'), name: 'TSA under a CA', issuedByCa: true }),
      startLocalTsa({ directory: path.join(world.fixture.directory, 'tsa'), name: 'TSA under another CA', issuedByCa: true }),
    ]);
    try {
      const settings = { url: underCa.url, certificateFile: underCa.certificateFile };
      await stampedTrail('ts-chain', settings);
      const trust = timestampTrustOf({ ...world.timestamping, ...settings });
      const verification = await world.fixture.verify('ts-chain', undefined, { timestamps: trust, now: LATER });
      expect(verification.instances[0]).toMatchObject({ problem: null, timestamped: 3 });
      const [start, interval, stop] = (await linesOf('ts-chain')) as TokenLine[];
      const foreign = await underOtherCa.issue(interval!.digest, interval!.nonce, new Date(interval!.at));
      writeLines('ts-chain', [start!, { ...interval!, response: foreign.toString('base64') }, stop!]);
      const forged = await world.fixture.verify('ts-chain', undefined, { timestamps: trust, now: LATER });
      expect(forged.instances[0]!.problem).toMatchObject({
        kind: 'TIMESTAMP',
        seq: interval!.seq,
        message: expect.stringMatching(/does not verify against the configured TSA certificate/),
      });
    } finally {
      await Promise.all([underCa.close(), underOtherCa.close()]);
    }
  });

  it('asks for the configured policy and refuses a token of another', async () => {
    const policy = '1.3.6.1.4.1.99999.1';
    await stampedTrail('ts-policy', { policy });
    expect(world.tsa.requests[world.tsa.requests.length - 1]!.request.reqPolicy).toBe(policy);
    const trust = { ...timestampTrustOf(world.timestamping), policy: '1.3.6.1.4.1.99999.2' };
    const verification = await world.fixture.verify('ts-policy', undefined, { timestamps: trust, now: LATER });
    expect(verification.instances[0]!.problem).toMatchObject({
      kind: 'TIMESTAMP',
      message: expect.stringMatching(/issued under policy 1\.3\.6\.1\.4\.1\.99999\.1, not/),
    });
  });

  it('catches a token for another digest', async () => {
    await stampedTrail('ts-digest');
    const [start, interval, stop] = (await linesOf('ts-digest')) as TokenLine[];
    const forged = await world.tsa.issue('ab'.repeat(32), interval!.nonce, new Date(interval!.at));
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
    const forged = await world.otherTsa.issue(interval!.digest, interval!.nonce, new Date(interval!.at));
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
    const late = await world.tsa.issue(interval!.digest, interval!.nonce, new Date(Date.parse(interval!.at) + 3_600_000));
    writeLines('ts-late', [start!, { ...interval!, response: late.toString('base64') }, stop!]);
    expect(await problemOf('ts-late')).toMatchObject({ kind: 'TIMESTAMP', message: expect.stringMatching(/beyond the tolerance of 300 s/) });
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

  it('catches the first lines of the file deleted once AUDIT_TSA_SINCE pins when time-stamping began, which the file alone cannot', async () => {
    await stampedTrail('ts-head-cut');
    const [start, interval, stop] = await linesOf('ts-head-cut');
    writeLines('ts-head-cut', [interval!, stop!]);
    // The file alone: time-stamping seems to begin with the INTERVAL checkpoint.
    expect(await problemOf('ts-head-cut')).toBeNull();
    const pinned = { ...timestampTrustOf(world.timestamping), since: Date.parse(start!.at) - 1000 };
    const verification = await world.fixture.verify('ts-head-cut', undefined, { timestamps: pinned, now: LATER });
    expect(verification.sound).toBe(false);
    expect(verification.instances[0]!.problem).toMatchObject({
      kind: 'TIMESTAMP',
      seq: start!.seq,
      message: expect.stringMatching(/holds no time-stamp token.*removed/),
    });
    // Pinned after the trail's last checkpoint, it asks nothing of it.
    const later = { ...pinned, since: Date.parse(stop!.at) + 60_000 };
    expect((await world.fixture.verify('ts-head-cut', undefined, { timestamps: later, now: LATER })).instances[0]!.problem).toBeNull();
  });

  it('catches the whole time-stamp file removed', async () => {
    await stampedTrail('ts-no-file');
    fs.rmSync(timestampFile(world.fixture.config('any').checkpointDirectory, 'ts-no-file'));
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
    const strangerKey = loadOrCreateSigningKey(path.join(world.fixture.directory, 'stranger', 'key.pem'), true);
    const { instance, seq, at, digest } = stop!;
    const forged = signedUntimestamped({ instance, seq, at, digest, failure: 'UNREACHABLE', reason: 'down' }, strangerKey);
    writeLines('ts-forged-failure', [start!, interval!, forged]);
    expect(await problemOf('ts-forged-failure')).toMatchObject({ kind: 'TIMESTAMP', seq: stop!.seq, message: expect.stringMatching(/forged/) });
  });
});

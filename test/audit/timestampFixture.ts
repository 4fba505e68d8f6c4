import fs from 'node:fs';
import path from 'node:path';
import type { TimestampingConfig } from '../../common/config';
import { checkpointFile, readCheckpoints } from '../../gateway/audit/checkpoints';
import type { TimestampLine } from '../../gateway/audit/timestamp/timestampFile';
import { readTimestampLines, timestampFile } from '../../gateway/audit/timestamp/timestampFile';
import { timestampTrustOf } from '../../gateway/audit/timestamp/trust';
import type { AuditProblem, AuditVerification } from '../../gateway/audit/verify';
import type { Checkpoint } from '../../gateway/audit/types';
import type { LocalTsa } from '../helpers/localTsa';
import { startLocalTsa } from '../helpers/localTsa';
import type { AuditFixture } from './auditHelpers';
import { appendRecords, createAuditFixture } from './auditHelpers';

/** Past the tolerance: a checkpoint without a token then can no longer be waiting for one. */
export const LATER = () => new Date(Date.now() + 10 * 60_000);

/** A test file's audit trail with a local TSA (and another, whose key no one trusts), and what its tests read and write. */
export interface TimestampWorld {
  fixture: AuditFixture;
  tsa: LocalTsa;
  otherTsa: LocalTsa;
  /** The gateway's settings for tsa: its URL and certificate, a 10 s timeout, a 5 min tolerance. */
  timestamping: TimestampingConfig;
  /** Given an instance, returns the lines of its time-stamp file, in the order of their checkpoints. */
  linesOf(instance: string): Promise<TimestampLine[]>;
  /** Given an instance and a condition on its lines, waits (up to 20 s) until they meet it. */
  untilLines(instance: string, condition: (lines: TimestampLine[]) => boolean): Promise<void>;
  checkpointsOf(instance: string): Promise<Checkpoint[]>;
  /** Given an instance and lines, writes them as its whole time-stamp file. */
  writeLines(instance: string, lines: readonly TimestampLine[]): void;
  /** Given an instance, writes a time-stamped trail: START, 3 records, an INTERVAL checkpoint, 2 more, STOP. */
  stampedTrail(instance: string, settings?: Partial<TimestampingConfig>): Promise<void>;
  /** Given an instance, verifies it with tsa's certificate trusted (at the given time, now when left out). */
  verified(instance: string, now?: () => Date): Promise<AuditVerification>;
  /** Given an instance, returns its first problem, verified at the given time (LATER when left out). */
  problemOf(instance: string, now?: () => Date): Promise<AuditProblem | null>;
}

/** Registers the hooks that make a TimestampWorld before the file's tests and remove it after; returns it, filled in by then. */
export function useTimestampWorld(): TimestampWorld {
  const directory = () => world.fixture.config('any').checkpointDirectory;
  const world: TimestampWorld = {
    fixture: null as unknown as AuditFixture,
    tsa: null as unknown as LocalTsa,
    otherTsa: null as unknown as LocalTsa,
    timestamping: null as unknown as TimestampingConfig,
    linesOf: async (instance) =>
      (await readTimestampLines(timestampFile(directory(), instance))).map((line) => line.entry!).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
    async untilLines(instance, condition) {
      for (let waited = 0; waited < 20_000; waited += 20) {
        if (condition(await world.linesOf(instance))) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`the time-stamp lines of ${instance} did not come within 20 s`);
    },
    checkpointsOf: async (instance) => (await readCheckpoints(checkpointFile(directory(), instance))).map((line) => line.checkpoint!),
    writeLines: (instance, lines) => fs.writeFileSync(timestampFile(directory(), instance), lines.map((line) => `${JSON.stringify(line)}\n`).join('')),
    async stampedTrail(instance, settings = {}) {
      const log = await world.fixture.startLog(instance, { config: { timestamping: { ...world.timestamping, ...settings } } });
      await appendRecords(log, 3);
      await log.checkpoint('INTERVAL');
      await appendRecords(log, 2, '2026-03-01T09:00:00.000Z');
      await log.stop();
    },
    verified: (instance, now) => world.fixture.verify(instance, undefined, { timestamps: timestampTrustOf(world.timestamping), ...(now ? { now } : {}) }),
    async problemOf(instance, now = LATER) {
      const verification = await world.verified(instance, now);
      expect(verification.sound).toBe(verification.instances[0]!.problem === null);
      return verification.instances[0]!.problem;
    },
  };
  beforeAll(async () => {
    world.fixture = await createAuditFixture();
    const tsaDirectory = path.join(world.fixture.directory, 'tsa');
    world.tsa = await startLocalTsa({ directory: tsaDirectory });
    world.otherTsa = await startLocalTsa({ directory: tsaDirectory, name: 'Other TSA' });
    world.timestamping = { url: world.tsa.url, certificateFile: world.tsa.certificateFile, policy: null, timeoutMs: 10_000, toleranceMs: 300_000 };
  });
  afterEach(() => {
    world.tsa.mode = 'GRANT';
    world.tsa.genTime = null;
  });
  afterAll(async () => {
    await Promise.all([world.tsa?.close(), world.otherTsa?.close()]);
    await world.fixture?.destroy();
  });
  return world;
}

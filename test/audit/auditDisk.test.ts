import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { byBuiltInSector } from '../../common/sectors';
import { loadConfig } from '../../common/config';
import { CHECKPOINT_ROOM_BYTES } from '../../gateway/audit/auditLog';
import { startGatewayService } from '../../system/platform';
import { errorCodes, postGraphQL } from '../helpers/graphql';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, startSeededPlatform, testAuditConfig } from '../helpers/platform';
import type { AuditFixture } from './auditHelpers';
import { auditInput, createAuditFixture } from './auditHelpers';

const IDENTITY = 'query Identity($id: ID!) { citizen(nationalId: $id) { nationalId fullName } }';
const SCHOOL = 'query School($code: String!) { school(code: $code) { name } }';

/**
 * A directory with no room left: a small tmpfs filled to the brim where this process may mount one (as root),
 * else a directory whose file system the audit is told is full, at its boundary (fs.statfsSync). makeRoom()
 * gives it room again.
 */
interface FullDirectory {
  directory: string;
  mounted: boolean;
  makeRoom(): void;
  remove(): void;
}

function fullDirectory(): FullDirectory {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-audit-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', directory], { stdio: 'ignore' });
  } catch {
    const statfs = fs.statfsSync;
    const spy = jest
      .spyOn(fs, 'statfsSync')
      .mockImplementation(((target: fs.PathLike) =>
        String(target).startsWith(directory) ? { ...statfs(target), bavail: 0 } : statfs(target)) as typeof fs.statfsSync);
    return { directory, mounted: false, makeRoom: () => spy.mockRestore(), remove: () => fs.rmSync(directory, { recursive: true, force: true }) };
  }
  const filler = path.join(directory, 'filler');
  try {
    fs.writeFileSync(filler, Buffer.alloc(17 * 1024 * 1024));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  return {
    directory,
    mounted: true,
    makeRoom: () => fs.rmSync(filler, { force: true }),
    remove: () => {
      execFileSync('umount', [directory]);
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Given a condition, polls it until it holds or the time is up. */
async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the condition did not come true in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('an audit directory with no room for its files', () => {
  let fixture: AuditFixture;

  beforeAll(async () => {
    fixture = await createAuditFixture();
  });

  afterAll(async () => {
    await fixture?.destroy();
  });

  it('does not stop the log from starting: it refuses records, names the directory and the bytes, and takes records once there is room', async () => {
    const full = fullDirectory();
    try {
      const instance = 'gw-disk-full';
      const log = await fixture.startLog(instance, {
        config: { checkpointDirectory: full.directory, outboxDirectory: path.join(full.directory, 'outbox') },
      });
      await expect(log.append(auditInput())).rejects.toMatchObject({ extensions: { code: 'AUDIT_UNAVAILABLE' } });
      expect(log.startProblem?.message).toMatch(
        new RegExp(
          `The audit directory ${full.directory} has no room for the audit's files: they need at least ${CHECKPOINT_ROOM_BYTES} bytes there, and \\d+ are free`,
        ),
      );
      full.makeRoom();
      await eventually(() => log.startProblem === null);
      expect(await log.append(auditInput())).toEqual({ seq: 1 });
      await log.stop();
      expect((await fixture.verify(instance, full.directory)).instances[0]).toMatchObject({ records: 1, problem: null });
    } finally {
      full.remove();
    }
  });

  it('names the directory and bytes when a write is refused for want of room though the file system said there was some', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-audit-enospc-'));
    const writeFileSync = fs.writeFileSync;
    const spy = jest.spyOn(fs, 'writeFileSync').mockImplementation(((file: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
      if (String(file).startsWith(directory)) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return (writeFileSync as (...args: unknown[]) => void)(file, ...rest);
    }) as typeof fs.writeFileSync);
    try {
      // A key of its own, made in the full directory, and pinned (development) where there is room.
      const pinFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-audit-pins-')), 'audit-pins.json');
      const log = await fixture.startLog('gw-disk-enospc', {
        config: { checkpointDirectory: directory, signingKeyFile: path.join(directory, 'keys', 'gateway-ed25519.pem'), pinFile },
      });
      expect(log.startProblem?.message).toContain(
        `The audit directory ${directory} has no room for the audit's files: they need at least ${CHECKPOINT_ROOM_BYTES} bytes`,
      );
      await expect(log.append(auditInput())).rejects.toMatchObject({ extensions: { code: 'AUDIT_UNAVAILABLE' } });
      spy.mockRestore();
      await eventually(() => log.startProblem === null);
      expect(await log.append(auditInput())).toEqual({ seq: 1 });
      await log.stop();
    } finally {
      spy.mockRestore();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('a gateway whose audit directory has no room', () => {
  let seeded: SeededPlatform;

  beforeAll(async () => {
    seeded = await startSeededPlatform(40);
  });

  afterAll(async () => {
    await seeded?.stop();
  });

  it('starts, answers open data, and refuses personal data with AUDIT_UNAVAILABLE until the audit can write its files', async () => {
    const full = fullDirectory();
    const { population, education } = seeded.databases.databases;
    const citizen = (await population('citizens').orderBy('national_id').first()).national_id as string;
    const school = (await education('schools').orderBy('code').first()).code as string;
    const service = await startGatewayService(
      seeded.databases.databases.gateway,
      byBuiltInSector((sector) => seeded.platform.subgraphs[sector].url),
      {
        ...loadConfig({}),
        gatewayPort: 0,
        signingKey: seeded.signingKey,
        jwt: null,
        // The signing key and its pin lie outside the audit directory, as the configuration requires.
        audit: testAuditConfig(fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-audit-keys-')), 'gateway-disk-full', {
          AUDIT_DIRECTORY: full.directory,
          AUDIT_RETRY_MS: '50',
        }),
      },
    );
    try {
      const headers = asAgency(seeded.demoKeys.get('H56.01')!, 'INVESTIGATION');
      const personal = await postGraphQL(service.gateway.url, IDENTITY, { id: citizen }, headers);
      expect(personal.status).toBe(503);
      expect(errorCodes(personal)).toEqual(['AUDIT_UNAVAILABLE']);
      expect(JSON.stringify(personal)).not.toContain(full.directory);
      const open = await postGraphQL(service.gateway.url, SCHOOL, { code: school });
      expect(open.errors).toBeUndefined();
      expect(open.data?.school).toEqual({ name: expect.any(String) });
      full.makeRoom();
      await eventually(async () => (await postGraphQL(service.gateway.url, IDENTITY, { id: citizen }, headers)).status === 200);
    } finally {
      await service.stop().catch(() => undefined);
      full.remove();
    }
  });
});

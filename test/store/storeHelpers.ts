import type { Knex } from 'knex';
import { Authenticator } from '../../gateway/store/authenticator';
import { demoUnits } from '../../gateway/store/demo';
import { PolicyRepository } from '../../gateway/store/policyRepository';
import { Stewardship } from '../../gateway/store/stewardship';
import type { StewardshipOptions } from '../../gateway/store/stewardship';
import type { Actor } from '../../gateway/store/types';
import type { TestDatabases } from '../helpers/database';
import { createTestDatabases } from '../helpers/database';

/** A clock a test moves by hand: every store and authenticator of the test reads it. */
export interface TestClock {
  now(): Date;
  set(iso: string): void;
  advance(milliseconds: number): void;
}

export function testClock(start = '2026-03-01T08:00:00.000Z'): TestClock {
  let current = Date.parse(start);
  return {
    now: () => new Date(current),
    set: (iso) => {
      current = Date.parse(iso);
    },
    advance: (milliseconds) => {
      current += milliseconds;
    },
  };
}

export const TEST_ACTOR: Actor = { kind: 'CLI', osUser: 'tester' };

export interface TestStore {
  databases: TestDatabases;
  db: Knex;
  repository: PolicyRepository;
  stewardship: Stewardship;
  clock: TestClock;
  /** An authenticator (API keys only) on the same clock. */
  authenticator: Authenticator;
  destroy(): Promise<void>;
}

/**
 * Returns a fresh, migrated gateway database (from createTestDatabases) with the steward operations over it, on
 * a hand-moved clock; the seed's administrative units are loaded unless `units` is false.
 */
export async function createTestStore(options: Partial<StewardshipOptions> = {}, { units = true }: { units?: boolean } = {}): Promise<TestStore> {
  const databases = await createTestDatabases();
  const db = databases.databases.gateway;
  const clock = testClock();
  const repository = new PolicyRepository(db);
  const stewardship = new Stewardship({ repository, now: clock.now, ...options });
  if (units) await stewardship.loadUnits({ kind: 'SYSTEM', task: 'test-units' }, demoUnits());
  return {
    databases,
    db,
    repository,
    clock,
    stewardship,
    authenticator: new Authenticator({ jwt: null, now: clock.now }),
    destroy: () => databases.destroy(),
  };
}

/** Given a promise expected to be refused, returns the refusal's code and message. */
export async function refusal(promise: Promise<unknown> | (() => unknown)): Promise<{ code: string; message: string }> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    const { extensions, message } = error as { extensions?: { code?: string }; message: string };
    return { code: String(extensions?.code), message };
  }
  throw new Error('expected a refusal, but the call succeeded');
}

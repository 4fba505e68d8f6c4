import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { IRateLimiterOptions, RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * Sign-ins tried from one address in a minute, whatever their outcome. Each one costs a password check (scrypt,
 * 50-100 ms of a CPU), so this bounds what one address can make the gateway spend on them.
 */
export const SIGN_IN_ATTEMPTS_PER_ADDRESS = 30;
export const SIGN_IN_ATTEMPT_WINDOW_SECONDS = 60;

/**
 * Failed sign-ins in a row for one account from one address before that address is held off the account, and for
 * how long: a guesser from one place gets a handful of tries per quarter of an hour, while the account stays open
 * to its owner elsewhere (no lock-out that anyone could set off).
 */
export const SIGN_IN_FAILURES_PER_ACCOUNT = 5;
export const SIGN_IN_FAILURE_WINDOW_SECONDS = 15 * 60;

export interface SignInThrottleOptions {
  /** Where every replica counts together; null: this process counts alone, in memory. */
  redis: Redis | null;
  /** Prefixes the counters' keys in Redis. */
  keyPrefix: string;
}

/** Counts sign-ins per address and failures per account and address, and says when one must wait. */
export interface SignInThrottle {
  /** Given the caller's address and the e-mail tried, counts the attempt; returns null when it may go on, or the seconds to wait. */
  admit(address: string, email: string): Promise<number | null>;
  /** Given the same, counts a failed sign-in. */
  failed(address: string, email: string): Promise<void>;
  /** Given the same, forgets the account's failures from that address after a sign-in that succeeded. */
  succeeded(address: string, email: string): Promise<void>;
}

/**
 * Given where to count and the limit, returns a counter: in Redis with an in-memory stand-in while Redis cannot be
 * reached (rate-limiter-flexible's insurance limiter, so that counting never stops), or in memory alone.
 */
function counter(options: SignInThrottleOptions, limit: Omit<IRateLimiterOptions, 'keyPrefix'>, name: string): RateLimiterAbstract {
  const keyPrefix = `${options.keyPrefix}sign-in:${name}`;
  const memory = new RateLimiterMemory({ ...limit, keyPrefix });
  if (!options.redis) return memory;
  return new RateLimiterRedis({ ...limit, keyPrefix, storeClient: options.redis, rejectIfRedisNotReady: true, insuranceLimiter: memory });
}

/** Given an e-mail as typed, returns the account key it is counted under. */
const accountKey = (address: string, email: string) => `${email.trim().toLowerCase().slice(0, 320)}|${address}`;

/** Given a counter's refusal, returns the whole seconds to wait (at least one). */
const secondsToWait = (refused: RateLimiterRes) => Math.max(1, Math.ceil(refused.msBeforeNext / 1000));

/**
 * Given where to count, returns the stewards' sign-in throttle: at most SIGN_IN_ATTEMPTS_PER_ADDRESS attempts a
 * minute from an address, and SIGN_IN_FAILURES_PER_ACCOUNT failures in a row for an account from an address per
 * SIGN_IN_FAILURE_WINDOW_SECONDS. Both are checked before the password is, so that a flood costs no password checks.
 */
export function signInThrottle(options: SignInThrottleOptions): SignInThrottle {
  const attempts = counter(options, { points: SIGN_IN_ATTEMPTS_PER_ADDRESS, duration: SIGN_IN_ATTEMPT_WINDOW_SECONDS }, 'address');
  const failures = counter(options, { points: SIGN_IN_FAILURES_PER_ACCOUNT, duration: SIGN_IN_FAILURE_WINDOW_SECONDS }, 'account');
  return {
    async admit(address, email) {
      const held = await failures.get(accountKey(address, email));
      if (held !== null && held.consumedPoints >= SIGN_IN_FAILURES_PER_ACCOUNT) return secondsToWait(held);
      try {
        await attempts.consume(address);
        return null;
      } catch (refused) {
        if (refused instanceof RateLimiterRes) return secondsToWait(refused);
        throw refused;
      }
    },
    async failed(address, email) {
      await failures.consume(accountKey(address, email)).catch((refused: unknown) => {
        if (!(refused instanceof RateLimiterRes)) throw refused;
      });
    },
    async succeeded(address, email) {
      await failures.delete(accountKey(address, email));
    },
  };
}

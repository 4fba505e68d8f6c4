import { ConfigError, loadConfig } from './config';
import type { Environment } from './environment';
import { loadWitnessConfig } from './witnessConfig';

/**
 * Given a loader of configuration, returns the names of every environment variable it reads, on every branch: it
 * is run on an environment that records each name asked for, then again with every name seen so far set (so that
 * MYSQL_HOST opens the MySQL settings, JWT_ISSUER the token settings...), until no new name appears. The loader's
 * verdict on those junk values is ignored; only what it reads counts.
 */
export function variablesReadBy(load: (environment: Environment) => unknown): Set<string> {
  const names = new Set<string>();
  for (;;) {
    const seen = names.size;
    const environment: Environment = Object.fromEntries([...names].map((name) => [name, 'x']));
    const recording = new Proxy(environment, {
      get(target, property) {
        if (typeof property === 'string') names.add(property);
        return Reflect.get(target, property) as string | undefined;
      },
    });
    try {
      load(recording);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
    }
    if (names.size === seen) return names;
  }
}

/** Returns, sorted, every environment variable the platform's configuration reads: common/config.ts and the witness's. */
export function configurationVariables(): string[] {
  return [...new Set([...variablesReadBy(loadConfig), ...variablesReadBy(loadWitnessConfig)])].sort();
}

import type { ConfigError } from '../../common/config';
import { loadConfig } from '../../common/config';

/** Given an environment, returns the problems the configuration module refuses it with; none when it loads. */
export function configProblems(environment: Record<string, string>): string[] {
  try {
    loadConfig(environment);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
}

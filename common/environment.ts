import path from 'node:path';
import { parseEd25519PublicKey } from './publicKeys';

/** The process environment, or one a test makes. */
export type Environment = Record<string, string | undefined>;

/** Given the environment and the list of problems, returns readers that add a problem for each bad value. */
export function environmentReader(environment: Environment, problems: string[]) {
  const read = (name: string): string | undefined => {
    const value = environment[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return Number(raw);
  };
  /** A comma-separated list of Ed25519 public keys (base64 SPKI DER); an empty list when unset. */
  const publicKeys = (name: string): string[] => {
    const keys = (read(name) ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean);
    keys.forEach((key, index) => {
      try {
        parseEd25519PublicKey(key);
      } catch (error) {
        problems.push(`${name}: key ${index + 1} is ${(error as Error).message}`);
      }
    });
    return keys;
  };
  return { read, integer, publicKeys };
}

/** Given two paths, tells whether the first lies inside the directory the second names. */
export function isInside(file: string, directory: string): boolean {
  const relative = path.relative(directory, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

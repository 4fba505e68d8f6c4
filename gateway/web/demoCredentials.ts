import fs from 'node:fs';
import path from 'node:path';
import type { DemoCredential } from '../store/demo';
import { DEMO_CREDENTIALS_FILE } from '../store/demo';

/** A demo agency's key as the explorer offers it. */
export interface DemoKey {
  agencyCode: string;
  agencyName: string;
  apiKey: string;
}

/**
 * Given the data directory, returns the demo agencies' keys that still work, from the demo-credentials.json
 * that `npm start` writes outside production; null when there is none. These keys are public (the README lists
 * them) and exist only where the demo was seeded.
 */
export function readDemoKeys(dataDirectory: string): DemoKey[] | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDirectory, DEMO_CREDENTIALS_FILE), 'utf8');
  } catch {
    return null;
  }
  const { credentials } = JSON.parse(text) as { credentials: DemoCredential[] };
  return credentials.filter((credential) => credential.status === 'ACTIVE').map(({ agencyCode, agencyName, apiKey }) => ({ agencyCode, agencyName, apiKey }));
}

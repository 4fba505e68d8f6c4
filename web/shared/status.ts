import type { PlatformStatus } from '../../gateway/web/status';

export type { PlatformStatus };

/** Asks the gateway how the platform is; null when the gateway itself cannot be reached. */
export async function fetchStatus(): Promise<PlatformStatus | null> {
  try {
    const response = await fetch('/status', { headers: { accept: 'application/json' } });
    return response.ok ? ((await response.json()) as PlatformStatus) : null;
  } catch {
    return null;
  }
}

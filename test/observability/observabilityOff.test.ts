import { loadConfig } from '../../common/config';
import { createLogger } from '../../common/logger';
import type { SeededPlatform } from '../helpers/platform';
import { asAgency, startSeededPlatform } from '../helpers/platform';

const CITIZEN = 'query Citizen($id: ID!) { citizen(nationalId: $id) { nationalId fullName } }';

/** Given a platform's options of observability, starts it with a logger that keeps every access line. */
async function platformWith(options: { metricsEnabled: boolean; accessLog: boolean }) {
  const lines: Array<Record<string, unknown>> = [];
  const accessLogger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  const seeded = await startSeededPlatform(20, {
    accessLogger,
    accessLog: options.accessLog,
    metrics: { ...loadConfig({}).metrics, enabled: options.metricsEnabled },
  });
  return { seeded, lines };
}

/** Given a platform, asks for one citizen as the police and returns the answer's status and request id. */
async function askOnce(seeded: SeededPlatform): Promise<{ status: number; requestId: string }> {
  const [citizen] = await seeded.databases.databases.population('citizens').select('national_id').limit(1);
  const response = await fetch(seeded.platform.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...asAgency(seeded.demoKeys.get('H56.01')!, 'INVESTIGATION') },
    body: JSON.stringify({ query: CITIZEN, variables: { id: citizen!.national_id } }),
  });
  await response.text();
  return { status: response.status, requestId: response.headers.get('x-request-id')! };
}

describe('metrics and the access log turned off (METRICS_ENABLED=false, ACCESS_LOG=off)', () => {
  it('answers as before, writes no access line, and serves no /metrics on the gateway or the subgraphs', async () => {
    const { seeded, lines } = await platformWith({ metricsEnabled: false, accessLog: false });
    try {
      const { status } = await askOnce(seeded);
      expect(status).toBe(200);
      // The audit record is durable before the line would be written: a moment is enough for one to show.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(lines.filter((line) => line.msg === 'request')).toEqual([]);
      expect((await fetch(new URL('/metrics', seeded.platform.gateway.url))).status).toBe(404);
      expect((await fetch(new URL('/metrics', seeded.platform.subgraphs.population.url))).status).toBe(404);
      // The request is in the audit trail all the same.
      expect(await seeded.databases.databases.gateway('audit_records').where({ agency_code: 'H56.01' }).count({ n: '*' }).first()).toEqual({ n: 1 });
    } finally {
      await seeded.stop();
    }
  });

  it('with both on, the same request gets its line and is counted at /metrics', async () => {
    const { seeded, lines } = await platformWith({ metricsEnabled: true, accessLog: true });
    try {
      const { status, requestId } = await askOnce(seeded);
      expect(status).toBe(200);
      for (let attempt = 0; attempt < 50 && !lines.some((line) => line.requestId === requestId); attempt += 1)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(lines.filter((line) => line.msg === 'request' && line.requestId === requestId)).toHaveLength(1);
      const scraped = await (await fetch(new URL('/metrics', seeded.platform.gateway.url))).text();
      expect(scraped).toMatch(/gateway_requests_total\{agency="H56\.01",operation="Citizen",outcome="ALLOWED",code="none"\} 1/);
    } finally {
      await seeded.stop();
    }
  });
});

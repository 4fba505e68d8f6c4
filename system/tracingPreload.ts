import path from 'node:path';
import { ConfigError, loadTracingConfig } from '../common/config';
import { EXIT_CONFIGURATION, beforeExit } from './lifecycle';
import type { startTracing as StartTracing } from './tracing';

/**
 * The first import of every start script. When OTEL_EXPORTER_OTLP_ENDPOINT is set it starts tracing (tracing.ts)
 * before anything it instruments (http, knex, mysql2, undici) is loaded, which instrumentation needs; unset, it
 * loads nothing of OpenTelemetry and traces nothing. A malformed setting stops the start with exit code 78.
 */
function preload(): void {
  let endpoint: string | null;
  try {
    ({ endpoint } = loadTracingConfig());
  } catch (error) {
    process.stderr.write(`Could not start: ${(error as ConfigError).message}\n`);
    process.exit(error instanceof ConfigError ? EXIT_CONFIGURATION : 1);
  }
  if (endpoint === null) return;
  const script = path.basename(process.argv[1] ?? 'platform', '.ts');
  const serviceName =
    script === 'start-subgraph' ? `dsp-subgraph-${process.argv[2] ?? 'unknown'}` : script === 'start-gateway' ? 'dsp-gateway' : 'dsp-platform';
  // Loaded only now: without an endpoint, the SDK and its instrumentations are never loaded at all.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- must load synchronously, before the instrumented modules
  const { startTracing } = require('./tracing') as { startTracing: typeof StartTracing };
  beforeExit(startTracing(serviceName));
}

preload();

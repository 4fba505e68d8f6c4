import type { IncomingMessage } from 'node:http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KnexInstrumentation } from '@opentelemetry/instrumentation-knex';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';

/** Paths whose requests make no span: the probes and the metrics, asked every few seconds by the cluster. */
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);

/**
 * Given the name this process reports its spans under, starts OpenTelemetry's Node SDK with the standard
 * instrumentations: node's HTTP server and client (W3C traceparent in), undici (the gateway's subgraph calls,
 * traceparent out; fetch: readiness checks, witnesses), knex and mysql2 (each SQL statement). Where the spans go and how
 * (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_SERVICE_NAME...) the SDK reads from the
 * environment itself. Returns how to flush and stop it.
 */
export function startTracing(serviceName: string): () => Promise<void> {
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? serviceName,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.has((request.url ?? '/').split('?')[0]!),
      }),
      new UndiciInstrumentation(),
      new KnexInstrumentation(),
      new MySQL2Instrumentation(),
    ],
  });
  sdk.start();
  return () => sdk.shutdown();
}

import autocannon from 'autocannon';
import type { Sector } from '../common/config';
import { Random } from '../db/seed/random';
import type { GraphQLBody, GraphQLResult } from './directClient';
import { subgraphCaller } from './directClient';
import type { Fixtures, ShapeName } from './shapes';
import { SHAPES, SHAPE_NAMES } from './shapes';
import type { LatencySummary } from './statistics';
import { summarizeLatencies } from './statistics';
import type { HeaderSet } from './targets/started';


/** One run of load: one shape against one target at one concurrency for a while. */
export interface LoadJob {
  shape: ShapeName;
  concurrency: number;
  durationSeconds: number;
  /** A gateway's GraphQL URL, or the subgraphs themselves for the direct floor. */
  target: { kind: 'gateway'; url: string } | { kind: 'direct'; subgraphUrls: Record<Sector, string> };
  /** Callers to rotate through, one per request; none means no extra headers. */
  headerSets: HeaderSet[];
  /** Seed of the run's random sequence: the same seed draws the same variables for every target. */
  randomSeed: number;
}

export interface LoadResult {
  /** Requests answered within the window. */
  requests: number;
  seconds: number;
  latency: LatencySummary;
  /** Answers with an HTTP status other than 2xx. */
  non2xx: number;
  /** 2xx answers whose body carries GraphQL errors. */
  graphqlErrors: number;
  /** Requests with no answer: connection errors and timeouts. */
  failed: number;
  /** Mean size of an answer's body in bytes (for the direct floor, all of a request's subgraph answers together). */
  meanResponseBytes: number;
  /** The first error seen, to say in the report what went wrong. */
  firstError: string | null;
}

/** Given the shape of a run and the draw, returns a function that makes each request's body and headers in turn. */
function requestSource(job: LoadJob, fixtures: Fixtures): () => { body: GraphQLBody; headers: HeaderSet } {
  const random = new Random(job.randomSeed, SHAPE_NAMES.indexOf(job.shape));
  let sequence = 0;
  return () => {
    const draw = { sequence, random };
    const headers = job.headerSets.length > 0 ? job.headerSets[sequence % job.headerSets.length]! : {};
    sequence += 1;
    return { body: SHAPES[job.shape].body(fixtures, draw), headers };
  };
}

/** Given an answer's body, returns the first GraphQL error's message, or null when it carries none. */
function firstErrorIn(text: string): string | null {
  if (!text.includes('"errors":')) return null;
  try {
    const parsed = JSON.parse(text) as { errors?: Array<{ message?: string; extensions?: { code?: string } }> };
    const error = parsed.errors?.[0];
    return error ? `${error.extensions?.code ?? 'ERROR'}: ${error.message ?? ''}` : null;
  } catch {
    return 'a body that is not JSON';
  }
}

/** Given a job against a gateway, drives it with autocannon: one request in flight per connection. */
function runAutocannon(job: LoadJob & { target: { kind: 'gateway' } }, fixtures: Fixtures): Promise<LoadResult> {
  const next = requestSource(job, fixtures);
  const latencies: number[] = [];
  let graphqlErrors = 0;
  let firstError: string | null = null;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.target.url,
        method: 'POST',
        connections: job.concurrency,
        pipelining: 1,
        duration: job.durationSeconds,
        timeout: 10,
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest(request) {
              const { body, headers } = next();
              return { ...request, body: JSON.stringify(body), headers: { ...request.headers, ...headers } };
            },
            // Every body is read: a plain substring test per answer, and a parse only of the first failure.
            onResponse(status, body) {
              const error = firstErrorIn(body);
              if (status >= 200 && status < 300 && error !== null) graphqlErrors += 1;
              if (error !== null || status < 200 || status >= 300) firstError ??= error ?? `HTTP ${status}`;
            },
          },
        ],
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        resolve({
          requests: latencies.length,
          seconds: result.duration,
          latency: summarizeLatencies(latencies),
          non2xx: result.non2xx,
          graphqlErrors,
          failed: result.errors + result.timeouts,
          meanResponseBytes: latencies.length ? result.throughput.total / latencies.length : 0,
          firstError,
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
      latencies.push(responseTimeMs);
    });
  });
}

/**
 * Given a job for the direct floor, keeps `concurrency` logical requests in flight, each making the calls a
 * gateway would make (root query, then _entities), and times each logical request as a whole.
 */
async function runDirect(job: LoadJob & { target: { kind: 'direct' } }, fixtures: Fixtures, signingKey: Buffer): Promise<LoadResult> {
  const next = requestSource(job, fixtures);
  const caller = subgraphCaller(job.target.subgraphUrls, signingKey, job.concurrency);
  const latencies: number[] = [];
  let non2xx = 0;
  let graphqlErrors = 0;
  let failed = 0;
  let bytes = 0;
  let firstError: string | null = null;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(job.durationSeconds * 1e9));
  const worker = async () => {
    while (process.hrtime.bigint() < deadline) {
      const { body } = next();
      const begun = process.hrtime.bigint();
      let results: GraphQLResult[];
      try {
        results = await SHAPES[job.shape].direct(caller.call, body);
      } catch (error) {
        failed += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
        continue;
      }
      latencies.push(Number(process.hrtime.bigint() - begun) / 1e6);
      bytes += results.reduce((sum, result) => sum + result.bytes, 0);
      const bad = results.find((result) => result.status < 200 || result.status >= 300);
      const errored = results.find((result) => result.errors?.length);
      if (bad) non2xx += 1;
      else if (errored) graphqlErrors += 1;
      const error = (bad ?? errored)?.errors?.[0];
      if (bad || errored) firstError ??= error ? `${String(error.extensions?.code ?? 'ERROR')}: ${error.message}` : `HTTP ${bad?.status}`;
    }
  };
  try {
    await Promise.all(Array.from({ length: job.concurrency }, worker));
  } finally {
    caller.close();
  }
  return {
    requests: latencies.length,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    latency: summarizeLatencies(latencies),
    non2xx,
    graphqlErrors,
    failed,
    meanResponseBytes: latencies.length ? bytes / latencies.length : 0,
    firstError,
  };
}

/** Given a job, the fixtures and the signing key (for the direct floor), runs the load and returns what it saw. */
export function runLoad(job: LoadJob, fixtures: Fixtures, signingKey: Buffer): Promise<LoadResult> {
  return job.target.kind === 'gateway'
    ? runAutocannon(job as LoadJob & { target: { kind: 'gateway' } }, fixtures)
    : runDirect(job as LoadJob & { target: { kind: 'direct' } }, fixtures, signingKey);
}

import autocannon from 'autocannon';
import { Random } from '../db/seed/random';
import type { GraphQLBody } from './directClient';
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
  /** Where the requests go: a gateway's GraphQL URL, or the direct floor's URL for the shape. */
  url: string;
  /** Callers to rotate through, one per request; none means no extra headers. */
  headerSets: HeaderSet[];
  /** Seed of the run's random sequence: the same seed draws the same variables for every target. */
  randomSeed: number;
  /**
   * The number of the job's first request in the target's sequence of this shape: each window of a target
   * (warm-up included) goes on where the one before stopped, so that Q5's texts never repeat.
   */
  firstSequence: number;
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
  /** Requests made (answered or not): where the target's next job goes on. */
  drawn: number;
}

/**
 * Given a job and the fixtures, returns a function that makes each request's body and headers in turn, and
 * how many it has made. The random sequence is the job's own; the request numbers go on from firstSequence.
 */
export function requestSource(
  job: Pick<LoadJob, 'shape' | 'headerSets' | 'randomSeed' | 'firstSequence'>,
  fixtures: Fixtures,
): { next(): { body: GraphQLBody; headers: HeaderSet }; drawn(): number } {
  const random = new Random(job.randomSeed, SHAPE_NAMES.indexOf(job.shape));
  let sequence = job.firstSequence;
  const next = () => {
    const draw = { sequence, random };
    const headers = job.headerSets.length > 0 ? job.headerSets[sequence % job.headerSets.length]! : {};
    sequence += 1;
    return { body: SHAPES[job.shape].body(fixtures, draw), headers };
  };
  return { next, drawn: () => sequence - job.firstSequence };
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

/** Given a job, drives it with autocannon: one request in flight per connection. */
function runAutocannon(job: LoadJob, fixtures: Fixtures): Promise<LoadResult> {
  const source = requestSource(job, fixtures);
  const latencies: number[] = [];
  let graphqlErrors = 0;
  let firstError: string | null = null;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        method: 'POST',
        connections: job.concurrency,
        pipelining: 1,
        duration: job.durationSeconds,
        timeout: 10,
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest(request) {
              const { body, headers } = source.next();
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
          drawn: source.drawn(),
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
      latencies.push(responseTimeMs);
    });
  });
}

/** Given a job and the fixtures, drives the job's target with autocannon and returns what it saw. */
export function runLoad(job: LoadJob, fixtures: Fixtures): Promise<LoadResult> {
  return runAutocannon(job, fixtures);
}

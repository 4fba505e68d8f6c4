import type { CpuPerRequest } from '../../bench/cpu';
import { parseBenchArguments } from '../../bench/options';
import type { BenchRun, Measurement, MedianResult } from '../../bench/results';
import type { ShapeName } from '../../bench/shapes';
import type { TargetName } from '../../bench/targets';

/** Given a gateway's and the subgraphs' CPU ms per request, returns CPU per request with the rest fixed (database 0.5, load 0.2). */
export function cpuOf(gateway: number, subgraphsTotal = 2): CpuPerRequest {
  const each = subgraphsTotal / 4;
  return {
    gateway,
    subgraphs: { population: each, land: each, health: each, education: each },
    subgraphsTotal,
    database: 0.5,
    loadGenerator: 0.2,
    total: gateway + subgraphsTotal + 0.7,
  };
}

/** Given the figures that matter, returns a measured result with everything else plain. */
export function measured(
  target: TargetName,
  shape: ShapeName,
  concurrency: number,
  figures: { requestsPerSecond: number; p50: number; cpu?: CpuPerRequest },
): Measurement {
  const median: MedianResult = {
    requests: figures.requestsPerSecond * 30,
    seconds: 30,
    requestsPerSecond: figures.requestsPerSecond,
    p50: figures.p50,
    p95: figures.p50 * 2,
    p99: figures.p50 * 3,
    non2xx: 0,
    graphqlErrors: 0,
    failed: 0,
    meanResponseBytes: 1000,
    cpu: figures.cpu ?? cpuOf(1),
    gatewayCores: 1,
    gatewayResidentMegabytes: 100,
    otherLoadOnGatewayCpus: 0.1,
    subgraphCores: 0.5,
    loadGeneratorCores: 0.2,
    databaseCores: 0.3,
    subgraphCallsPerRequest: 2,
    statementsPerRequest: 4,
  };
  return {
    target,
    shape,
    concurrency,
    warmup: { seconds: 12, steady: true, windows: [1, 1, 1] },
    status: 'ok',
    note: null,
    repetitions: [{ ...median, firstError: null }],
    median,
  };
}

/** Given the command line's arguments, returns a run with no measurements yet. */
export function emptyRun(argv: string[], citizens = 100_000): Pick<BenchRun, 'measurements' | 'pageSizeProbes' | 'options' | 'data' | 'scale'> {
  return {
    options: { ...parseBenchArguments(argv), citizens },
    measurements: [],
    data: { citizens, engine: 'mysql', description: '', seededNow: false, seedSeconds: 0 },
    pageSizeProbes: [],
    scale: null,
  };
}

/**
 * `npx tsx bench/scopeCostRun.ts [results.json]`: measures, in this process, what the per-field row scope costs on
 * Q1–Q4 (bench/scopeCost.ts, as the bench does before its load) and prints it; given a run's results.json, sets
 * the walk against our full gateway's CPU per request in that run, with the verdict on its 2% target.
 */
import fs from 'node:fs';
import { apiSchemaOf, buildCatalog } from '../gateway/policy/catalog';
import { SUPERGRAPH_PATH } from '../schema/load';
import { fullGatewayCpuPerRequest, scopeWalkVerdict } from './report';
import type { BenchRun } from './results';
import { measureScopeCost } from './scopeCost';

const resultsPath = process.argv[2];
const run = resultsPath ? (JSON.parse(fs.readFileSync(resultsPath, 'utf8')) as BenchRun) : null;
const cpuOf = run ? fullGatewayCpuPerRequest(run).micros : () => null;
const supergraphSdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
for (const cost of measureScopeCost(apiSchemaOf(supergraphSdl), buildCatalog(supergraphSdl), supergraphSdl)) {
  const cpu = cpuOf(cost.shape);
  const share =
    cpu === null
      ? ''
      : `, ${((100 * cost.responseWalkMicros) / cpu).toFixed(2)}% of ${(cpu / 1000).toFixed(2)} ms: ${scopeWalkVerdict(cost.responseWalkMicros, cpu)}`;
  process.stdout.write(
    `${cost.shape}: decision +${cost.decisionMicros.toFixed(1)} µs, probe rewrite ${cost.probeRewriteMicros.toFixed(1)} µs, ` +
      `walk compiled ${(cost.walkCompileMicros ?? 0).toFixed(1)} µs, response walk ${cost.responseWalkMicros.toFixed(1)} µs${share}\n`,
  );
}

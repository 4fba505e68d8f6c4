import type { GoalVerdict } from './goals';
import type { BenchRun, Measurement } from './results';
import { Q4_PAGES, Q4_PAGE_SIZE, SHAPES } from './shapes';
import { TARGETS, TARGET_NAMES } from './targets';

/** Given a number, returns it with a fixed count of decimals, or "–" when it is not a number. */
function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** Given a measurement, returns its error count as "errors / requests" (median over repetitions). */
function errorText(measurement: Measurement): string {
  const median = measurement.median!;
  const errors = median.non2xx + median.graphqlErrors + median.failed;
  return errors === 0 ? '0' : `${fixed(errors, 0)} (${fixed(median.non2xx, 0)} non-2xx, ${fixed(median.graphqlErrors, 0)} GraphQL, ${fixed(median.failed, 0)} no answer)`;
}

/** Given the run, returns one markdown table per shape: a row per target and concurrency. */
function shapeTables(run: BenchRun): string[] {
  const lines: string[] = [];
  for (const shape of run.options.shapes) {
    lines.push(`### ${shape}: ${SHAPES[shape].title}`, '');
    const ofShape = run.measurements.filter((m) => m.shape === shape);
    if (ofShape.every((m) => !m.median)) {
      // Nothing measured (Q6 without a target with policy): one line per reason instead of a table of blanks.
      const reasons = [...new Set(ofShape.map((m) => m.note ?? m.status))];
      lines.push(`Not measured: ${reasons.join('; ')} (${[...new Set(ofShape.map((m) => TARGETS[m.target].label))].join(', ')}).`, '');
      continue;
    }
    lines.push('| target | c | req/s | p50 ms | p95 ms | p99 ms | errors | gateway CPU (cores) | other load on gateway CPU | gateway RSS MiB | subgraph CPU | load-gen CPU | DB CPU | subgraph calls/req | SQL/req | response KB |');
    lines.push('|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    const notes: string[] = [];
    for (const target of TARGET_NAMES) {
      for (const concurrency of run.options.concurrencies) {
        const measurement = run.measurements.find((m) => m.target === target && m.shape === shape && m.concurrency === concurrency);
        if (!measurement) continue;
        const label = TARGETS[target].label;
        if (!measurement.median) {
          lines.push(`| ${label} | ${concurrency} | ${measurement.status} | | | | | | | | | | | | | |`);
          if (measurement.note && !notes.includes(`${label}: ${measurement.note}`)) notes.push(`${label}: ${measurement.note}`);
          continue;
        }
        const m = measurement.median;
        const bytes = target === 'direct' ? '–' : fixed(m.meanResponseBytes / 1024, 1);
        lines.push(
          `| ${label}${measurement.status === 'failed' ? ' (FAILED)' : ''} | ${concurrency} | ${fixed(m.requestsPerSecond, 0)} | ${fixed(m.p50, 2)} | ${fixed(m.p95, 2)} | ${fixed(m.p99, 2)} | ${errorText(measurement)} | ${fixed(m.gatewayCores, 2)} | ${fixed(m.otherLoadOnGatewayCpus, 2)} | ${fixed(m.gatewayResidentMegabytes, 0)} | ${fixed(m.subgraphCores, 2)} | ${fixed(m.loadGeneratorCores, 2)} | ${fixed(m.databaseCores, 2)} | ${fixed(m.subgraphCallsPerRequest, 2)} | ${fixed(m.statementsPerRequest, 2)} | ${bytes} |`,
        );
        if (measurement.note) notes.push(`${label} c=${concurrency}: ${measurement.note.slice(0, 300)}`);
      }
    }
    lines.push('');
    if (notes.length) lines.push(...notes.map((note) => `- ${note}`), '');
  }
  return lines;
}

/** Given the verdicts, returns the markdown table of the issue's targets. */
function goalTable(verdicts: readonly GoalVerdict[]): string[] {
  const mark = { met: 'MET', missed: 'MISSED', 'not evaluated': 'not evaluated' } as const;
  return [
    '| target | verdict | by how much | figures |',
    '|---|---|---|---|',
    ...verdicts.map((verdict) => `| ${verdict.goal} | **${mark[verdict.verdict]}** | ${verdict.margin} | ${verdict.detail || '–'} |`),
  ];
}

/**
 * Given a run, returns the section on the audit's write floor: what a lone request's record costs before its
 * answer may leave, against the p50 at c=1 of our gateway without the audit on Q1 and Q4; none when not measured.
 */
function auditFloorSection(run: BenchRun): string[] {
  const floor = run.auditFloor;
  if (!floor) return [];
  const p50 = (shape: 'Q1' | 'Q4') => run.measurements.find((m) => m.target === 'ours-policy' && m.shape === shape && m.concurrency === 1)?.median?.p50 ?? null;
  const share = (ms: number, shape: 'Q1' | 'Q4') => {
    const base = p50(shape);
    return base === null ? '' : ` (${fixed((100 * ms) / base, 0)}% of ${shape}'s p50 at c=1 with the policy on and the audit off, ${fixed(base, 2)} ms)`;
  };
  return [
    "## The audit's write floor",
    '',
    `Measured with no load, median of ${floor.samples} one after another (bench/auditFloor.ts): ` +
      `the durable-write floor of the gateway's own disk, an fsync'd SQLite commit (WAL, synchronous=FULL), takes ${fixed(floor.sqliteCommitMs, 2)} ms; on the gateway database, ` +
      `a bare round trip takes ${fixed(floor.roundTripMs, 2)} ms; a durable append of one record takes ${fixed(floor.appendOneCitizenMs, 2)} ms naming one citizen${share(floor.appendOneCitizenMs, 'Q1')}, ` +
      `and ${fixed(floor.appendManyCitizensMs, 2)} ms naming ${floor.manyCitizens}${share(floor.appendManyCitizensMs, 'Q4')}. ` +
      (floor.outboxAppendMs === undefined ? '' : `Made durable in the gateway's local outbox instead (AUDIT_OUTBOX, on by default with MySQL), an append naming one citizen takes ${fixed(floor.outboxAppendMs, 2)} ms${share(floor.outboxAppendMs, 'Q1')}, and ${fixed(floor.outboxAppendCpuMs, 2)} ms of the gateway process's CPU (user and system, its shipment to the database included). `) +
      'A response with personal data waits for its record to be durable, so at c=1 the audit adds at least this much to it, whatever the gateway does around it.',
    '',
  ];
}

/**
 * Given a run, the verdicts on the issue's targets, the command that ran it and the chart's path relative to
 * the report, returns the report in markdown.
 */
export function renderReport(run: BenchRun, verdicts: readonly GoalVerdict[], command: string, chartPath: string): string {
  const { machine, placement, options } = run;
  const busy = machine.loadAverageAtStart > machine.cpus * 0.5 || run.loadAverageAtEnd > machine.cpus * 0.5;
  const lines: string[] = [
    `# Gateway benchmark, ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Command: \`${command}\``,
    '',
    `${options.durationSeconds} s measured per run, ${options.warmupSeconds} s warm-up, ${options.repetitions} repetition(s) (median shown), concurrency ${options.concurrencies.join(' and ')}, ${run.data.citizens.toLocaleString('en-US')} citizens.` +
      (options.smoke ? ' **Smoke run: the numbers only show that everything runs.**' : ''),
    '',
    busy
      ? `**Busy machine**: 1-minute load average ${machine.loadAverageAtStart.toFixed(2)} at the start and ${run.loadAverageAtEnd.toFixed(2)} at the end on ${machine.cpus} CPUs: other work shared the CPUs, so absolute numbers are low and noisy; compare targets within this run only.`
      : `1-minute load average ${machine.loadAverageAtStart.toFixed(2)} at the start and ${run.loadAverageAtEnd.toFixed(2)} at the end on ${machine.cpus} CPUs.`,
    '',
    '## Targets from the issue',
    '',
    ...goalTable(verdicts),
    '',
    `![throughput and latency per shape and target](${chartPath})`,
    '',
    ...auditFloorSection(run),
    '## Results',
    '',
    'CPU columns are cores used on average over the measured window (1.00 = one CPU busy all the time), read from /proc. ' +
      '"Other load on gateway CPU" is the time the gateway\'s pinned CPU spent on anything else (the database server, which the bench does not pin, or other work on the machine): where it is high, the gateway waited for its CPU and its latency is inflated. ' +
      'Subgraph calls and SQL statements are counted on the subgraph side (HTTP requests received; knex query events) and divided by the requests answered. ' +
      'Errors: non-2xx answers, 2xx answers whose body carries GraphQL errors (every body is checked), and requests with no answer. ' +
      'Response KB is the mean size of the gateway\'s answer including headers.',
    '',
    ...shapeTables(run),
    '## Statements per request at two page sizes',
    '',
    run.pageSizeProbes.length === 0
      ? 'No probe ran.'
      : [
          '| target | shape | page sizes | SQL statements/request | subgraph calls/request |',
          '|---|---|---|---|---|',
          ...run.pageSizeProbes.map(
            (probe) =>
              `| ${TARGETS[probe.target].label} | ${probe.shape} | ${probe.pageSizes.join(' / ')} | ${probe.statementsPerRequest.map((value) => fixed(value, 1)).join(' / ')} | ${probe.subgraphCallsPerRequest.map((value) => fixed(value, 1)).join(' / ')} |`,
          ),
        ].join('\n'),
    '',
    '## Machine, versions, placement',
    '',
    `- Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB memory, ${machine.kernel}`,
    `- Node ${machine.node}; database ${machine.database}`,
    `- Packages: ${Object.entries(machine.packages).map(([name, version]) => `${name} ${version}`).join(', ')}`,
    `- Placement (taskset${placement.pinned ? '' : ': not available, nothing pinned'}): gateway ${placement.gateway}; subgraphs ${placement.subgraphs}; load generator ${placement.loadGenerator}; bench orchestrator ${placement.orchestrator}; database ${placement.database}`,
    `- Data: ${run.data.citizens.toLocaleString('en-US')} citizens in ${run.data.description}${run.data.seededNow ? ` (seeded by this run in ${run.data.seedSeconds.toFixed(1)} s)` : ' (reused)'}`,
    '',
    '## Targets measured',
    '',
    ...options.targets.map((target) => {
      const outcome = run.targets[target];
      const state = outcome?.status === 'ok' ? '' : ` **${outcome?.status ?? 'not run'}**${outcome?.note ? `: ${outcome.note}` : ''}`;
      return `- ${TARGETS[target].label}: ${TARGETS[target].description}.${state}`;
    }),
    '',
    '## How the requests are made',
    '',
    `- Every request draws its variables from real identifiers read from the databases once (national IDs, communes with at least a page of parcels, communes with ${Q4_PAGES * Q4_PAGE_SIZE} residents), with a random sequence seeded by --seed ${options.randomSeed}: every target gets the same sequence.`,
    `- Q4 asks for ${Q4_PAGES} aliased pages of ${Q4_PAGE_SIZE} (the maximum page size) of one commune's residents in one operation; the cursors of pages 2 to ${Q4_PAGES} are read from population once at start, so the five pages are one request and one plan.`,
    '- Q5 writes a different national ID into the query text on every request (walking the shuffled IDs), so every request is a new document: parse, validation and planning are never cached.',
    '- Q6 is Q3 sent as a rotating set of agencies (Authorization and X-Purpose), meaningful only against a target that authenticates and applies policy; elsewhere it is n/a.',
    '- The subgraphs refuse calls without the gateway\'s signed access context (x-dsp-access). The peers and the direct floor sign the unrestricted context over each call\'s exact body (Apollo: a wrapper around its default fetcher; Hive: an onFetch plugin), so every target pays the same HMAC per call and none goes through a proxy.',
    '- The direct floor is a client in a process of its own, pinned where the gateway runs (its CPU and memory show in the gateway columns; it also generates its own load): it makes the calls a gateway makes (root query, then one _entities call per subgraph and level, keys deduplicated, so Q4 is one education call where @apollo/gateway makes one per aliased page) over keep-alive connections and times each logical request as a whole; it does not merge the answers into one response.',
    '- Gateways are driven by autocannon (one request in flight per connection, latency per response from autocannon\'s timer).',
    '',
  ];
  return lines.join('\n');
}

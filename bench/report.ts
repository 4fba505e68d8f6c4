import type { GoalVerdict } from './goals';
import { observabilityCostSection } from './observabilityCost';
import { fixed, runtimeLines, shapeSections, summaryTable } from './reportTables';
import type { AuditFloor, BenchRun } from './results';
import { Q4_PAGES, Q4_PAGE_SIZE } from './shapes';
import { TARGETS } from './targets';

/** The least repetitions and warm-up the verdicts are stated for; a run with less is a quick look. */
const LEAST_REPETITIONS = 3;
const LEAST_WARMUP_SECONDS = 10;

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
      (floor.outboxAppendMs === undefined
        ? ''
        : `Made durable in the gateway's local outbox instead (AUDIT_OUTBOX, on by default with MySQL), an append naming one citizen takes ${fixed(floor.outboxAppendMs, 2)} ms${share(floor.outboxAppendMs, 'Q1')}, and ${fixed(floor.outboxAppendCpuMs, 2)} ms of the gateway process's CPU (user and system, its shipment to the database included). `) +
      'A response with personal data waits for its record to be durable, so at c=1 the audit adds at least this much to it, whatever the gateway does around it.' +
      databaseCpuSentence(floor),
    '',
  ];
}

/** Given the floor, returns what the database's CPU per append says (what each citizen a record names costs it), or nothing when not measured. */
function databaseCpuSentence(floor: AuditFloor): string {
  const one = floor.databaseCpuOneCitizenMs;
  const many = floor.databaseCpuManyCitizensMs;
  if (one === undefined || one === null || many === undefined || many === null) return '';
  const perCitizenMicros = (1000 * (many - one)) / (floor.manyCitizens - 1);
  return (
    ` The database server spends ${fixed(one, 2)} ms of CPU on a direct append naming one citizen and ${fixed(many, 2)} ms on one naming ${floor.manyCitizens}: ` +
    `${fixed(perCitizenMicros, 1)} µs for each further citizen named, the citizen index's row (its primary key and the citizens' tracker index) and its share of the record's text.`
  );
}

/** The share of the gateway's CPU per request the row scope's walk of every response is to stay under. */
export const SCOPE_WALK_TARGET_PERCENT = 2;

/** Given the row scope's walk and the gateway's CPU per request (null when not measured), in µs, returns the verdict on its target. */
export function scopeWalkVerdict(walkMicros: number, cpuMicros: number | null): string {
  if (cpuMicros === null) return '– (no gateway CPU measured)';
  return (100 * walkMicros) / cpuMicros < SCOPE_WALK_TARGET_PERCENT
    ? `yes, under ${SCOPE_WALK_TARGET_PERCENT}%`
    : `**no**, ${SCOPE_WALK_TARGET_PERCENT}% or more`;
}

/**
 * Given a run, returns a function of a shape that gives our full gateway's CPU per request on it, in microseconds,
 * at the highest concurrency measured (null when not measured), and that concurrency.
 */
export function fullGatewayCpuPerRequest(run: BenchRun): { concurrency: number; micros: (shape: string) => number | null } {
  const concurrency = Math.max(...run.options.concurrencies);
  const micros = (shape: string): number | null => {
    const m = run.measurements.find(
      (candidate) => candidate.target === 'ours-full' && candidate.shape === shape && candidate.concurrency === concurrency,
    )?.median;
    return m?.gatewayCores && m.requestsPerSecond > 0 ? (m.gatewayCores / m.requestsPerSecond) * 1e6 : null;
  };
  return { concurrency, micros };
}

/**
 * Given a run, returns the section on what the query limits cost per document of Q1–Q4, against graphql's own
 * validation and against our full gateway's CPU per request at the highest concurrency measured; none when not measured.
 */
function limitsCostSection(run: BenchRun): string[] {
  if (!run.limitsCost?.length) return [];
  const { concurrency, micros: cpuMicrosPerRequest } = fullGatewayCpuPerRequest(run);
  return [
    '## What the query limits cost',
    '',
    "In-process, before any load, median of 500 runs on each shape's document (bench/limitsCost.ts): the limits' own work (the document's figures: " +
      "depth, aliases, directives, cost), the limit rules in a validation pass of their own, traversal included (an upper bound of what they add to graphql's pass, which the gateway makes once for all rules), " +
      `and their share of our full gateway's CPU per request at c=${concurrency} in this run. Apollo Server keeps validated documents (its document store, keyed by the ` +
      "text's hash), so a document sent again is neither parsed nor validated: these costs are paid once per distinct document, and the share is what they would be if every request were new.",
    '',
    "| shape | document | figures | limit rules, own pass | graphql's validation | gateway CPU per request | limits' share (figures, own pass) |",
    '|---|---|---|---|---|---|---|',
    ...run.limitsCost.map((cost) => {
      const cpu = cpuMicrosPerRequest(cost.shape);
      const share = cpu === null ? '–' : `${fixed((100 * cost.figuresMicros) / cpu, 2)}%, ${fixed((100 * cost.limitsAloneMicros) / cpu, 2)}%`;
      return `| ${cost.shape} | ${cost.documentBytes} B | ${fixed(cost.figuresMicros, 1)} µs | ${fixed(cost.limitsAloneMicros, 1)} µs | ${fixed(cost.graphqlValidationMicros, 1)} µs | ${cpu === null ? '–' : `${fixed(cpu / 1000, 2)} ms`} | ${share} |`;
    }),
    '',
  ];
}

/**
 * Given a run, returns the section on what the per-field row scope costs per request on Q1–Q4, against our full
 * gateway's CPU per request at the highest concurrency measured; none when not measured.
 */
function scopeCostSection(run: BenchRun): string[] {
  if (!run.scopeCost?.length) return [];
  const { concurrency, micros: cpuMicrosPerRequest } = fullGatewayCpuPerRequest(run);
  return [
    '## What the per-field row scope costs',
    '',
    "In-process, before any load, median of 500 runs on each shape's document (bench/scopeCost.ts), for an agency all of whose grants are scoped to overlapping communes: " +
      'what the scopes add to the decision (each field its own communes, each sector their intersection; decisions are cached per caller and document for a second), ' +
      "the scope probes' rewrite of the document and the compilation of the walk of its responses (both cached per document), and the walk that nulls every citizen population did not vouch for, " +
      'over a result of the size the shape asks for (every response; the copy of the result it walks is made outside the timing). ' +
      `The shares set against our full gateway's CPU per request at c=${concurrency} in this run what every response pays (the walk) and what a document never seen before pays (all four); ` +
      `the target is a walk under ${SCOPE_WALK_TARGET_PERCENT}% of it.`,
    '',
    `| shape | decision, added | probe rewrite | walk compiled | response walk | gateway CPU per request | scope's share (every response, a new document) | walk under ${SCOPE_WALK_TARGET_PERCENT}%? |`,
    '|---|---|---|---|---|---|---|---|',
    ...run.scopeCost.map((cost) => {
      const cpu = cpuMicrosPerRequest(cost.shape);
      const compile = cost.walkCompileMicros ?? 0;
      const total = cost.decisionMicros + cost.probeRewriteMicros + compile + cost.responseWalkMicros;
      const share = cpu === null ? '–' : `${fixed((100 * cost.responseWalkMicros) / cpu, 2)}%, ${fixed((100 * total) / cpu, 2)}%`;
      const verdict = scopeWalkVerdict(cost.responseWalkMicros, cpu);
      const compiled = cost.walkCompileMicros === undefined ? '–' : `${fixed(compile, 1)} µs`;
      return `| ${cost.shape} | ${fixed(cost.decisionMicros, 1)} µs | ${fixed(cost.probeRewriteMicros, 1)} µs | ${compiled} | ${fixed(cost.responseWalkMicros, 1)} µs | ${cpu === null ? '–' : `${fixed(cpu / 1000, 2)} ms`} | ${share} | ${verdict} |`;
    }),
    '',
  ];
}

/** Given a run, returns the section on what an access's inclusion proof costs in trails of 10^3 to 10^6 records; none when not measured. */
export function proofCostSection(run: BenchRun): string[] {
  if (!run.proofCost?.length) return [];
  return [
    "## What an access's inclusion proof costs",
    '',
    "In-process, before any load (bench/proofCost.ts): one access's proof as the citizen's page receives it (its leaf among the record's three citizens, the record's " +
      "path in the trail's Merkle tree, the signed checkpoint and a witness's countersignature), the median of 200 verifications as the page and `audit:verify --record` " +
      `make them (WebCrypto SHA-256 and Ed25519, in Node), the tree's growth per record over synthetic leaves and a real record's leaf (and one naming ${Q4_PAGES * Q4_PAGE_SIZE} citizens, a Q4's, which the growth hashes in slices of 10 ms between requests), and, for the trails written to ` +
      'SQLite here, the growth from the stored records as a checkpoint grows it (both in CPU per record) and the reading of a page of 20 paths.',
    '',
    `| records | path hashes | proof bytes | verification | growth per record | record leaf | leaf naming ${Q4_PAGES * Q4_PAGE_SIZE} | SQLite: growth per record | SQLite: 20 paths |`,
    '|---|---|---|---|---|---|---|---|---|',
    ...run.proofCost.map(
      (cost) =>
        `| ${cost.records.toLocaleString('en-US')} | ${cost.pathHashes} | ${cost.proofBytes} | ${fixed(cost.verifyMicros / 1000, 2)} ms | ${fixed(cost.growMicrosPerRecord, 1)} µs | ${fixed(cost.leafMicros, 1)} µs | ${cost.leafManyMicros === undefined ? '–' : `${fixed(cost.leafManyMicros / 1000, 2)} ms`} | ${cost.storedGrowMicrosPerRecord === undefined ? '–' : `${fixed(cost.storedGrowMicrosPerRecord, 1)} µs`} | ${cost.storedPageMs === undefined ? '–' : `${fixed(cost.storedPageMs, 1)} ms`} |`,
    ),
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
  const quick = options.repetitions < LEAST_REPETITIONS || options.warmupSeconds < LEAST_WARMUP_SECONDS;
  const notSteady = run.measurements.filter((m) => m.warmup && !m.warmup.steady).length;
  const lines: string[] = [
    `# Gateway benchmark, ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Command: \`${command}\``,
    '',
    `${options.durationSeconds} s measured per run, median of ${options.repetitions} repetition(s); ${options.warmupMaxSeconds > 0 ? `warm-up until the CPU per request is steady, at least ${options.warmupSeconds} s and at most ${options.warmupMaxSeconds} s` : 'no warm-up'}; concurrency ${options.concurrencies.join(' and ')}; ${run.data.citizens.toLocaleString('en-US')} citizens${run.scale ? ` (and ${run.scale.citizens.toLocaleString('en-US')} for the scale target)` : ''}.` +
      (options.smoke
        ? ' **Smoke run: the numbers only show that everything runs.**'
        : quick
          ? ` **A quick look: the verdicts are stated for at least ${LEAST_REPETITIONS} repetitions and ${LEAST_WARMUP_SECONDS} s of warm-up.**`
          : '') +
      (notSteady > 0 ? ` **${notSteady} measurement(s) were not steady at the end of their warm-up** (marked below).` : ''),
    '',
    busy
      ? `**Busy machine**: 1-minute load average ${machine.loadAverageAtStart.toFixed(2)} at the start and ${run.loadAverageAtEnd.toFixed(2)} at the end on ${machine.cpus} CPUs: other work shared the CPUs. CPU per request holds better than throughput and latency then; compare targets within this run only.`
      : `1-minute load average ${machine.loadAverageAtStart.toFixed(2)} at the start and ${run.loadAverageAtEnd.toFixed(2)} at the end on ${machine.cpus} CPUs.`,
    '',
    '## Targets from the issue',
    '',
    ...goalTable(verdicts),
    '',
    `![CPU milliseconds per request of each process, per shape and target](${chartPath})`,
    '',
    `## Summary (the README's table)`,
    '',
    `Each cell: the gateway's CPU ms per request / all processes' CPU ms per request at c=${Math.max(...options.concurrencies)} / p50 ms at c=${Math.min(...options.concurrencies)}.`,
    '',
    ...summaryTable(run),
    '',
    ...auditFloorSection(run),
    ...limitsCostSection(run),
    ...scopeCostSection(run),
    ...observabilityCostSection(run),
    ...proofCostSection(run),
    '## Results',
    '',
    'The primary figure is CPU milliseconds per request of each process, counted by pid from /proc (user and system time over the window, divided by the requests answered in it): ' +
      "the process in the gateway's place (a gateway, or the direct floor's server), each subgraph, the bench's database server (its pid only), the load generator, and their total. " +
      'It holds on a shared machine, where throughput and latency move with whatever else runs; they are shown beside it. ' +
      '"Other load on gateway CPU" is the time the gateway\'s pinned CPU spent on anything else. ' +
      'Subgraph calls and SQL statements are counted on the subgraph side (HTTP requests received; knex query events) and divided by the requests answered. ' +
      'Errors: non-2xx answers, 2xx answers whose body carries GraphQL errors (every body is checked), and requests with no answer. ' +
      "Response KB is the mean size of the gateway's answer including headers.",
    '',
    ...shapeSections(run.measurements, options.shapes, options.concurrencies),
    ...(run.scale
      ? [
          `## Scale: ${run.scale.citizens.toLocaleString('en-US')} citizens`,
          '',
          `${TARGETS['ours-full'].label}, over ${run.scale.description}${run.scale.seededNow ? ' (seeded by this run)' : ' (reused)'}.`,
          '',
          ...shapeSections(run.scale.measurements, options.shapes, options.concurrencies),
        ]
      : []),
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
    `- Packages: ${Object.entries(machine.packages)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
    `- Placement (taskset${placement.pinned ? '' : ': not available, nothing pinned'}): gateway ${placement.gateway}; subgraphs ${placement.subgraphs}; load generator ${placement.loadGenerator}; bench orchestrator ${placement.orchestrator}; database ${placement.database}`,
    `- Data: ${run.data.citizens.toLocaleString('en-US')} citizens in ${run.data.description}${run.data.seededNow ? ` (seeded by this run in ${run.data.seedSeconds.toFixed(1)} s)` : ' (reused)'}`,
    `- Database server: ${run.databaseServer}`,
    '',
    '## How each process ran',
    '',
    "Every target as its users run it in production: NODE_ENV=production, no source maps, TypeScript through tsx for ours and the bench alike (the peers' packages are compiled JavaScript).",
    '',
    ...runtimeLines(run),
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
    '- Q5 writes a different national ID into the query text on every request (walking the shuffled IDs, then again under a numbered alias), and each window of a target, warm-up included, goes on where the one before stopped: every request is a document that target has not seen, so parse, validation and planning are never cached.',
    '- Q6 is Q3 sent as a rotating set of agencies (Authorization and X-Purpose), meaningful only against a target that authenticates and applies policy; elsewhere it is n/a.',
    "- Q7 and Q8 are what real agencies do, with the demo's grants: the land office reads parcels with their owners, whose national IDs and dates of birth its grant masks (the gateway masks the response); the ward office reads its ward's residents with their parcels and enrolments, its row scope applied in SQL in every subgraph. Targets without policy answer the same queries in full.",
    "- Targets with policy are called as the bench's agencies (bench/agencies.ts, registered in the bench's gateway database): Q1–Q5 as the first of the rotation, Q6 as all of it, Q7 as the land office, Q8 as the ward office.",
    "- The subgraphs refuse calls without the gateway's signed access context (x-dsp-access). The peers and the direct floor sign the unrestricted context over each call's exact body (Apollo: a wrapper around its default fetcher; Hive: an onFetch plugin), so every target pays the same HMAC per call and none goes through a proxy.",
    "- The direct floor is a server in a process of its own, pinned where the gateway runs (its CPU and memory show in the gateway columns): for each request it makes the calls a gateway makes (root query, then one _entities call per subgraph and level, keys deduplicated, so Q4 is one education call where @apollo/gateway makes one per aliased page) over keep-alive connections, and answers with the subgraphs' data unmerged.",
    "- Every target, the floor included, is driven and timed by the same load generator: autocannon in a process of its own on the load generator's CPU (one request in flight per connection, latency per response from autocannon's timer).",
    '',
  ];
  return lines.join('\n');
}

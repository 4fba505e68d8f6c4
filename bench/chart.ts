import type { BuiltInSector } from '../common/sectors';
import { BUILT_IN_SECTORS } from '../common/sectors';
import type { CpuPerRequest } from './cpu';
import type { BenchRun } from './results';
import type { ShapeName } from './shapes';
import type { TargetName } from './targets';
import { TARGETS, TARGET_NAMES } from './targets';

const COLORS: Record<TargetName, string> = {
  direct: '#8c8c8c',
  apollo: '#6f42c1',
  'apollo-keepalive': '#b39ddb',
  'ours-off': '#1f77b4',
  'ours-policy': '#6baed6',
  'ours-full': '#0b3d91',
  'ours-full-database': '#393b79',
  'ours-bare': '#9edae5',
  'ours-production': '#17becf',
  'ours-redis': '#8c564b',
  'ours-replicas': '#2ca02c',
  hive: '#f0a30a',
  'hive-router': '#d9534f',
};

const WIDTH = 960;
const PANEL_HEIGHT = 300;
const MARGIN = { left: 70, right: 20, top: 40, bottom: 40 };
const LEGEND_HEIGHT = 40;

/** Width in pixels of a character of the 12-pixel legend font, near enough to lay the legend out. */
const LEGEND_CHARACTER_WIDTH = 7;

/** Given text, returns it safe inside SVG markup. */
function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

interface Panel {
  title: string;
  unit: string;
  values: Array<{ shape: ShapeName; bars: Array<{ target: TargetName; value: number }> }>;
}

/** Given a value, returns it as a bar label: whole numbers from 100 on, two significant decimals below. */
function label(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/**
 * Given a panel and its top edge, returns the SVG of a grouped bar chart: one group per shape, one bar per
 * target, each group on its own scale (shapes differ by orders of magnitude) with the value on every bar.
 */
function drawPanel(panel: Panel, top: number): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const base = top + MARGIN.top + plotHeight;
  const parts: string[] = [
    `<text x="${MARGIN.left}" y="${top + 22}" font-size="15" font-weight="bold">${escapeXml(panel.title)}</text>`,
    `<text x="${WIDTH - MARGIN.right}" y="${top + 22}" font-size="11" text-anchor="end" fill="#555">${escapeXml(`${panel.unit}; each shape on its own scale`)}</text>`,
  ];
  const groupWidth = panel.values.length ? plotWidth / panel.values.length : plotWidth;
  panel.values.forEach((group, groupIndex) => {
    const maximum = Math.max(...group.bars.map((bar) => bar.value));
    const left = MARGIN.left + groupIndex * groupWidth;
    const barWidth = Math.min(40, (groupWidth * 0.85) / Math.max(1, group.bars.length));
    const start = left + (groupWidth - barWidth * group.bars.length) / 2;
    group.bars.forEach((bar, barIndex) => {
      const x = start + barIndex * barWidth;
      // Leave room above the tallest bar for its label.
      const height = maximum > 0 ? (bar.value / maximum) * (plotHeight - 16) : 0;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${(base - height).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${height.toFixed(1)}" fill="${COLORS[bar.target]}"><title>${escapeXml(`${TARGETS[bar.target].label} ${group.shape}: ${bar.value.toFixed(2)} ${panel.unit}`)}</title></rect>`,
        `<text x="${(x + (barWidth - 2) / 2).toFixed(1)}" y="${(base - height - 4).toFixed(1)}" font-size="9" text-anchor="middle">${label(bar.value)}</text>`,
      );
    });
    parts.push(`<text x="${(left + groupWidth / 2).toFixed(1)}" y="${top + PANEL_HEIGHT - 16}" font-size="13" text-anchor="middle">${group.shape}</text>`);
  });
  parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${base}" y2="${base}" stroke="#333"/>`);
  return parts.join('\n');
}

/** The processes of the CPU chart, in stacking order, with their colours. */
const PROCESSES: ReadonlyArray<{ label: string; color: string; value(cpu: CpuPerRequest): number }> = [
  { label: 'gateway', color: '#0b3d91', value: (cpu) => cpu.gateway },
  ...BUILT_IN_SECTORS.map((sector: BuiltInSector, index) => ({
    label: sector,
    color: ['#2ca02c', '#98df8a', '#ff7f0e', '#ffbb78'][index]!,
    value: (cpu: CpuPerRequest) => cpu.subgraphs[sector],
  })),
  { label: 'database', color: '#d62728', value: (cpu) => cpu.database ?? 0 },
  { label: 'load generator', color: '#bcbcbc', value: (cpu) => cpu.loadGenerator },
];

const CPU_ROW_HEIGHT = 18;
const CPU_LABEL_WIDTH = 250;

/**
 * Given a shape's CPU per request by target and the panel's top edge, returns the SVG of one horizontal
 * stacked bar per target (gateway, each subgraph, database, load generator), with the total at its end.
 * Returns the markup and the panel's height.
 */
function drawCpuPanel(
  shape: ShapeName,
  concurrency: number,
  rows: Array<{ target: TargetName; cpu: CpuPerRequest }>,
  top: number,
): { svg: string; height: number } {
  const plotWidth = WIDTH - MARGIN.right - CPU_LABEL_WIDTH - 60;
  const maximum = Math.max(...rows.map((row) => row.cpu.total).filter(Number.isFinite), 0);
  const parts = [
    `<text x="${MARGIN.right}" y="${top + 20}" font-size="14" font-weight="bold">${escapeXml(`${shape}: CPU ms per request of each process at c=${concurrency} (lower is better)`)}</text>`,
  ];
  rows.forEach((row, index) => {
    const y = top + 30 + index * CPU_ROW_HEIGHT;
    parts.push(`<text x="${CPU_LABEL_WIDTH - 6}" y="${y + 12}" font-size="11" text-anchor="end">${escapeXml(TARGETS[row.target].label)}</text>`);
    let x = CPU_LABEL_WIDTH;
    for (const process of PROCESSES) {
      const value = process.value(row.cpu);
      if (!Number.isFinite(value) || value <= 0 || maximum <= 0) continue;
      const width = (value / maximum) * plotWidth;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${CPU_ROW_HEIGHT - 4}" fill="${process.color}"><title>${escapeXml(`${TARGETS[row.target].label}, ${process.label}: ${value.toFixed(3)} ms`)}</title></rect>`,
      );
      x += width;
    }
    parts.push(`<text x="${(x + 4).toFixed(1)}" y="${y + 12}" font-size="10">${Number.isFinite(row.cpu.total) ? label(row.cpu.total) : 'n/a'}</text>`);
  });
  return { svg: parts.join('\n'), height: 40 + rows.length * CPU_ROW_HEIGHT };
}

/** Returns the legend of the CPU chart's processes. */
function processLegend(top: number): string {
  let x = MARGIN.right;
  return PROCESSES.map((process) => {
    const item = `<rect x="${x}" y="${top}" width="12" height="12" fill="${process.color}"/><text x="${x + 16}" y="${top + 10}" font-size="12">${escapeXml(process.label)}</text>`;
    x += 16 + process.label.length * LEGEND_CHARACTER_WIDTH + 18;
    return item;
  }).join('\n');
}

/**
 * Given a run, returns an SVG (no script, no external resource): first, per shape, the CPU milliseconds per
 * request of each process (gateway, each subgraph, database, load generator) for every target at the highest
 * concurrency, as stacked bars; then two grouped bar charts, throughput at the highest concurrency and median
 * latency at the lowest. Only measured values are drawn.
 */
export function renderChart(run: Pick<BenchRun, 'measurements' | 'options'>): string {
  const latency = Math.min(...run.options.concurrencies);
  const throughput = Math.max(...run.options.concurrencies);
  const cpuPanels: string[] = [];
  let top = 10;
  cpuPanels.push(processLegend(top));
  top += 24;
  for (const shape of run.options.shapes) {
    const rows = TARGET_NAMES.flatMap((target) => {
      const found = run.measurements.find((m) => m.target === target && m.shape === shape && m.concurrency === throughput && m.status === 'ok' && m.median);
      return found?.median ? [{ target, cpu: found.median.cpu }] : [];
    });
    if (rows.length === 0) continue;
    const panel = drawCpuPanel(shape, throughput, rows, top);
    cpuPanels.push(panel.svg);
    top += panel.height;
  }
  const panelOf = (
    concurrency: number,
    title: string,
    unit: string,
    pick: (median: NonNullable<BenchRun['measurements'][number]['median']>) => number,
  ): Panel => ({
    title,
    unit,
    values: run.options.shapes
      .map((shape) => ({
        shape,
        bars: TARGET_NAMES.flatMap((target) => {
          const found = run.measurements.find(
            (m) => m.target === target && m.shape === shape && m.concurrency === concurrency && m.status === 'ok' && m.median,
          );
          return found?.median && Number.isFinite(pick(found.median)) ? [{ target, value: pick(found.median) }] : [];
        }),
      }))
      .filter((group) => group.bars.length > 0),
  });
  const panels = [
    panelOf(throughput, `Throughput at concurrency ${throughput} (higher is better)`, 'requests/s', (median) => median.requestsPerSecond),
    panelOf(latency, `Median latency at concurrency ${latency} (lower is better)`, 'ms (p50)', (median) => median.p50),
  ];
  const shown = TARGET_NAMES.filter((target) => run.measurements.some((m) => m.target === target && m.status === 'ok'));
  let x = MARGIN.left;
  const legend = shown
    .map((target) => {
      const item = `<rect x="${x}" y="14" width="12" height="12" fill="${COLORS[target]}"/><text x="${x + 16}" y="24" font-size="12">${escapeXml(TARGETS[target].label)}</text>`;
      x += 16 + TARGETS[target].label.length * LEGEND_CHARACTER_WIDTH + 18;
      return item;
    })
    .join('\n');
  const legendTop = top + 10;
  const height = legendTop + LEGEND_HEIGHT + panels.length * PANEL_HEIGHT;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    ...cpuPanels,
    `<g transform="translate(0 ${legendTop})">`,
    legend,
    '</g>',
    ...panels.map((panel, index) => drawPanel(panel, legendTop + LEGEND_HEIGHT + index * PANEL_HEIGHT)),
    '</svg>',
    '',
  ].join('\n');
}

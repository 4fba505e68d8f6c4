import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { subgraphMetrics } from '../../common/metrics/subgraphMetrics';
import { GatewayMetrics } from '../../gateway/metrics/gatewayMetrics';

const MONITORING = path.join(__dirname, '..', '..', 'deploy', 'monitoring');
const KEYWORDS = new Set(['and', 'or', 'unless', 'offset', 'bool', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/** Given a PromQL expression, returns the metric names it reads: label matchers, groupings, ranges and functions left out. */
function metricNamesIn(expression: string): string[] {
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\$\w+/g, ' ');
  return [...bare.matchAll(/\b([A-Za-z_:][A-Za-z0-9_:]*)\b(?!\s*\()/g)].map((match) => match[1]!).filter((name) => !KEYWORDS.has(name) && !/^\d/.test(name));
}

/** Every series name the gateway and a subgraph serve: each metric, and a histogram's _bucket, _sum and _count. */
async function servedNames(): Promise<Set<string>> {
  const registries = [new GatewayMetrics().registry, subgraphMetrics('population', { on: () => undefined } as never).registry];
  const names = new Set<string>();
  for (const registry of registries) {
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    }
  }
  return names;
}

describe('the monitoring files', () => {
  let served: Set<string>;

  beforeAll(async () => {
    served = await servedNames();
  });

  it('reads metric names out of PromQL, and only those', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.95, sum by (subgraph, le) (rate(a_seconds_bucket{code=~"X|Y"}[5m]))) > 3 * (b_total offset 1w or c * 0) and d > 0.01',
      ),
    ).toEqual(['a_seconds_bucket', 'b_total', 'c', 'd']);
  });

  it('alerts only on metrics the platform serves, and covers the audit, checkpoints, errors, latency, subgraphs and refusals', () => {
    const rules = (
      parse(fs.readFileSync(path.join(MONITORING, 'prometheus-alerts.yaml'), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> }
    ).groups.flatMap((group) => group.rules);
    const used = new Set(rules.flatMap((rule) => metricNamesIn(rule.expr)));
    expect([...used].filter((name) => !served.has(name))).toEqual([]);
    expect(rules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        'AuditUnavailable',
        'AuditCheckpointTooOld',
        'GatewayErrorRateHigh',
        'GatewayLatencyHigh',
        'SubgraphDown',
        'AgencyRefusedMoreThanUsual',
      ]),
    );
    for (const rule of rules) expect(metricNamesIn(rule.expr).length).toBeGreaterThan(0);
  });

  it('graphs only metrics the platform serves, in a dashboard Grafana can import', () => {
    const dashboard = JSON.parse(fs.readFileSync(path.join(MONITORING, 'grafana-dashboard.json'), 'utf8')) as {
      uid: string;
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
      templating: { list: Array<{ definition: string }> };
    };
    expect(dashboard.uid).toBe('dsp-platform');
    const expressions = [
      ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)),
      ...dashboard.templating.list.map((variable) => variable.definition),
    ];
    expect(expressions.length).toBeGreaterThan(20);
    const used = new Set(expressions.flatMap((expression) => metricNamesIn(expression.replace(/^label_values\((\w+),.*$/, '$1'))));
    expect([...used].filter((name) => !served.has(name))).toEqual([]);
    for (const name of [
      'gateway_requests_total',
      'audit_last_checkpoint_age_seconds',
      'rate_limit_refusals_total',
      'sharing_requests_overdue',
      'policy_version',
    ])
      expect(used.has(name)).toBe(true);
  });
});

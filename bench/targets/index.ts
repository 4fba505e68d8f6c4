/** What the bench measures side by side, in report order. */
export const TARGET_NAMES = [
  'direct',
  'apollo',
  'apollo-keepalive',
  'ours-off',
  'ours-policy',
  'ours-full',
  'ours-full-database',
  'ours-bare',
  'ours-production',
  'ours-redis',
  'ours-replicas',
  'hive',
  'hive-router',
] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export interface TargetInfo {
  name: TargetName;
  /** How the report names it. */
  label: string;
  description: string;
  /** Whether the target authenticates callers and applies policy: it is called as the bench's agencies, and only it runs Q6. */
  hasPolicy: boolean;
  /** What its process's environment sets over the bench's (which logs at warn). */
  environment?: Readonly<Record<string, string>>;
  /** Whether it counts its quotas in the bench's own Redis (REDIS_URL), which the bench then starts. */
  redis?: boolean;
}

export const TARGETS: Record<TargetName, TargetInfo> = {
  direct: {
    name: 'direct',
    label: 'direct calls (floor)',
    description:
      "no gateway: a server in the gateway's place that makes the calls a gateway would (root query, then _entities per level), signing every call, and answers with what the subgraphs answered; driven and timed by the same load generator as the gateways",
    hasPolicy: false,
  },
  apollo: {
    name: 'apollo',
    label: '@apollo/gateway (plain)',
    description: "plain @apollo/gateway in Apollo Server's standalone server, Apollo's defaults; adds only the signed access header",
    hasPolicy: false,
  },
  'apollo-keepalive': {
    name: 'apollo-keepalive',
    label: '@apollo/gateway + keep-alive fetcher',
    description:
      "@apollo/gateway as a skilled user configures it: Apollo's defaults, but the data source's documented `fetcher` option given a keep-alive client over Node's HTTP; adds only the signed access header",
    hasPolicy: false,
  },
  'ours-off': {
    name: 'ours-off',
    label: 'ours, policy+audit off',
    description: 'our gateway (query limits, keep-alive data source, error masking, own HTTP server) without authentication, policy and audit',
    hasPolicy: false,
  },
  'ours-policy': {
    name: 'ours-policy',
    label: 'ours, policy on, audit off',
    description:
      'our gateway with authentication, policy and quotas (counted in memory, as "everything on" counts them) but no audit trail: the difference to "everything on" is what the audit costs',
    hasPolicy: true,
  },
  'ours-full': {
    name: 'ours-full',
    label: 'ours, everything on',
    description: 'our gateway with authentication, policy and audit, as the platform starts it',
    hasPolicy: true,
  },
  'ours-full-database': {
    name: 'ours-full-database',
    label: 'ours, everything on, no outbox',
    description:
      "ours with everything on, its audit records made durable by the gateway database's own transaction (AUDIT_OUTBOX=off), group commit, rather than by the local outbox first: the other storage the audit may choose, measured beside it (on SQLite the two are the same)",
    hasPolicy: true,
    environment: { AUDIT_OUTBOX: 'off' },
  },
  'ours-bare': {
    name: 'ours-bare',
    label: 'ours, observability off',
    description:
      'our gateway with everything on as production runs it, but with its metrics and access log off (METRICS_ENABLED=false, ACCESS_LOG=off; tracing off): the floor the observability costs are measured from',
    hasPolicy: true,
    environment: { LOG_LEVEL: 'info', METRICS_ENABLED: 'false', ACCESS_LOG: 'off' },
  },
  'ours-production': {
    name: 'ours-production',
    label: 'ours, as production runs it',
    description:
      'our gateway with everything on, logging at info (an access-log line per request) and counting its metrics, tracing off; quotas counted in memory',
    hasPolicy: true,
    environment: { LOG_LEVEL: 'info', METRICS_ENABLED: 'true', ACCESS_LOG: 'on' },
  },
  'ours-redis': {
    name: 'ours-redis',
    label: 'ours, production + Redis quotas',
    description:
      "our gateway as production runs it, its quotas counted in a Redis of the bench's own (REDIS_URL, budgets never reached): one round trip to Redis per request, both budgets in it",
    hasPolicy: true,
    environment: { LOG_LEVEL: 'info', METRICS_ENABLED: 'true', ACCESS_LOG: 'on' },
    redis: true,
  },
  'ours-replicas': {
    name: 'ours-replicas',
    label: 'ours, two replicas',
    description:
      'two processes of our gateway with everything on, over one MySQL gateway database (and one Redis with REDIS_URL), behind a round-robin load balancer: what scaling out costs and gives',
    hasPolicy: true,
  },
  hive: {
    name: 'hive',
    label: 'Hive Gateway',
    description: 'Hive Gateway (createGatewayRuntime) with its defaults and JavaScript query planner; adds only the signed access header',
    hasPolicy: false,
  },
  'hive-router': {
    name: 'hive-router',
    label: 'Hive Gateway + router-runtime',
    description: 'Hive Gateway with @graphql-hive/router-runtime (Rust query planner); adds only the signed access header',
    hasPolicy: false,
  },
};

/** Given a name from the command line, tells whether it is a target. */
export function isTargetName(name: string): name is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(name);
}

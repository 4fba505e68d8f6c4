import { GatewayMetrics } from './gatewayMetrics';

/**
 * The gateway's metrics when METRICS_ENABLED=false: every count is dropped where it is made, and no gauge reads
 * the running gateway. Nothing serves its registry (GET /metrics is not routed), so it stays empty of figures.
 */
export class UncountedGatewayMetrics extends GatewayMetrics {
  override useSources(): () => void {
    return () => undefined;
  }

  override useOverdueSharingRequests(): void {
    return undefined;
  }

  override requestAnswered(): void {
    return undefined;
  }

  override subgraphFetched(): void {
    return undefined;
  }

  override auditBatchWritten(): void {
    return undefined;
  }

  override rateLimitRefused(): void {
    return undefined;
  }

  override unknownOperation(): void {
    return undefined;
  }
}

/**
 * When a durable write may start: while other requests are under way, writes are spaced intervalMs apart so
 * that the records arriving meanwhile share the next one (each durable write costs the gateway CPU, whatever it
 * carries); a record with no other request under way (a lone client) does not wait.
 */
export class WriteSpacing {
  private requestsUnderWay = 0;
  private lastWriteAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Tells that a request has begun: it may append a record soon. */
  requestBegun(): void {
    this.requestsUnderWay += 1;
  }

  /** Tells that a request begun has been answered. */
  requestEnded(): void {
    this.requestsUnderWay = Math.max(0, this.requestsUnderWay - 1);
  }

  /** Tells that a durable write starts now. */
  writing(): void {
    this.lastWriteAt = this.now();
  }

  /** Given how many records are queued, returns how long the next write should wait for others to join it. */
  holdMs(queued: number): number {
    const wait = this.lastWriteAt + this.intervalMs - this.now();
    return wait > 0 && this.requestsUnderWay - queued > 0 ? wait : 0;
  }
}

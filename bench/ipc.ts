/**
 * The bench's processes talk over Node's IPC channel, never over HTTP: a counter read must not be a request
 * that the server under test counts or pays for.
 */

/** What a child sends once its server listens, or when it could not start. */
export type ChildAnnouncement = { kind: 'ready'; url: string } | { kind: 'failed'; message: string } | { kind: 'unavailable'; message: string };

/** A call from the parent to a child, answered by a ChildReply with the same id. */
export interface ChildCall {
  kind: 'call';
  id: number;
  method: string;
  argument: unknown;
}

export type ChildReply = { kind: 'reply'; id: number; value: unknown } | { kind: 'reply'; id: number; error: string };

export type ChildMessage = ChildAnnouncement | ChildReply;

/** What a subgraph process counts, bench-only: totals since it started; the parent subtracts two readings. */
export interface SubgraphCounters {
  /** HTTP requests received: the subgraph calls made to it. */
  requests: number;
  /** SQL statements its database connection sent. */
  statements: number;
}

/** How a bench process runs: what makes one target's process differ from another's beyond its code. */
export interface ProcessRuntime {
  nodeEnv: string | null;
  sourceMaps: boolean;
  node: string;
  /** Node's options (the loaders: tsx and the production preload). */
  execArgv: string[];
}

/** Returns how this process runs. */
export function processRuntime(): ProcessRuntime {
  return { nodeEnv: process.env.NODE_ENV ?? null, sourceMaps: process.sourceMapsEnabled, node: process.version, execArgv: [...process.execArgv] };
}

/** Given a message, sends it to the parent; a no-op when the process was not started with an IPC channel. */
export function tellParent(message: ChildMessage): void {
  process.send?.(message);
}

/**
 * Given handlers by method name, answers the parent's calls with their results, and `runtime` with how the
 * process runs. The process exits when the parent goes away, so an interrupted bench never leaves a server behind.
 */
export function answerParentCalls(handlers: Record<string, (argument: never) => unknown>): void {
  const all: Record<string, (argument: never) => unknown> = { runtime: processRuntime, ...handlers };
  process.on('message', (message: ChildCall) => {
    if (message?.kind !== 'call') return;
    const handler = all[message.method];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`no method ${message.method}`);
        return handler(message.argument as never);
      })
      .then(
        (value) => tellParent({ kind: 'reply', id: message.id, value }),
        (error: unknown) => tellParent({ kind: 'reply', id: message.id, error: error instanceof Error ? error.message : String(error) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
  // A profiled child (--cpu-prof) writes its profile on a normal exit only: the bench's SIGTERM ends it as one.
  if (process.execArgv.includes('--cpu-prof')) process.on('SIGTERM', () => process.exit(0));
}

/**
 * Given a start function of a server, announces its URL to the parent, or why it did not start and exits:
 * unavailable (a target not wired yet, told by isUnavailable) or failed.
 */
export async function announceServer(start: () => Promise<{ url: string }>, isUnavailable: (error: unknown) => boolean = () => false): Promise<void> {
  try {
    const { url } = await start();
    tellParent({ kind: 'ready', url });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    tellParent({ kind: isUnavailable(error) ? 'unavailable' : 'failed', message });
    process.exitCode = 1;
    process.disconnect?.();
  }
}

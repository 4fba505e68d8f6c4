import { ConfigError } from '../common/config';

/** What runs once the process has stopped, before it exits: flushing the last spans. */
const exitTasks: Array<() => Promise<void>> = [];

/** Given a task, has stopOnSignals run it after the stop function and before the process exits. */
export function beforeExit(task: () => Promise<void>): void {
  exitTasks.push(task);
}

/** Runs the tasks registered with beforeExit; one that fails is passed over. */
async function runExitTasks(): Promise<void> {
  await Promise.all(exitTasks.map((task) => task().catch(() => undefined)));
}

/**
 * Given a stop function, runs it once on the first Ctrl-C or SIGTERM and then exits; a second signal
 * while stopping exits at once. Returns nothing; the process stays up until a signal arrives.
 */
export function stopOnSignals(stop: () => Promise<void>, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      write(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    stopping = true;
    write(`${signal}: stopping…`);
    stop().then(
      () => runExitTasks().then(() => process.exit(0)),
      (error: unknown) => {
        write(`stopped with an error: ${(error as Error).message}`);
        void runExitTasks().then(() => process.exit(1));
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** The exit code of a process refused to start by its configuration: EX_CONFIG of sysexits.h. */
export const EXIT_CONFIGURATION = 78;

/**
 * Given a failure at start-up, prints its message (never its stack: it may name internals) and exits:
 * EXIT_CONFIGURATION for a bad configuration, which no restart can mend, 1 for anything else.
 */
export function exitOnStartFailure(error: unknown): never {
  process.stderr.write(`Could not start: ${(error as Error).message}\n`);
  process.exit(error instanceof ConfigError ? EXIT_CONFIGURATION : 1);
}

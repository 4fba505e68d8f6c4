import { ConfigError } from './config';

/** A command line that does not fit the command's usage; the message says what is off. */
export class UsageError extends Error {}

/**
 * Given a command's name, its usage text and a parser of its arguments, returns the parsed arguments, or the
 * exit code once it has answered: 0 after printing the usage when help was asked, 2 after printing the
 * reason and the usage when the parser threw a UsageError.
 */
export function readCommandLine<T>(command: string, usage: string, parse: () => T | 'help'): T | number {
  let parsed: T | 'help';
  try {
    parsed = parse();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${command}: ${error.message}\n\n${usage}`);
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  return parsed;
}

/**
 * Given a command's main function, runs it and exits with the code it returns; on a failure, prints a configuration
 * error as it is and any other as "Failed: <message>" (never a stack), and exits 1.
 */
export function runCommand(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
      else process.stderr.write(`Failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}

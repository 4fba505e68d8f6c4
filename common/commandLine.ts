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

import { UsageError } from '../../common/commandLine';
import type { CommandSpec, Flags } from './commandKit';

/** Given the commands and the arguments after the script name, returns the command, its flags and the output form, or throws a UsageError. */
export function parseCommandLine<Services>(
  commands: Readonly<Record<string, CommandSpec<Services>>>,
  argv: readonly string[],
): { spec: CommandSpec<Services>; flags: Flags; json: boolean } | 'help' {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return 'help';
  const firstFlag = argv.findIndex((argument) => argument.startsWith('--'));
  const positional = firstFlag === -1 ? [...argv] : argv.slice(0, firstFlag);
  const name = positional.join(' ');
  // Own names only: "toString" or "constructor" is no command, nor a flag, though every object has them.
  const spec = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!spec) throw new UsageError(`unknown command "${name}"`);
  const strings = new Map<string, string>();
  const booleans = new Set<string>();
  const repeated = new Map<string, string[]>();
  let json = false;
  for (let index = positional.length; index < argv.length; index += 1) {
    const argument = argv[index]!;
    if (!argument.startsWith('--')) throw new UsageError(`unexpected argument "${argument}"`);
    const equals = argument.indexOf('=');
    const flag = equals === -1 ? argument.slice(2) : argument.slice(2, equals);
    if (flag === 'json' && equals === -1) {
      json = true;
      continue;
    }
    const kind = flag === 'as' || flag === 'reason' ? 'string' : Object.hasOwn(spec.flags, flag) ? spec.flags[flag] : undefined;
    if (!kind) throw new UsageError(`"${name}" takes no --${flag}`);
    if (kind === 'boolean') {
      if (equals !== -1) throw new UsageError(`--${flag} takes no value`);
      booleans.add(flag);
      continue;
    }
    const value = equals === -1 ? argv[++index] : argument.slice(equals + 1);
    if (value === undefined) throw new UsageError(`--${flag} needs a value`);
    if (kind === 'repeated') repeated.set(flag, [...(repeated.get(flag) ?? []), value]);
    else if (strings.has(flag)) throw new UsageError(`--${flag} is given twice`);
    else strings.set(flag, value);
  }
  const missing = (spec.required ?? []).filter((flag) => !strings.has(flag));
  if (missing.length > 0) throw new UsageError(`"${name}" needs ${missing.map((flag) => `--${flag}`).join(', ')}`);
  return {
    spec,
    json,
    flags: { string: (flag) => strings.get(flag), boolean: (flag) => booleans.has(flag), repeated: (flag) => repeated.get(flag) ?? [] },
  };
}

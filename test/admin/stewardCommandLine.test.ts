import { UsageError } from '../../common/commandLine';
import type { CommandSpec } from '../../scripts/steward/commandKit';
import { parseCommandLine } from '../../scripts/steward/parseCommandLine';

const COMMANDS: Record<string, CommandSpec<null>> = {
  'keys list': { field: 'Query.apiKeys', flags: { agency: 'string', all: 'boolean', mask: 'repeated' }, run: async () => ({ data: null, text: () => '' }) },
};

/** Given arguments, returns the message of the usage error they are refused with. */
function refusal(argv: string[]): string {
  try {
    parseCommandLine(COMMANDS, argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
}

describe('the steward command line', () => {
  it('reads a command, its flags and the output form', () => {
    const parsed = parseCommandLine(COMMANDS, ['keys', 'list', '--agency=H56.20', '--all', '--mask', 'a', '--mask', 'b', '--json']);
    expect(parsed).not.toBe('help');
    if (parsed === 'help') return;
    expect(parsed.spec).toBe(COMMANDS['keys list']);
    expect(parsed.json).toBe(true);
    expect([parsed.flags.string('agency'), parsed.flags.boolean('all'), parsed.flags.repeated('mask')]).toEqual(['H56.20', true, ['a', 'b']]);
  });

  it('answers help for no arguments or --help', () => {
    expect(parseCommandLine(COMMANDS, [])).toBe('help');
    expect(parseCommandLine(COMMANDS, ['keys', '--help'])).toBe('help');
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('refuses "%s", a name every object has, as an unknown command', (name) => {
    expect(refusal([name])).toBe(`unknown command "${name}"`);
  });

  it.each(['constructor', 'toString', '__proto__'])('refuses --%s, a name every object has, as a flag the command does not take', (flag) => {
    expect(refusal(['keys', 'list', `--${flag}`, 'x'])).toBe(`"keys list" takes no --${flag}`);
  });

  it('refuses a value given twice, a switch with a value and a flag without one', () => {
    expect(refusal(['keys', 'list', '--agency', 'a', '--agency', 'b'])).toBe('--agency is given twice');
    expect(refusal(['keys', 'list', '--all=yes'])).toBe('--all takes no value');
    expect(refusal(['keys', 'list', '--agency'])).toBe('--agency needs a value');
  });
});

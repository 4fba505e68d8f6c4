import fs from 'node:fs';
import { UsageError, readCommandLine } from '../common/commandLine';
import { ConfigError, getConfig } from '../common/config';
import { composeSupergraph } from '../schema/compose';
import { SUPERGRAPH_PATH } from '../schema/load';
import type { OperationDocument } from '../schema/operationDocuments';
import { readOperationFiles } from '../schema/operationDocuments';
import { registeredOperationDocuments } from '../schema/registeredOperations';
import { checkSubgraphChange, formatSchemaCheck } from '../schema/schemaCheck';
import { supergraphFor } from '../schema/supergraphFor';
import { EXIT_CONFIGURATION } from '../system/lifecycle';

const USAGE = `Usage:
  npm run compose
      writes schema/supergraph.graphql from the built-in sectors' SDLs
  npm run compose -- --check <sector> <file.graphql> [--operations <file>]... [--registered]
      composes <file.graphql> in place of <sector>'s SDL and prints its breaking, dangerous and safe changes against
      the supergraph served now (SECTORS_FILE's sectors included), and the operations it breaks: each --operations
      file is a .graphql document, or a .json persisted-query manifest ({"operations": [{ id, name, body }]}).
      --registered adds every agency's approved operations from the gateway database (MYSQL_HOST or DATA_DIR).
      Exits 1 when a change is breaking, 0 otherwise.
`;

interface CheckCommand {
  sector: string;
  sdlFile: string;
  operationFiles: string[];
  /** Whether the gateway database's registered operations are checked too. */
  registered: boolean;
}

/** Given the arguments, returns nothing to check (write the supergraph), a check to run, or 'help'. */
function parseArguments(args: readonly string[]): CheckCommand | null | 'help' {
  if (args.includes('--help') || args.includes('-h')) return 'help';
  if (args.length === 0) return null;
  const [flag, sector, sdlFile, ...rest] = args;
  if (flag !== '--check') throw new UsageError(`unknown argument "${flag}"`);
  if (!sector || !sdlFile || sector.startsWith('--') || sdlFile.startsWith('--')) throw new UsageError('--check takes a sector and an SDL file');
  const operationFiles: string[] = [];
  let registered = false;
  for (let index = 0; index < rest.length; index += 2) {
    if (rest[index] === '--registered') {
      registered = true;
      index -= 1;
      continue;
    }
    const file = rest[index + 1];
    if (rest[index] !== '--operations' || file === undefined) throw new UsageError(`expected --operations <file>, got "${rest.slice(index).join(' ')}"`);
    operationFiles.push(file);
  }
  return { sector, sdlFile, operationFiles, registered };
}

/**
 * Given a check, prints its report and returns the exit code: 1 when the change is breaking. The operations are
 * those of the files given; `registered` adds the platform's registered ones when it has a list of them.
 */
async function runCheck(command: CheckCommand, registered: () => Promise<readonly OperationDocument[]> = async () => []): Promise<number> {
  const { sectors } = getConfig();
  const sdl = fs.readFileSync(command.sdlFile, 'utf8');
  const fromFiles = readOperationFiles(command.operationFiles);
  const report = await checkSubgraphChange({
    sectors,
    currentSupergraph: supergraphFor(sectors),
    sector: command.sector,
    sdl,
    operations: async () => [...fromFiles, ...(await registered())],
  });
  process.stdout.write(`${formatSchemaCheck(report).join('\n')}\n`);
  return report.breaking ? 1 : 0;
}

async function main(): Promise<number> {
  const parsed = readCommandLine('compose', USAGE, () => parseArguments(process.argv.slice(2)));
  if (typeof parsed === 'number') return parsed;
  if (parsed !== null) return runCheck(parsed, parsed.registered ? () => registeredOperationDocuments(getConfig().database) : undefined);
  fs.writeFileSync(SUPERGRAPH_PATH, composeSupergraph());
  process.stdout.write(`Wrote ${SUPERGRAPH_PATH}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(error instanceof ConfigError ? EXIT_CONFIGURATION : 1);
  },
);

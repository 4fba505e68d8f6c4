import { getConfig } from '../common/config';
import { UsageError, readCommandLine, runCommand } from '../common/commandLine';
import { connect } from '../db/connection';
import { ArchiveRefused, archiveAuditMonth } from '../gateway/audit/archiveMonth';
import { trustedSigningKey } from '../gateway/audit/trustAnchor';

const USAGE = `Usage: npm run audit:archive -- --month YYYY-MM --out <archive file> [--json]

Archives a month of the audit trail that is over: writes its records to the archive file (never overwritten),
stores in the gateway database one manifest per gateway instance signed with the gateway's audit key
(AUDIT_SIGNING_KEY_FILE, pinned in AUDIT_TRUSTED_KEYS): the seqs archived, the chain's hash before and after them,
their count and the file's SHA-256; then removes the month (its partitions, on MySQL). npm run audit:verify then
crosses the month on its manifests, and checks the file too when given --archive <file>.

Exit status: 0 archived, 1 refused or failed (the reason is printed), 2 bad command line.
`;

interface Arguments {
  month: string;
  file: string;
  json: boolean;
}

function parseArguments(argv: readonly string[]): Arguments | 'help' {
  let month: string | undefined;
  let file: string | undefined;
  let json = false;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index]!;
    if (argument === '--help' || argument === '-h') return 'help';
    if (argument === '--json') json = true;
    else if (argument === '--month' || argument === '--out') {
      const value = argv[++index];
      if (value === undefined) throw new UsageError(`${argument} needs a value`);
      if (argument === '--month') month = value;
      else file = value;
    } else throw new UsageError(`unexpected argument "${argument}"`);
  }
  if (month === undefined || !/^\d{4}-\d{2}$/.test(month)) throw new UsageError('--month YYYY-MM is required');
  if (file === undefined) throw new UsageError('--out <archive file> is required');
  return { month, file, json };
}

async function main(): Promise<number> {
  const parsed = readCommandLine('audit:archive', USAGE, () => parseArguments(process.argv.slice(2)));
  if (typeof parsed === 'number') return parsed;
  const config = getConfig();
  const key = trustedSigningKey(config.audit, false);
  const db = connect(config.database, 'gateway');
  try {
    const archived = await archiveAuditMonth(db, { month: parsed.month, file: parsed.file, key });
    const text = [
      `Archived ${archived.month} to ${archived.file} (SHA-256 ${archived.fileDigest}):`,
      ...archived.manifests.map((manifest) => `  instance ${manifest.instance}: seqs ${manifest.firstSeq}..${manifest.lastSeq}, ${manifest.records} record(s)`),
      ...(archived.manifests.length === 0 ? ['  no record was held in that month'] : []),
      'Keep the file with the checkpoint files; npm run audit:verify -- --archive <file> checks it against its manifest.',
    ].join('\n');
    process.stdout.write(`${parsed.json ? JSON.stringify(archived, null, 2) : text}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ArchiveRefused)) throw error;
    process.stderr.write(`Refused: ${error.message}\n`);
    return 1;
  } finally {
    await db.destroy();
  }
}

runCommand(main);

import type { Knex } from 'knex';
import { UsageError } from '../../common/commandLine';
import { auditPartitions, ensureAuditPartitions } from '../../gateway/audit/auditPartitions';
import type { AuditFilterInput, AuditTrail } from '../../gateway/audit/auditTrail';
import type { CommandSpec, FlagKind, Flags } from './commandKit';
import { table, whole } from './commandKit';

/** What the audit trail's commands work on. */
interface AuditServices {
  audit: AuditTrail;
  /** The gateway database itself, for the commands that look at its tables (partitions). */
  db: Knex;
}

/** The audit trail's lines of the steward command's usage. */
export const AUDIT_USAGE = `  audit records [FILTERS] [--first 20] [--after <cursor>]           newest first
  audit counts --by agency|field [FILTERS]
  audit export [FILTERS] > file.csv                                  CSV, oldest first, every record selected
  audit partitions                  MySQL: the audit tables' monthly partitions and their rows, the months ahead added
    FILTERS: [--agency H56.30] [--citizen <national ID>] [--field Type.field] [--purpose P]
             [--from 2026-03-01] [--to 2026-04-01] [--outcome ALLOWED|FILTERED|DENIED|FAILED] [--denied]
             [--instance <gateway instance>]     (--from inclusive, --to exclusive)
`;

const AUDIT_FILTER_FLAGS: Record<string, FlagKind> = {
  agency: 'string',
  citizen: 'string',
  field: 'string',
  purpose: 'string',
  from: 'string',
  to: 'string',
  outcome: 'string',
  denied: 'boolean',
  instance: 'string',
};

/** Given the flags, returns the audit filter they name. */
function auditFilter(flags: Flags): AuditFilterInput {
  return {
    agencyCode: flags.string('agency') ?? null,
    nationalId: flags.string('citizen') ?? null,
    field: flags.string('field') ?? null,
    purpose: flags.string('purpose') ?? null,
    from: flags.string('from') ?? null,
    to: flags.string('to') ?? null,
    outcome: flags.string('outcome') ?? null,
    deniedOnly: flags.boolean('denied'),
    instance: flags.string('instance') ?? null,
  };
}

/** The audit trail's commands: records, counts, the CSV export and the partitions. */
export const AUDIT_COMMANDS: Record<string, CommandSpec<AuditServices>> = {
  'audit records': {
    field: 'Query.auditRecords',
    flags: { ...AUDIT_FILTER_FLAGS, first: 'string', after: 'string' },
    run: async ({ audit }, flags) => {
      const page = await audit.records(auditFilter(flags), { first: whole(flags, 'first') ?? null, after: flags.string('after') ?? null });
      const rows = page.nodes.map((record) => ({
        ...record,
        fields: record.fields.length,
        denied: record.fields.filter((field) => field.effect === 'DENY').length,
        citizens: record.citizenIds.length,
      }));
      const columns = [
        'at',
        'instance',
        'seq',
        'agencyCode',
        'userId',
        'officerUnit',
        'purpose',
        'dossierId',
        'operationName',
        'outcome',
        'errorCode',
        'fields',
        'denied',
        'citizens',
        'rowCount',
      ];
      const next = page.pageInfo.hasNextPage ? `\n\nMore: add --after ${page.pageInfo.endCursor}` : '';
      return { data: page, text: () => `${table(rows, columns)}${next}` };
    },
  },
  'audit counts': {
    field: 'Query.auditCountsByAgency',
    flags: { ...AUDIT_FILTER_FLAGS, by: 'string' },
    required: ['by'],
    run: async ({ audit }, flags) => {
      const by = flags.string('by');
      if (by === 'agency') {
        const counts = await audit.countsByAgency(auditFilter(flags));
        return {
          data: counts,
          text: () => table(counts as unknown as Array<Record<string, unknown>>, ['agencyCode', 'agencyName', 'requests', 'denied', 'rows']),
        };
      }
      if (by === 'field') {
        const counts = await audit.countsByField(auditFilter(flags));
        return {
          data: counts,
          text: () => table(counts as unknown as Array<Record<string, unknown>>, ['agencyCode', 'coordinate', 'allowed', 'masked', 'denied']),
        };
      }
      throw new UsageError(`--by needs agency or field, got "${by}"`);
    },
  },
  'audit partitions': {
    field: 'Query.auditRecords',
    flags: {},
    run: async ({ db }) => {
      const added = await ensureAuditPartitions(db, new Date());
      const partitions = await auditPartitions(db);
      const note =
        partitions.length === 0
          ? 'The audit tables are not partitioned (SQLite, or before the migration).'
          : added.length > 0
            ? `Added: ${added.join(', ')}`
            : '';
      return {
        data: { partitions, added },
        text: () => `${table(partitions as unknown as Array<Record<string, unknown>>, ['table', 'name', 'month', 'rows'])}${note ? `\n\n${note}` : ''}`,
      };
    },
  },
  'audit export': {
    field: 'Query.auditExport',
    flags: AUDIT_FILTER_FLAGS,
    run: async ({ audit }, flags) => {
      const filter = auditFilter(flags);
      return { data: null, text: () => '', stream: audit.exportCsvChunks(filter) };
    },
  },
};

import type { Connection, PageArguments } from '../../common/pagination';
import { pageRequest, toConnection } from '../../common/pagination';
import { getLogger } from '../../common/logger';
import { parseNationalId, printable } from '../../common/nationalId';
import { PURPOSES } from '../policy/types';
import { badInput } from '../store/errors';
import { parseInstant } from '../store/stewardship';
import type { AccessProofs } from './accessProofs';
import type { AgencyCountRow, AuditRepository, FieldCountRow, RecordFilter } from './auditRepository';
import { auditCsvHeader, auditCsvLine } from './csv';
import { AuditUnavailableError } from './errors';
import type { AccessProof } from './proofCheck';
import { toAuditRecord } from './records';
import type { AuditTimeline } from './timeline';
import { bucketStarts, timelinePeriod } from './timeline';
import type { VerificationLog } from './verificationLog';
import type { VerificationStatus } from './verificationStatus';
import { verificationStatus } from './verificationStatus';
import type { AuditOutcome, AuditRecord } from './types';
import { AUDIT_OUTCOMES, DENIED_OUTCOMES } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;
const EXPORT_PAGE = 1000;
/** The most records the admin API returns as one CSV text; the command line streams any number. */
export const MAX_EXPORT_RECORDS = 100_000;
const COORDINATE = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/;
const INSTANCE = /^[A-Za-z0-9._-]{1,64}$/;

/** How a steward narrows the trail; every criterion left out or null matches everything. */
export interface AuditFilterInput {
  agencyCode?: string | null;
  /** Records whose response held this citizen's personal data. */
  nationalId?: string | null;
  /** Records whose operation touched this field, "Type.field". */
  field?: string | null;
  purpose?: string | null;
  /** ISO date or timestamp, inclusive. */
  from?: string | null;
  /** ISO date or timestamp, exclusive. */
  to?: string | null;
  outcome?: string | null;
  /** Only requests refused in whole (DENIED) or in part (FILTERED). */
  deniedOnly?: boolean | null;
  instance?: string | null;
}

/** An access as the citizen whose data it read sees it. */
export interface CitizenAccess {
  /** instance:seq, to quote when asking the agency or the steward about it. */
  reference: string;
  at: string;
  agencyCode: string;
  agencyName: string;
  purpose: string | null;
  dossierId: string | null;
  /** The electronic code of the unit of the officer who read, when the agency named it. */
  officerUnit: string | null;
  /** True for the citizen's own read: a copy of their data they downloaded. */
  ownCopy: boolean;
  /** The fields the request was allowed to read ("Type.field"), masked ones included. */
  fieldsRead: string[];
  /** That the signed, countersigned audit trail holds this access and its record names the citizen; null until a checkpoint seals it. Absent without proofs. */
  proof?: AccessProof | null;
}

export interface CitizenAccessArguments extends PageArguments {
  from?: string | null;
  to?: string | null;
  agencyCode?: string | null;
  purpose?: string | null;
}

export interface AuditTrailOptions {
  repository: AuditRepository;
  /** Agencies whose reads a citizen sees only deferralDays after they happened. */
  deferredAgencies: readonly string[];
  deferralDays: number;
  /**
   * Resolves once the records written so far can be found by citizen and by field: the gateway's own log
   * (AuditLog.indexed), or for a reader in another process the repository catching up (indexEveryInstance).
   */
  indexed?: () => Promise<void>;
  /** The audit verifier's recorded runs; none: the console is told the verifier never ran. */
  verifications?: VerificationLog;
  /** How old the verifier's last run may be before the console warns; 24 hours when left out. */
  verificationMaxAgeMs?: number;
  /** The inclusion proofs of a citizen's accesses; left out, accesses come without. */
  proofs?: AccessProofs;
  now?: () => Date;
}

export type AgencyCount = AgencyCountRow;
export type FieldCount = FieldCountRow;

/** Given an optional period, returns it as ISO instants, or throws BAD_USER_INPUT. */
function period(from: string | null | undefined, to: string | null | undefined): { from: string | null; to: string | null } {
  const start = from ? parseInstant(from, 'from') : null;
  const end = to ? parseInstant(to, 'to') : null;
  if (start !== null && end !== null && end <= start) throw badInput(`"to" (${end}) must come after "from" (${start})`);
  return { from: start, to: end };
}

/** Given a steward's filter, returns it checked, or throws BAD_USER_INPUT naming what is wrong. */
function recordFilter(input: AuditFilterInput): RecordFilter {
  const text = (value: string | null | undefined) => (value === null || value === undefined || value.trim() === '' ? null : value.trim());
  const agencyCode = text(input.agencyCode);
  if (agencyCode !== null && agencyCode.length > 40) throw badInput(`Malformed agency code "${printable(agencyCode)}": at most 40 characters`);
  const nationalId = text(input.nationalId);
  if (nationalId !== null) {
    const parsed = parseNationalId(nationalId);
    if ('error' in parsed) throw badInput(`Malformed national ID "${printable(nationalId)}": ${parsed.error}`);
  }
  const field = text(input.field);
  if (field !== null && !COORDINATE.test(field)) throw badInput(`Malformed field "${printable(field)}": expected Type.field, such as Citizen.fullName`);
  const purpose = text(input.purpose);
  if (purpose !== null && !(PURPOSES as readonly string[]).includes(purpose))
    throw badInput(`Unknown purpose "${printable(purpose)}": expected one of ${PURPOSES.join(', ')}`);
  const outcome = text(input.outcome);
  if (outcome !== null && !(AUDIT_OUTCOMES as readonly string[]).includes(outcome))
    throw badInput(`Unknown outcome "${printable(outcome)}": expected one of ${AUDIT_OUTCOMES.join(', ')}`);
  const instance = text(input.instance);
  if (instance !== null && !INSTANCE.test(instance)) throw badInput(`Malformed instance "${printable(instance)}": letters, digits, . _ - (up to 64)`);
  let outcomes: AuditOutcome[] | null = outcome === null ? null : [outcome as AuditOutcome];
  if (input.deniedOnly) outcomes = (outcomes ?? [...AUDIT_OUTCOMES]).filter((candidate) => DENIED_OUTCOMES.includes(candidate));
  return { agencyCode, nationalId, field, purpose, outcomes, instance, ...period(input.from, input.to) };
}

const newestFirstKey = (record: { at: string; instance: string; seq: number }) => [record.at, record.instance, record.seq];
const KEY_TYPES = ['string', 'string', 'number'] as const;

/**
 * The audit trail, read side: a citizen's own accesses (refusals left out, deferred agencies' reads only once
 * old enough) and the stewards' queries, counts and CSV export. Input is checked here; SQL is in the repository.
 */
export class AuditTrail {
  private readonly repository: AuditRepository;
  private readonly now: () => Date;

  constructor(private readonly options: AuditTrailOptions) {
    this.repository = options.repository;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Waits until the records written so far can be found by citizen and field (see AuditTrailOptions.indexed),
   * then compares every instance's index head in the database with its chain's head and indexes what lies
   * between: a head lowered in the database, which the gateway's memory does not see, hides no record. Throws
   * AUDIT_UNAVAILABLE when that cannot be done (rows of a record below others were removed): an index that is
   * silently behind is never read.
   */
  private async indexed(): Promise<void> {
    await this.options.indexed?.();
    try {
      await this.repository.indexEveryInstance();
    } catch (error) {
      getLogger('audit').error({ err: error }, 'the audit index cannot be brought up to the chain: run `npm run audit:verify`');
      throw new AuditUnavailableError('The access index is behind the audit trail and cannot be brought up to it: no partial answer is given', error);
    }
  }

  /**
   * Given the national ID of the citizen asking (from their token, never from an argument) and a page, returns
   * the requests whose responses held their personal data, newest first.
   */
  async citizenAccess(nationalId: string, args: CitizenAccessArguments): Promise<Connection<CitizenAccess>> {
    const page = pageRequest('myDataAccess', KEY_TYPES, args);
    await this.indexed();
    const deferredUntil = new Date(this.now().getTime() - this.options.deferralDays * DAY_MS).toISOString();
    const agencyCode = args.agencyCode?.trim() || null;
    if (agencyCode !== null && agencyCode.length > 40) throw badInput(`Malformed agency code "${printable(agencyCode)}": at most 40 characters`);
    const purpose = args.purpose?.trim() || null;
    if (purpose !== null && !(PURPOSES as readonly string[]).includes(purpose))
      throw badInput(`Unknown purpose "${printable(purpose)}": expected one of ${PURPOSES.join(', ')}`);
    const rows = await this.repository.citizenRecords(
      { nationalId, ...period(args.from, args.to), deferredAgencies: this.options.deferredAgencies, deferredUntil, agencyCode, purpose },
      page.after,
      page.size + 1,
    );
    const proofs = this.options.proofs ? await this.options.proofs.forCitizen(nationalId, rows.slice(0, page.size)) : null;
    const accesses = rows.map(toAuditRecord).map((record, index): CitizenAccess & { instance: string; seq: number } => ({
      instance: record.instance,
      seq: record.seq,
      reference: `${record.instance}:${record.seq}`,
      at: record.at,
      agencyCode: record.agencyCode ?? '',
      agencyName: record.agencyName ?? record.agencyCode ?? '',
      purpose: record.purpose,
      dossierId: record.dossierId,
      officerUnit: record.officerUnit,
      ownCopy: record.callerNationalId === nationalId,
      fieldsRead: record.fields.filter((field) => field.effect !== 'DENY').map((field) => field.coordinate),
      ...(proofs ? { proof: proofs[index] ?? null } : {}),
    }));
    const connection = toConnection('myDataAccess', accesses, page.size, newestFirstKey);
    const strip = ({ instance: _instance, seq: _seq, ...access }: CitizenAccess & { instance: string; seq: number }): CitizenAccess => access;
    return { ...connection, nodes: connection.nodes.map(strip), edges: connection.edges.map((edge) => ({ ...edge, node: strip(edge.node) })) };
  }

  /**
   * Given a citizen and a reference (instance:seq), tells whether that access is one their tracker shows them:
   * a record holding their data, not refused, not deferred.
   */
  async citizenMaySee(nationalId: string, reference: string): Promise<boolean> {
    const match = /^([A-Za-z0-9._-]{1,64}):([1-9][0-9]{0,15})$/.exec(reference);
    if (!match) return false;
    await this.indexed();
    const deferredUntil = new Date(this.now().getTime() - this.options.deferralDays * DAY_MS).toISOString();
    const rows = await this.repository.citizenRecords(
      {
        nationalId,
        from: null,
        to: null,
        deferredAgencies: this.options.deferredAgencies,
        deferredUntil,
        record: { instance: match[1]!, seq: Number(match[2]) },
      },
      null,
      1,
    );
    return rows.length === 1;
  }

  /** Given a filter and a page, returns the records it selects, newest first. */
  async records(filter: AuditFilterInput, args: PageArguments): Promise<Connection<AuditRecord>> {
    const checked = recordFilter(filter);
    const page = pageRequest('auditRecords', KEY_TYPES, args);
    await this.indexed();
    const rows = await this.repository.recordsNewestFirst(checked, page.after, page.size + 1);
    return toConnection('auditRecords', rows.map(toAuditRecord), page.size, newestFirstKey);
  }

  /** Given a filter, returns per agency its requests, those refused in whole or in part, and the objects returned. */
  async countsByAgency(filter: AuditFilterInput): Promise<AgencyCount[]> {
    const checked = recordFilter(filter);
    await this.indexed();
    return this.repository.countsByAgency(checked, DENIED_OUTCOMES);
  }

  /** Given a filter, returns per agency and field how often the field was allowed, masked and denied. */
  async countsByField(filter: AuditFilterInput): Promise<FieldCount[]> {
    const checked = recordFilter(filter);
    await this.indexed();
    return this.repository.countsByField(checked);
  }

  /**
   * Given a filter, returns per bucket (hour for up to 2 days, else day) and agency the records it selects and
   * those refused in whole or in part: the last 30 days when it names no period, at most 400 days.
   */
  async countsOverTime(filter: AuditFilterInput): Promise<AuditTimeline> {
    const checked = recordFilter(filter);
    const { from, to, bucket } = timelinePeriod(checked.from, checked.to, this.now());
    await this.indexed();
    const { points, truncated } = await this.repository.timeline().countsOverTime({ ...checked, from, to }, bucket, DENIED_OUTCOMES);
    return { bucket, from, to, buckets: bucketStarts(from, to, bucket), points, truncated };
  }

  /** Returns the audit verifier's last recorded run, how old it is, and whether the console should warn. */
  async lastVerification(): Promise<VerificationStatus> {
    const last = (await this.options.verifications?.latest()) ?? null;
    return verificationStatus(last, this.now(), this.options.verificationMaxAgeMs ?? DAY_MS);
  }

  /** Given a checked filter, yields the records it selects, oldest first, a page at a time. */
  private async *recordPages(filter: RecordFilter): AsyncGenerator<AuditRecord[]> {
    await this.indexed();
    let after: Array<string | number> | null = null;
    for (;;) {
      const rows = await this.repository.recordsOldestFirst(filter, after, EXPORT_PAGE);
      if (rows.length === 0) return;
      const records = rows.map(toAuditRecord);
      yield records;
      if (rows.length < EXPORT_PAGE) return;
      after = newestFirstKey(records[records.length - 1]!);
    }
  }

  /** Given a filter, yields the CSV export of the records it selects, oldest first: the header, then a chunk per page. */
  async *exportCsvChunks(filter: AuditFilterInput): AsyncGenerator<string> {
    const checked = recordFilter(filter);
    yield auditCsvHeader();
    for await (const records of this.recordPages(checked)) yield records.map(auditCsvLine).join('');
  }

  /** Given a filter, returns the CSV export as one text; BAD_USER_INPUT when it would hold more than maxRecords. */
  async exportCsv(filter: AuditFilterInput, maxRecords = MAX_EXPORT_RECORDS): Promise<string> {
    const checked = recordFilter(filter);
    const chunks = [auditCsvHeader()];
    let count = 0;
    for await (const records of this.recordPages(checked)) {
      count += records.length;
      if (count > maxRecords) throw badInput(`The export holds more than ${maxRecords} records: narrow the period, or use \`npm run steward -- audit export\``);
      chunks.push(records.map(auditCsvLine).join(''));
    }
    return chunks.join('');
  }
}

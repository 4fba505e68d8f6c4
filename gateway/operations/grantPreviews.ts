import fs from 'node:fs';
import { parse } from 'graphql';
import type { CursorKey } from '../../common/pagination';
import { printable } from '../../common/nationalId';
import type { AuditRepository, RecordFilter } from '../audit/auditRepository';
import { AuditUnavailableError } from '../audit/errors';
import { DENIED_OUTCOMES } from '../audit/types';
import type { AuditedField } from '../audit/types';
import { grantPreviewFields } from '../catalogue/grantPreview';
import type { PreviewField } from '../catalogue/grantPreview';
import { declaredLabels } from '../policy/labels';
import type { FieldLabel } from '../policy/labels';
import type { FieldCoordinate, Purpose } from '../policy/types';
import { citedInstruments } from '../register/citation';
import { vietnamDay } from '../register/review';
import { SUPERGRAPH_PATH } from '../../schema/load';
import { badInput, notFound } from '../store/errors';
import { needsFourEyes } from '../store/fourEyes';
import { assertReplaceable } from '../store/grantReplacement';
import type { PolicyRepository } from '../store/policyRepository';
import { describeTarget, parseInstant } from '../store/stewardship';
import type { GrantInput, Stewardship } from '../store/stewardship';
import { assertCommunesInForce } from '../store/unitCodes';
import { applyProposal } from './impact';
import { grantsToRevoke, proposedGrants } from './proposal';
import { ReplayTally } from './replay';
import type { ReplayTallyResult } from './replay';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How far back a replay reads the audit trail. */
export const REPLAY_DAYS = 30;
/** The most records one replay decides again; those beyond are counted and said not replayed. */
export const MAX_REPLAYED_RECORDS = 20_000;
const REPLAY_PAGE = 500;
const REPLAY_SAMPLES = 50;

/** What a grant would open, before it is saved. */
export interface GrantPreview {
  agencyCode: string;
  target: string;
  purposes: Purpose[];
  fields: PreviewField[];
  /** The communes of the row scope with their names; null for the whole province. */
  scope: Array<{ code: string; name: string }> | null;
  /** True when the grant reaches sensitive data: it would wait for a second policy steward. */
  awaitsSecondSteward: boolean;
  /** The grant it would replace, checked as replaceGrant checks it; null for a new grant. */
  replacesGrantId: string | null;
  /** True when it replaces a grant and waits for a second steward: the old grant stays in force until the approval. */
  keepsReplacedUntilApproval: boolean;
}

/** A proposed change of one agency's grants: those to revoke and those to add, neither stored. */
export interface ReplayInput {
  agencyCode: string;
  revokeGrantIds?: readonly string[] | null;
  addGrants?: readonly GrantInput[] | null;
}

/** What replaying the agency's recent requests found. */
export interface GrantReplay extends ReplayTallyResult {
  agencyCode: string;
  from: string;
  to: string;
  /** The agency's records of the period. */
  recorded: number;
  /** Records of the period beyond the cap, not replayed. */
  notReplayed: number;
}

export interface GrantPreviewsOptions {
  repository: PolicyRepository;
  stewardship: Stewardship;
  /** The audit trail's records; left out, a replay answers AUDIT_UNAVAILABLE. */
  audit: AuditRepository | null;
  /** The composed supergraph the labels are read from; schema/supergraph.graphql when left out. */
  supergraphSdl?: string;
  now?: () => Date;
  /** The most records one replay decides again (MAX_REPLAYED_RECORDS), how many are read at a time, and how many changed ones are listed. */
  maxRecords?: number;
  pageSize?: number;
  sampleLimit?: number;
}

/** Given a stored record's decided fields as JSON, returns their coordinates. */
const coordinatesOf = (fieldsJson: string): string[] => (JSON.parse(fieldsJson) as AuditedField[]).map((field) => field.coordinate);

/**
 * What a steward sees before saving a grant change: the fields a grant would open, with their classification,
 * label and an example as the agency would read it; and the agency's requests of the last 30 days replayed
 * against the policy in force and the proposed one. Nothing is stored.
 */
export class GrantPreviews {
  private readonly now: () => Date;
  private labels: Map<FieldCoordinate, FieldLabel> | null = null;

  constructor(private readonly options: GrantPreviewsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  private labelsOf(): Map<FieldCoordinate, FieldLabel> {
    this.labels ??= declaredLabels(parse(this.options.supergraphSdl ?? fs.readFileSync(SUPERGRAPH_PATH, 'utf8')));
    return this.labels;
  }

  /**
   * Given a grant as the form holds it, returns what it would open: its fields (checked as createGrant checks
   * them), the communes of its scope by name, and whether it waits for four eyes. Refuses what createGrant would
   * refuse on its terms, agency, communes and legal basis (the overlap with another grant is told at saving). Given
   * the grant it would replace, refuses what replaceGrant would refuse of that one and tells whether the old grant
   * would stay in force until a second steward's approval.
   */
  async preview(input: GrantInput, replacesGrantId: string | null = null): Promise<GrantPreview> {
    const { stewardship, repository } = this.options;
    const prepared = stewardship.prepareGrant(input);
    const agency = await repository.agencyByCode(input.agencyCode);
    if (!agency) throw notFound(`Unknown agency "${printable(input.agencyCode)}"`);
    if (replacesGrantId !== null) {
      const old = /^\d{1,9}$/.test(replacesGrantId) ? await repository.grantById(Number(replacesGrantId)) : null;
      assertReplaceable(old, replacesGrantId, agency.code, old ? await repository.pendingReplacementsOf(Number(old.id)) : []);
    }
    const now = this.now().toISOString();
    const validFrom = input.validFrom ? parseInstant(input.validFrom, 'validFrom') : now;
    let scope: GrantPreview['scope'] = null;
    if (prepared.scopeUnitCodes !== null) {
      const [known, loaded] = await Promise.all([repository.unitsByCodes(prepared.scopeUnitCodes), repository.unitCount()]);
      assertCommunesInForce(prepared.scopeUnitCodes, known, loaded, 'scope unit codes', (validFrom > now ? validFrom : now).slice(0, 10));
      scope = prepared.scopeUnitCodes.map((code) => ({ code, name: known.get(code)?.name ?? code }));
    }
    await citedInstruments(repository.register(), prepared.legalInstruments, vietnamDay(validFrom));
    const { apiSchema, catalog } = stewardship.schema();
    // Asked through /admin, by a person or a steward key: a grant on sensitive data is reviewed whoever asks.
    const awaitsSecondSteward = needsFourEyes(prepared.target, catalog);
    return {
      agencyCode: agency.code,
      target: describeTarget(prepared.target),
      purposes: prepared.purposes,
      fields: grantPreviewFields(prepared, agency, apiSchema, catalog, this.labelsOf()),
      scope,
      awaitsSecondSteward,
      replacesGrantId,
      keepsReplacedUntilApproval: replacesGrantId !== null && awaitsSecondSteward,
    };
  }

  /**
   * Given an agency and grants of it to revoke and to add, replays the agency's requests of the last 30 days
   * (newest first, page by page, at most maxRecords) against the policy in force and the proposed one, and returns
   * how many would be newly allowed, newly refused, masked differently, read other rows, or fare the same, with
   * samples; records beyond the cap are counted as not replayed.
   */
  async replay(input: ReplayInput): Promise<GrantReplay> {
    const { repository, stewardship } = this.options;
    const audit = this.options.audit;
    if (!audit) throw new AuditUnavailableError('The audit trail is not available on this gateway: nothing to replay');
    const current = await repository.loadSnapshot();
    const agency = current.agencies.get(input.agencyCode);
    if (!agency) throw notFound(`Unknown agency "${printable(input.agencyCode)}"`);
    const revokeGrantIds = grantsToRevoke(input.revokeGrantIds, current);
    const ownGrants = new Set((current.grantsByAgency.get(agency.code) ?? []).map((grant) => grant.id));
    const foreign = revokeGrantIds.filter((id) => !ownGrants.has(id));
    if (foreign.length > 0) throw badInput(`Grant ${foreign.join(', ')} is not a grant of ${agency.code}: replay one agency's change at a time`);
    const now = this.now();
    const addGrants = proposedGrants(input.addGrants, current, stewardship.schema(), now);
    const otherAgency = addGrants.find((grant) => grant.agencyCode !== agency.code);
    if (otherAgency) throw badInput(`A grant to add is for ${otherAgency.agencyCode}, not ${agency.code}: replay one agency's change at a time`);
    if (revokeGrantIds.length === 0 && addGrants.length === 0) throw badInput('Nothing to replay: name grants to revoke or grants to add');
    const proposed = applyProposal(current, { revokeGrantIds, addGrants });
    const tally = new ReplayTally({ agency, catalog: stewardship.schema().catalog, current, proposed, now }, this.options.sampleLimit ?? REPLAY_SAMPLES);
    const from = new Date(now.getTime() - REPLAY_DAYS * DAY_MS).toISOString();
    const to = now.toISOString();
    const filter: RecordFilter = { agencyCode: agency.code, nationalId: null, field: null, purpose: null, from, to, outcomes: null, instance: null };
    const maxRecords = this.options.maxRecords ?? MAX_REPLAYED_RECORDS;
    const pageSize = Math.min(this.options.pageSize ?? REPLAY_PAGE, maxRecords);
    let read = 0;
    let before: CursorKey | null = null;
    while (read < maxRecords) {
      const page = await audit.recordsNewestFirst(filter, before, Math.min(pageSize, maxRecords - read));
      for (const row of page) {
        tally.add({
          at: row.recorded_at,
          purpose: row.purpose,
          operationName: row.operation_name,
          outcome: row.outcome,
          coordinates: coordinatesOf(row.fields_json),
        });
      }
      read += page.length;
      const last = page[page.length - 1];
      if (!last || page.length < pageSize) break;
      before = [last.recorded_at, last.instance, last.seq];
    }
    const [counts] = await audit.countsByAgency(filter, DENIED_OUTCOMES);
    const recorded = Math.max(counts?.requests ?? 0, read);
    return { agencyCode: agency.code, from, to, recorded, notReplayed: recorded - read, ...tally.result() };
  }
}

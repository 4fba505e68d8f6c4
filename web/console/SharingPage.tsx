import { useState } from 'react';
import { admin } from './api';
import { ChangeForm, Table, listOf, useQuery } from './Common';
import { useConsole } from './consoleContext';
import { ChangePreviewView, replayChange } from './GrantPreview';
import type { ChangePreview } from './GrantPreview';
import type { SharingPart } from '../shared/sharingPart';

interface SharingRequest {
  id: string;
  requesterCode: string;
  ownerCodes: string[];
  fields: string[];
  purposes: string[];
  legalBasis: string;
  procedure: string;
  status: string;
  deadlineAt: string;
  workingDaysLeft: number;
  overdue: boolean;
  parts: SharingPart[];
  /** The part of the steward's agency; null for the province-wide office. */
  myPart: SharingPart | null;
}

interface Impact {
  coordinate: string;
  personal: string;
  needsSecondSteward: boolean;
  purposes: string[];
  scopeUnitCodes: string[] | null;
}

interface Duplicate {
  agencyCode: string;
  coordinate: string;
  ownerSector: string;
  status: string;
  requestId: string | null;
}

const PART = 'ownerCode fields status deadlineAt workingDaysLeft overdue refusalReason refusalLegalBasis';
const REQUESTS = `{
  sharingRequests {
    id requesterCode ownerCodes fields purposes legalBasis procedure status deadlineAt workingDaysLeft overdue
    parts { ${PART} }
    myPart { ${PART} }
  }
  duplicateCollection { agencyCode coordinate ownerSector status requestId }
}`;
const IMPACT = `query ($id: ID!, $owner: String, $fields: [String!], $purposes: [String!], $scope: [String!]) {
  sharingRequestImpact(id: $id, ownerCode: $owner, fields: $fields, purposes: $purposes, scopeUnitCodes: $scope) {
    coordinate personal needsSecondSteward purposes scopeUnitCodes
  }
}`;

/** Given a request, returns what the steward answers of it: their agency's part, or (province-wide) the whole request. */
const shown = (request: SharingRequest): SharingRequest | SharingPart => request.myPart ?? request;

/** Given an answer form, returns the owner whose part it answers; null: the steward's own agency's, or the only part. */
const ownerOf = (form: FormData): string | null => String(form.get('owner') ?? '').trim() || null;

/** Given the answer form, returns what the steward keeps of the request: a list left empty keeps all that was asked. */
function narrowing(form: FormData) {
  const kept = (name: string) => {
    const values = listOf(form.get(name));
    return values.length > 0 ? values : null;
  };
  return { id: String(form.get('id')), owner: ownerOf(form), fields: kept('fields'), purposes: kept('purposes'), scope: kept('scope') };
}

/**
 * Sharing requests: the queue of requests for the data the agencies own, with their deadlines in working days
 * (overdue ones flagged), the preview of an approval's grants, approval (possibly narrower) and refusal in
 * writing; and the fields agencies collect again instead of asking for them.
 */
export function SharingPage() {
  const { session, t } = useConsole();
  const { data, error, reload } = useQuery<{ sharingRequests: SharingRequest[]; duplicateCollection: Duplicate[] }>(REQUESTS);
  const [impact, setImpact] = useState<Impact[] | null>(null);
  const [replay, setReplay] = useState<{ preview: ChangePreview | null; error: string | null } | null>(null);
  const mayAnswer = session.permittedFields.includes('Mutation.approveSharingRequest');
  const pending = (data?.sharingRequests ?? []).filter((request) => shown(request).status === 'PENDING');
  const ownerCodes = [...new Set((data?.sharingRequests ?? []).flatMap((request) => request.ownerCodes))].sort();
  const requestSelect = (
    <label>
      ID
      <select name="id">
        {(data?.sharingRequests ?? []).map((request) => (
          <option key={request.id} value={request.id}>
            #{request.id} {request.requesterCode} {shown(request).status}
          </option>
        ))}
      </select>
    </label>
  );
  // A steward of one agency answers its own part; the province-wide office names the part it answers.
  const ownerSelect = session.account.agencyCode ? null : (
    <label>
      {t('ownerPart')}
      <select name="owner" data-testid="answer-owner">
        <option value="">-</option>
        {ownerCodes.map((code) => (
          <option key={code} value={code}>
            {code}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section>
      <h2>{t('sharing')}</h2>
      {error && <div role="alert">{error}</div>}
      <p data-testid="queue-scope">
        {t('stewardAgency')}: {session.account.agencyCode ?? t('provinceWide')}
      </p>
      <p data-testid="overdue-count">
        {t('overdue')}: {pending.filter((request) => shown(request).overdue).length}
      </p>
      <Table
        testId="sharing-requests"
        rows={data?.sharingRequests ?? []}
        columns={[
          ['ID', (request) => request.id],
          [t('requester'), (request) => request.requesterCode],
          [t('owners'), (request) => request.ownerCodes.join(', ')],
          [t('field'), (request) => shown(request).fields.join(', ')],
          [t('purposes'), (request) => request.purposes.join(', ')],
          [t('legalBasis'), (request) => request.legalBasis],
          [t('procedure'), (request) => request.procedure],
          [t('status'), (request) => <span data-testid="shown-status">{shown(request).status}</span>],
          [
            t('deadline'),
            (request) => {
              const answering = shown(request);
              return (
                <span className={answering.overdue ? 'error' : undefined} data-testid={answering.overdue ? 'overdue' : undefined}>
                  {answering.deadlineAt.slice(0, 10)} ({answering.workingDaysLeft} {t('workingDays')}){answering.overdue ? ` · ${t('overdue')}` : ''}
                </span>
              );
            },
          ],
          [
            t('ownerParts'),
            (request) => (
              <span data-testid="parts">
                {request.parts
                  .map((part) => `${part.ownerCode}: ${part.status}${part.refusalReason ? ` (${part.refusalReason}, ${part.refusalLegalBasis})` : ''}`)
                  .join('; ')}
              </span>
            ),
          ],
        ]}
      />
      {mayAnswer && (
        <ChangeForm
          testId="approve-request"
          title={t('approveRequest')}
          submit={t('approve')}
          onSubmit={async (reason, form) => {
            const kept = narrowing(form);
            await admin(
              session,
              'mutation ($id: ID!, $owner: String, $fields: [String!], $purposes: [String!], $scope: [String!]) { approveSharingRequest(id: $id, ownerCode: $owner, fields: $fields, purposes: $purposes, scopeUnitCodes: $scope) { id } }',
              kept,
              reason,
            );
            await reload();
          }}
        >
          {requestSelect}
          {ownerSelect}
          <label>
            {t('keepFields')} <input name="fields" />
          </label>
          <label>
            {t('keepPurposes')} <input name="purposes" />
          </label>
          <label>
            {t('scope')} <input name="scope" />
          </label>
          <button
            type="button"
            data-testid="preview-impact"
            onClick={(event) => {
              const form = new FormData(event.currentTarget.form!);
              const kept = narrowing(form);
              const request = data?.sharingRequests.find((candidate) => candidate.id === kept.id);
              void admin<{ sharingRequestImpact: Impact[] }>(session, IMPACT, kept).then(
                (result) => {
                  setImpact(result.sharingRequestImpact);
                  if (!request || result.sharingRequestImpact.length === 0) return setReplay(null);
                  // The grants the approval would make, replayed against the requester's last 30 days of requests.
                  const grants = result.sharingRequestImpact.map((row) => ({
                    agencyCode: request.requesterCode,
                    target: { kind: 'FIELD', coordinate: row.coordinate },
                    purposes: row.purposes,
                    legalInstruments: [request.legalBasis],
                    legalBasis: null,
                    scopeUnitCodes: row.scopeUnitCodes,
                    masks: [],
                    validTo: null,
                  }));
                  return replayChange(session, request.requesterCode, grants, []).then(
                    (answer) => setReplay({ preview: { grant: null, replay: answer }, error: null }),
                    (refused: Error) => setReplay({ preview: null, error: refused.message }),
                  );
                },
                () => setImpact([]),
              );
            }}
          >
            {t('previewImpact')}
          </button>
          {impact && (
            <Table
              testId="impact"
              rows={impact}
              columns={[
                [t('field'), (row) => row.coordinate],
                [t('purposes'), (row) => row.purposes.join(', ')],
                [t('scope'), (row) => row.scopeUnitCodes?.join(', ') ?? '-'],
                [t('fourEyes'), (row) => (row.needsSecondSteward ? t('secondSteward') : '-')],
              ]}
            />
          )}
          {replay && <ChangePreviewView preview={replay.preview} error={replay.error} />}
        </ChangeForm>
      )}
      {mayAnswer && (
        <ChangeForm
          testId="refuse-request"
          title={t('refuseRequest')}
          submit={t('refuse')}
          onSubmit={async (reason, form) => {
            await admin(
              session,
              'mutation ($id: ID!, $owner: String, $reason: String!, $legalBasis: String!) { refuseSharingRequest(id: $id, ownerCode: $owner, reason: $reason, legalBasis: $legalBasis) { id } }',
              { id: String(form.get('id')), owner: ownerOf(form), reason: String(form.get('refusal')), legalBasis: String(form.get('restricting')) },
              reason,
            );
            await reload();
          }}
        >
          {requestSelect}
          {ownerSelect}
          <label>
            {t('refusal')} <input name="refusal" required />
          </label>
          <label>
            {t('restrictingBasis')} <input name="restricting" required placeholder="13/2023/NĐ-CP" />
          </label>
        </ChangeForm>
      )}
      <h3>{t('duplicates')}</h3>
      <Table
        testId="duplicates"
        rows={data?.duplicateCollection ?? []}
        columns={[
          [t('agency'), (row) => row.agencyCode],
          [t('field'), (row) => row.coordinate],
          [t('sector'), (row) => row.ownerSector],
          [t('status'), (row) => row.status + (row.requestId ? ` #${row.requestId}` : '')],
        ]}
      />
    </section>
  );
}

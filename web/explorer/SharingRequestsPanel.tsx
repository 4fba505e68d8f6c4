import { useCallback, useEffect, useState } from 'react';
import type { GraphQLAnswer } from './caller';
import { askGateway } from './caller';
import { useCaller } from './callerContext';

const MINE = `query MySharingRequests {
  mySharingRequests {
    id fields purposes legalBasis procedure ownerCodes status deadlineAt workingDaysLeft overdue
    refusalReason refusalLegalBasis grantedFields grantedPurposes grantIds
  }
}`;

const FILE = `mutation FileSharingRequest($input: SharingRequestInput!) { fileSharingRequest(input: $input) { id deadlineAt } }`;

interface MySharingRequest {
  id: string;
  fields: string[];
  purposes: string[];
  legalBasis: string;
  procedure: string;
  ownerCodes: string[];
  status: string;
  deadlineAt: string;
  workingDaysLeft: number;
  overdue: boolean;
  refusalReason: string | null;
  refusalLegalBasis: string | null;
  grantedFields: string[] | null;
  grantedPurposes: string[] | null;
  grantIds: string[] | null;
}

const listOf = (value: FormDataEntryValue | null): string[] =>
  String(value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

/** One request and its answer, as the requester reads it. */
function RequestCard({ request }: { request: MySharingRequest }) {
  return (
    <section data-testid="sharing-request" className="grant">
      <h3>
        Yêu cầu / Request <code>{request.id}</code>: <span data-testid="request-status">{request.status}</span>
      </h3>
      <dl>
        <dt>Fields</dt>
        <dd>{request.fields.join(', ')}</dd>
        <dt>Purposes · legal basis</dt>
        <dd>
          {request.purposes.join(', ')} · {request.legalBasis}
        </dd>
        <dt>Owners · deadline</dt>
        <dd>
          {request.ownerCodes.join(', ')} · {request.deadlineAt.slice(0, 10)} ({request.workingDaysLeft} working days left)
          {request.overdue ? <strong> · overdue</strong> : null}
        </dd>
        {request.status === 'REFUSED' && (
          <>
            <dt>Lý do từ chối / Refused because</dt>
            <dd data-testid="refusal">
              {request.refusalReason} ({request.refusalLegalBasis})
            </dd>
          </>
        )}
        {request.status === 'APPROVED' && (
          <>
            <dt>Granted</dt>
            <dd data-testid="granted">
              {(request.grantedFields ?? []).join(', ')} for {(request.grantedPurposes ?? []).join(', ')} (grants {(request.grantIds ?? []).join(', ')})
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

/**
 * The "Sharing requests" page: a small form with which the caller's agency asks for data another agency owns
 * (fields, purposes, the legal instrument's number, communes, procedure), and its requests with their answers.
 */
export function SharingRequestsPanel() {
  const caller = useCaller();
  const [answer, setAnswer] = useState<GraphQLAnswer<{ mySharingRequests: MySharingRequest[] }> | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const load = useCallback(
    () =>
      askGateway<{ mySharingRequests: MySharingRequest[] }>(caller, MINE).then(setAnswer, (error: Error) =>
        setAnswer({ errors: [{ message: error.message }] }),
      ),
    [caller],
  );
  useEffect(() => {
    setAnswer(null);
    void load();
  }, [load]);
  const requests = answer?.data?.mySharingRequests ?? null;
  return (
    <div className="panel" data-testid="sharing-requests">
      <h2>Yêu cầu chia sẻ dữ liệu / Sharing requests</h2>
      {requests === null && <p>{answer?.errors?.[0]?.message ?? 'Loading…'}</p>}
      <form
        data-testid="file-request"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          const scope = listOf(form.get('scope'));
          const input = {
            fields: listOf(form.get('fields')),
            purposes: listOf(form.get('purposes')),
            legalBasis: String(form.get('legalBasis') ?? ''),
            procedure: String(form.get('procedure') ?? ''),
            ...(scope.length > 0 ? { scopeUnitCodes: scope } : {}),
          };
          void askGateway<{ fileSharingRequest: { id: string; deadlineAt: string } }>(caller, FILE, { input }).then((filed) => {
            const made = filed.data?.fileSharingRequest;
            setMessage(made ? `#${made.id} · ${made.deadlineAt.slice(0, 10)}` : (filed.errors?.[0]?.message ?? 'No answer'));
            void load();
          });
        }}
      >
        <label>
          Trường dữ liệu / Fields <input name="fields" required placeholder="Citizen.fullName, HealthInsuranceCard.validTo" />
        </label>
        <label>
          Mục đích / Purposes <input name="purposes" required placeholder="LAND_REGISTRATION" />
        </label>
        <label>
          Căn cứ pháp lý (số hiệu) / Legal basis (instrument number) <input name="legalBasis" required placeholder="47/2020/NĐ-CP" />
        </label>
        <label>
          Phạm vi (mã xã) / Communes <input name="scope" placeholder="40778" />
        </label>
        <label>
          Thủ tục / Procedure <input name="procedure" required />
        </label>
        <button type="submit">Gửi yêu cầu / File</button>
        {message && <div role="status">{message}</div>}
      </form>
      {(requests ?? []).map((request) => (
        <RequestCard key={request.id} request={request} />
      ))}
    </div>
  );
}

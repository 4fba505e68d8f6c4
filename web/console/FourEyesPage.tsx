import { admin } from './api';
import { ChangeForm, Table, useQuery } from './Common';
import { useConsole } from './consoleContext';

interface PendingGrant {
  id: string;
  agencyCode: string;
  target: { description: string };
  purposes: string[];
  legalBasis: string;
  requestedBy: string | null;
  sharingRequestId: string | null;
  replacesGrantId: string | null;
}

const PENDING =
  '{ grants(approvalStatus: "PENDING_APPROVAL") { id agencyCode target { description } purposes legalBasis requestedBy sharingRequestId replacesGrantId } }';

/**
 * Four eyes: grants on sensitive data waiting for a second policy steward, to approve or reject with a reason; a
 * grant asked for in place of another names it, and its approval revokes that one.
 */
export function FourEyesPage() {
  const { session, t } = useConsole();
  const { data, error, reload } = useQuery<{ grants: PendingGrant[] }>(PENDING);
  const grantSelect = (
    <label>
      ID
      <select name="id">
        {(data?.grants ?? []).map((grant) => (
          <option key={grant.id} value={grant.id}>
            #{grant.id} {grant.agencyCode} {grant.target.description}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section>
      <h2>{t('fourEyes')}</h2>
      {error && <div role="alert">{error}</div>}
      <Table
        testId="pending-grants"
        rows={data?.grants ?? []}
        columns={[
          ['ID', (grant) => grant.id],
          [t('agency'), (grant) => grant.agencyCode],
          [t('target'), (grant) => grant.target.description],
          [t('purposes'), (grant) => grant.purposes.join(', ')],
          [t('legalBasis'), (grant) => grant.legalBasis],
          [t('requestedBy'), (grant) => grant.requestedBy ?? '-'],
          // Approving a replacement revokes the grant it replaces, in force until then.
          [t('inPlaceOf'), (grant) => (grant.replacesGrantId ? `#${grant.replacesGrantId}` : '-')],
        ]}
      />
      <ChangeForm
        testId="approve-grant"
        title={t('approve')}
        submit={t('approve')}
        onSubmit={async (reason, form) => {
          await admin(
            session,
            'mutation ($id: ID!, $reason: String) { approveGrant(id: $id, reason: $reason) { id } }',
            { id: String(form.get('id')), reason },
            reason,
          );
          await reload();
        }}
      >
        {grantSelect}
      </ChangeForm>
      <ChangeForm
        testId="reject-grant"
        title={t('reject')}
        submit={t('reject')}
        onSubmit={async (reason, form) => {
          await admin(
            session,
            'mutation ($id: ID!, $reason: String!) { rejectGrant(id: $id, reason: $reason) { id } }',
            { id: String(form.get('id')), reason },
            reason,
          );
          await reload();
        }}
      >
        {grantSelect}
      </ChangeForm>
    </section>
  );
}

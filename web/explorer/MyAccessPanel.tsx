import { useEffect, useState } from 'react';
import type { GraphQLAnswer } from './caller';
import { askGateway } from './caller';
import { useCaller } from './callerContext';

/** The self-service query the panel shows: the caller's own grants. */
export const MY_ACCESS_QUERY = `query MyAccess {
  myAccess {
    agencyCode agencyName ownSector policyVersion expiringWithinDays
    grants {
      id covers purposes legalBasis rowScope
      masks { field mask }
      validFrom validTo valid expiresInDays expiringSoon
      fields types
    }
  }
}`;

interface AccessGrant {
  id: string;
  covers: string;
  purposes: string[];
  legalBasis: string;
  rowScope: string[] | null;
  masks: Array<{ field: string; mask: string }>;
  validFrom: string;
  validTo: string | null;
  valid: boolean;
  expiresInDays: number | null;
  expiringSoon: boolean;
  fields: string[];
  types: string[];
}

interface MyAccess {
  agencyCode: string;
  agencyName: string;
  ownSector: string | null;
  policyVersion: number;
  expiringWithinDays: number;
  grants: AccessGrant[];
}

function validity(grant: AccessGrant): string {
  const until = grant.validTo ? `until ${grant.validTo.slice(0, 10)}` : 'until revoked';
  return `from ${grant.validFrom.slice(0, 10)} ${until}`;
}

function GrantCard({ grant }: { grant: AccessGrant }) {
  return (
    <section data-testid="grant" className={`grant${grant.expiringSoon ? ' expiring' : ''}`}>
      <h3>
        Grant <code>{grant.id}</code>: {grant.covers}
      </h3>
      <dl>
        <dt>Purposes</dt>
        <dd>{grant.purposes.join(', ')}</dd>
        <dt>Legal basis</dt>
        <dd>{grant.legalBasis}</dd>
        <dt>Rows</dt>
        <dd>{grant.rowScope === null ? 'the whole province' : `communes ${grant.rowScope.join(', ')}`}</dd>
        <dt>Masks</dt>
        <dd>{grant.masks.length === 0 ? 'none' : grant.masks.map((mask) => `${mask.field} as ${mask.mask}`).join('; ')}</dd>
        <dt>Validity</dt>
        <dd>
          {validity(grant)}
          {grant.valid ? '' : ' (not in force now)'}
          {grant.expiringSoon ? <strong> · expires in {grant.expiresInDays} days</strong> : null}
        </dd>
        <dt>Opens</dt>
        <dd>
          <details>
            <summary>
              {grant.fields.length} fields of {grant.types.join(', ')}
            </summary>
            {grant.fields.join(', ')}
          </details>
        </dd>
      </dl>
    </section>
  );
}

/** The "My access" page: what the caller's agency may read, on which basis, over which rows, until when. */
export function MyAccessPanel() {
  const caller = useCaller();
  const [answer, setAnswer] = useState<GraphQLAnswer<{ myAccess: MyAccess | null }> | null>(null);
  useEffect(() => {
    setAnswer(null);
    void askGateway<{ myAccess: MyAccess | null }>(caller, MY_ACCESS_QUERY).then(setAnswer, (error: Error) =>
      setAnswer({ errors: [{ message: error.message }] }),
    );
  }, [caller]);
  if (answer === null) return <p>Loading…</p>;
  const access = answer.data?.myAccess;
  if (!access) {
    return (
      <div className="panel" data-testid="my-access">
        <h2>My access</h2>
        <p>{answer.errors?.[0]?.message ?? 'No answer'}</p>
        <p>Enter your agency's credential above to see its grants.</p>
      </div>
    );
  }
  const expiring = access.grants.filter((grant) => grant.expiringSoon);
  return (
    <div className="panel" data-testid="my-access">
      <h2>
        My access: {access.agencyName} ({access.agencyCode})
      </h2>
      <p>
        {access.ownSector ? `Reads its own ${access.ownSector} sector in full. ` : ''}
        {access.grants.length} grants under policy version {access.policyVersion}.
        {expiring.length > 0 ? ` ${expiring.length} expire within ${access.expiringWithinDays} days.` : ''}
      </p>
      {access.grants.map((grant) => (
        <GrantCard key={grant.id} grant={grant} />
      ))}
    </div>
  );
}

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
      validFrom validTo expiresInDays expiringSoon
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

function GrantRow({ grant }: { grant: AccessGrant }) {
  return (
    <tr data-testid="grant" className={grant.expiringSoon ? 'expiring' : undefined}>
      <td>
        <code>{grant.id}</code>
      </td>
      <td>
        {grant.covers}
        <details>
          <summary>{grant.fields.length} fields</summary>
          {grant.fields.join(', ')}
        </details>
      </td>
      <td>{grant.purposes.join(', ')}</td>
      <td>{grant.legalBasis}</td>
      <td>{grant.rowScope === null ? 'whole province' : `communes ${grant.rowScope.join(', ')}`}</td>
      <td>{grant.masks.length === 0 ? 'none' : grant.masks.map((mask) => `${mask.field} as ${mask.mask}`).join('; ')}</td>
      <td>
        {validity(grant)}
        {grant.expiringSoon ? <strong> · expires in {grant.expiresInDays} days</strong> : null}
      </td>
    </tr>
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
      <table className="plain">
        <thead>
          <tr>
            <th>grant</th>
            <th>covers</th>
            <th>purposes</th>
            <th>legal basis</th>
            <th>rows</th>
            <th>masks</th>
            <th>validity</th>
          </tr>
        </thead>
        <tbody>
          {access.grants.map((grant) => (
            <GrantRow key={grant.id} grant={grant} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

import { useGraphiQL } from '@graphiql/react';
import { useState } from 'react';
import type { GraphQLAnswer } from './caller';
import { askGateway } from './caller';
import { useCaller } from './callerContext';

/** The self-service explanation: the decision the gateway would take, the same object stewards see. */
export const EXPLAIN_QUERY = `query Explain($query: String!, $operationName: String) {
  explainOperation(query: $query, operationName: $operationName) {
    allowed purposeRequired purpose policyVersion
    fields { coordinate effect rule grantId reason mask neededGrant scopeUnitCodes }
    scope { population land health education }
  }
}`;

interface Decision {
  allowed: boolean;
  purposeRequired: boolean;
  purpose: string | null;
  policyVersion: number;
  fields: Array<{
    coordinate: string;
    effect: string;
    rule: string;
    grantId: string | null;
    reason: string;
    mask: string | null;
    neededGrant: string | null;
    scopeUnitCodes: string[] | null;
  }>;
  scope: Record<string, string[] | null>;
}

/** The "Explain" page: why the operation in the editor would be allowed or refused for this caller and purpose. */
export function ExplainPanel() {
  const caller = useCaller();
  const queryEditor = useGraphiQL((state) => state.queryEditor);
  const operationName = useGraphiQL((state) => state.operationName);
  const [answer, setAnswer] = useState<GraphQLAnswer<{ explainOperation: Decision | null }> | null>(null);
  const explain = () => {
    const query = queryEditor?.getValue() ?? '';
    void askGateway<{ explainOperation: Decision | null }>(caller, EXPLAIN_QUERY, { query, operationName: operationName || null }).then(
      setAnswer,
      (error: Error) => setAnswer({ errors: [{ message: error.message }] }),
    );
  };
  const decision = answer?.data?.explainOperation;
  return (
    <div className="panel" data-testid="explain">
      <h2>Explain</h2>
      <p>Why the operation in the editor would be allowed or refused for your credential and purpose. Nothing is executed.</p>
      <button type="button" onClick={explain}>
        Explain the current operation
      </button>
      {answer && !decision ? <p className="status-bad">{answer.errors?.[0]?.message ?? 'No answer'}</p> : null}
      {decision ? (
        <>
          <p className={decision.allowed ? 'status-ok' : 'status-bad'} data-testid="verdict">
            {decision.allowed ? 'ALLOWED' : 'DENIED'} under policy version {decision.policyVersion}; purpose {decision.purpose ?? 'none'}
            {decision.purposeRequired && !decision.purpose ? ' (one is required)' : ''}
          </p>
          <ul className="decisions">
            {[...decision.fields]
              .sort((left, right) => Number(right.effect === 'DENY') - Number(left.effect === 'DENY'))
              .map((field) => (
                <li key={field.coordinate} data-testid="explained-field" className={field.effect === 'DENY' ? 'denied' : undefined}>
                  <code>{field.coordinate}</code> <strong>{field.effect}</strong>
                  {field.mask ? ` as ${field.mask}` : ''} <span className="rule">{field.rule}</span>
                  <div>
                    {field.reason}
                    {field.neededGrant ? ` Would need ${field.neededGrant}.` : ''}
                    {field.scopeUnitCodes ? ` Rows of communes ${field.scopeUnitCodes.join(', ')}.` : ''}
                  </div>
                </li>
              ))}
          </ul>
          <p>
            Rows:{' '}
            {Object.entries(decision.scope)
              .filter(([, codes]) => codes !== null)
              .map(([sector, codes]) => `${sector} communes ${codes!.join(', ')}`)
              .join('; ') || 'not restricted'}
          </p>
        </>
      ) : null}
    </div>
  );
}

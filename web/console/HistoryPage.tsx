import { Table, useQuery } from './Common';
import { useConsole } from './consoleContext';

interface Change {
  id: number;
  changedAt: string;
  actor: string;
  actorRole: string | null;
  reason: string | null;
  action: string;
  entityType: string;
  entityId: string;
  relatedEntityId: string | null;
}

/** The change history: who (the person and the role), when, what, and the reason given. */
export function HistoryPage() {
  const { t } = useConsole();
  const { data, error } = useQuery<{ policyChanges: Change[] }>(
    '{ policyChanges(limit: 100) { id changedAt actor actorRole reason action entityType entityId relatedEntityId } }',
  );
  return (
    <section>
      <h2>{t('history')}</h2>
      {error && <div role="alert">{error}</div>}
      <Table
        testId="history"
        rows={data?.policyChanges ?? []}
        columns={[
          [t('time'), (change) => change.changedAt],
          [t('actor'), (change) => change.actor],
          [t('roles'), (change) => change.actorRole ?? '-'],
          // A replacement names the grant it took the place of, then the new one.
          [t('action'), (change) => `${change.action} ${change.entityType} ${change.relatedEntityId ? `${change.relatedEntityId} → ` : ''}${change.entityId}`],
          [t('reason'), (change) => change.reason ?? '-'],
        ]}
      />
    </section>
  );
}

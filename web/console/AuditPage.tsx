import { useState } from 'react';
import { admin } from './api';
import { AuditChart } from './AuditChart';
import type { Timeline } from './auditChartModel';
import { Table } from './Common';
import { useConsole } from './consoleContext';
import { VerificationPanel } from './VerificationPanel';

interface AuditRecord {
  at: string;
  agencyCode: string | null;
  officerUnit: string | null;
  purpose: string | null;
  dossierId: string | null;
  outcome: string;
  rowCount: number;
}

interface AgencyCount {
  agencyCode: string | null;
  requests: number;
  denied: number;
}

const SEARCH = `query ($filter: AuditFilter) {
  auditRecords(filter: $filter, first: 50) { nodes { at agencyCode officerUnit purpose dossierId outcome rowCount } }
  auditCountsByAgency(filter: $filter) { agencyCode requests denied }
  auditCountsOverTime(filter: $filter) { bucket from to buckets truncated points { start agencyCode requests denied } }
}`;

/** Given the search form, returns the admin API's audit filter, without the criteria left empty. */
export function auditFilter(form: FormData): Record<string, unknown> {
  const text = (name: string) => String(form.get(name) ?? '').trim() || undefined;
  return Object.fromEntries(
    Object.entries({
      agencyCode: text('agency'),
      nationalId: text('citizen'),
      field: text('field'),
      purpose: text('purpose'),
      from: text('from'),
      to: text('to'),
      deniedOnly: form.get('denied') ? true : undefined,
    }).filter(([, value]) => value !== undefined),
  );
}

/**
 * Audit (auditors only): the verifier's last run, then search by agency, citizen, field, purpose or period, denied
 * attempts, counts per agency and over time, CSV export.
 */
export function AuditPage() {
  const { session, t } = useConsole();
  const [result, setResult] = useState<{ records: AuditRecord[]; counts: AgencyCount[]; timeline: Timeline } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exportUrl, setExportUrl] = useState<string | null>(null);
  const [filter, setFilter] = useState<Record<string, unknown>>({});
  return (
    <section>
      <h2>{t('audit')}</h2>
      <VerificationPanel />
      <form
        className="change-form"
        data-testid="audit-search"
        onSubmit={(event) => {
          event.preventDefault();
          const next = auditFilter(new FormData(event.currentTarget));
          setFilter(next);
          admin<{ auditRecords: { nodes: AuditRecord[] }; auditCountsByAgency: AgencyCount[]; auditCountsOverTime: Timeline }>(session, SEARCH, {
            filter: next,
          }).then(
            (data) => {
              setError(null);
              setResult({ records: data.auditRecords.nodes, counts: data.auditCountsByAgency, timeline: data.auditCountsOverTime });
            },
            (refused: Error) => setError(refused.message),
          );
        }}
      >
        <label>
          {t('agency')} <input name="agency" />
        </label>
        <label>
          {t('citizen')} <input name="citizen" />
        </label>
        <label>
          {t('field')} <input name="field" placeholder="Citizen.fullName" />
        </label>
        <label>
          {t('purpose')} <input name="purpose" />
        </label>
        <label>
          {t('from')} <input name="from" type="date" />
        </label>
        <label>
          {t('to')} <input name="to" type="date" />
        </label>
        <label className="inline">
          <input name="denied" type="checkbox" /> {t('deniedOnly')}
        </label>
        <button type="submit">{t('search')}</button>
      </form>
      {error && <div role="alert">{error}</div>}
      {result && (
        <>
          <h3>{t('chartTitle')}</h3>
          <AuditChart timeline={result.timeline} />
          <h3>{t('countsByAgency')}</h3>
          <Table
            testId="audit-counts"
            rows={result.counts}
            columns={[
              [t('agency'), (row) => row.agencyCode ?? '-'],
              ['#', (row) => row.requests],
              ['✗', (row) => row.denied],
            ]}
          />
          <h3>
            {t('records')} ({result.records.length})
          </h3>
          <Table
            testId="audit-records"
            rows={result.records}
            columns={[
              [t('time'), (row) => row.at],
              [t('agency'), (row) => row.agencyCode ?? '-'],
              [t('officerUnit'), (row) => row.officerUnit ?? '-'],
              [t('purpose'), (row) => row.purpose ?? '-'],
              ['Dossier', (row) => row.dossierId ?? '-'],
              [t('status'), (row) => row.outcome],
              ['Rows', (row) => row.rowCount],
            ]}
          />
          <button
            type="button"
            onClick={() =>
              admin<{ auditExport: string }>(session, 'query ($filter: AuditFilter) { auditExport(filter: $filter) }', { filter }).then(
                (data) => setExportUrl(URL.createObjectURL(new Blob([data.auditExport], { type: 'text/csv' }))),
                (refused: Error) => setError(refused.message),
              )
            }
          >
            {t('exportCsv')}
          </button>
          {exportUrl && (
            <a href={exportUrl} download="audit.csv" data-testid="audit-download">
              audit.csv
            </a>
          )}
        </>
      )}
    </section>
  );
}

import { useState } from 'react';
import { admin } from './api';
import { ChangeForm, Table, listOf, useQuery } from './Common';
import { useConsole } from './consoleContext';

interface OperationList {
  agencyCode: string;
  application: string;
  version: number;
  format: string;
  operationCount: number;
  changeId: number;
  createdAt: string;
  current: boolean;
}

interface OperationPlan {
  id: string;
  name: string | null;
  problem: string | null;
  allowedPurposes: string[];
  masked: Array<{ purpose: string; fields: string[] }>;
}

interface OperationImpact {
  agencyCode: string;
  application: string;
  id: string;
  name: string | null;
  purpose: string;
  change: string;
  fields: Array<{ coordinate: string; before: string; after: string }>;
}

const LISTS = '{ operationLists { agencyCode application version format operationCount changeId createdAt current } agencies { code } }';
const MODES = ['off', 'log-unknown', 'enforce'] as const;

/** Given plans, returns them as a table: which purposes each operation runs for, and what it reads masked. */
function PlanTable({ plans }: { plans: OperationPlan[] }) {
  const { t } = useConsole();
  return (
    <Table
      testId="operation-plans"
      rows={plans}
      columns={[
        [t('name'), (plan) => plan.name ?? plan.id.slice(0, 16)],
        [t('runsFor'), (plan) => plan.problem ?? (plan.allowedPurposes.join(', ') || t('noPurpose'))],
        [t('masked'), (plan) => plan.masked.map((entry) => `${entry.purpose}: ${entry.fields.join(', ')}`).join('; ') || '-'],
      ]}
    />
  );
}

/**
 * Approved operations: every version of the agencies' operation lists, registering a build's file, each agency's
 * mode (roll out with log-unknown first), and which registered operations revoking grants would break.
 */
export function OperationsPage() {
  const { session, t } = useConsole();
  const { data, error, reload } = useQuery<{ operationLists: OperationList[]; agencies: Array<{ code: string }> }>(LISTS);
  const [impacts, setImpacts] = useState<OperationImpact[] | null>(null);
  const [impactError, setImpactError] = useState<string | null>(null);
  const agencies = (data?.agencies ?? []).map((agency) => agency.code);
  const agencySelect = (
    <label>
      {t('agency')}
      <select name="agency">
        {agencies.map((code) => (
          <option key={code}>{code}</option>
        ))}
      </select>
    </label>
  );
  return (
    <section>
      <h2>{t('operations')}</h2>
      <p>{t('rollOut')}</p>
      {error && <div role="alert">{error}</div>}
      <Table
        testId="operation-lists"
        rows={data?.operationLists ?? []}
        columns={[
          [t('agency'), (list) => list.agencyCode],
          [t('application'), (list) => list.application],
          [t('version'), (list) => `${list.version}${list.current ? ` (${t('current')})` : ''}`],
          [t('format'), (list) => list.format],
          [t('operationCount'), (list) => list.operationCount],
          [t('time'), (list) => list.createdAt],
        ]}
      />
      <ChangeForm
        testId="register-operations"
        title={t('registerOperations')}
        submit={t('register')}
        onSubmit={async (reason, form) => {
          const file = form.get('manifest');
          const manifest = file instanceof File ? await file.text() : '';
          const answer = await admin<{ registerOperations: { list: OperationList; plans: OperationPlan[] } }>(
            session,
            `mutation ($agencyCode: String!, $application: String!, $manifest: String!) {
              registerOperations(agencyCode: $agencyCode, application: $application, manifest: $manifest) {
                list { agencyCode application version format operationCount changeId createdAt current }
                plans { id name problem allowedPurposes masked { purpose fields } }
              }
            }`,
            { agencyCode: String(form.get('agency')), application: String(form.get('application')), manifest },
            reason,
          );
          await reload();
          const { list, plans } = answer.registerOperations;
          return (
            <>
              {`${list.agencyCode}/${list.application} ${t('version')} ${list.version}`}
              <PlanTable plans={plans} />
            </>
          );
        }}
      >
        {agencySelect}
        <label>
          {t('application')} <input name="application" required placeholder="land-web" />
        </label>
        <label>
          {t('manifestFile')} <input name="manifest" type="file" accept=".json,application/json" required />
        </label>
      </ChangeForm>
      <ChangeForm
        testId="set-operations-mode"
        title={t('operationsMode')}
        submit={t('save')}
        onSubmit={async (reason, form) => {
          await admin(
            session,
            'mutation ($agencyCode: String!, $mode: String!) { setOperationsMode(agencyCode: $agencyCode, mode: $mode) { mode } }',
            { agencyCode: String(form.get('agency')), mode: String(form.get('mode')) },
            reason,
          );
        }}
      >
        {agencySelect}
        <label>
          {t('operationsMode')}
          <select name="mode">
            {MODES.map((mode) => (
              <option key={mode}>{mode}</option>
            ))}
          </select>
        </label>
      </ChangeForm>
      <form
        className="change-form"
        data-testid="operation-impact"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          admin<{ operationImpact: OperationImpact[] }>(
            session,
            `query ($agencyCode: String, $revokeGrantIds: [ID!], $at: String) {
              operationImpact(agencyCode: $agencyCode, revokeGrantIds: $revokeGrantIds, at: $at) {
                agencyCode application id name purpose change fields { coordinate before after }
              }
            }`,
            { agencyCode: String(form.get('agency') || '') || null, revokeGrantIds: listOf(form.get('grants')), at: String(form.get('at') || '') || null },
          ).then(
            (answer) => {
              setImpacts(answer.operationImpact);
              setImpactError(null);
            },
            (refused: Error) => setImpactError(refused.message),
          );
        }}
      >
        <h3>{t('impact')}</h3>
        <label>
          {t('agency')}
          <select name="agency">
            <option value="">-</option>
            {agencies.map((code) => (
              <option key={code}>{code}</option>
            ))}
          </select>
        </label>
        <label>
          {t('revokeGrants')} <input name="grants" placeholder="12, 13" />
        </label>
        <label>
          {t('at')} <input name="at" placeholder="2027-12-31" />
        </label>
        <button type="submit">{t('preview')}</button>
        {impactError && <div role="alert">{impactError}</div>}
        {impacts && impacts.length === 0 && <div role="status">{t('noImpact')}</div>}
        {impacts && impacts.length > 0 && (
          <Table
            testId="impacts"
            rows={impacts}
            columns={[
              [t('agency'), (impact) => `${impact.agencyCode}/${impact.application}`],
              [t('name'), (impact) => impact.name ?? impact.id.slice(0, 16)],
              [t('purpose'), (impact) => impact.purpose],
              [t('change'), (impact) => impact.change],
              [t('field'), (impact) => impact.fields.map((field) => `${field.coordinate}: ${field.before} → ${field.after}`).join('; ')],
            ]}
          />
        )}
      </form>
    </section>
  );
}

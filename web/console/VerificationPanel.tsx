import { localeOf } from '../shared/i18n';
import { useQuery } from './Common';
import { useConsole } from './consoleContext';

interface VerifiedInstance {
  instance: string;
  records: number;
  checkpoints: number;
  unsealed: number;
  problem: { seq: number | null; kind: string; message: string } | null;
}

interface VerificationStatus {
  last: {
    finishedAt: string;
    sound: boolean;
    ranBy: string;
    instance: string | null;
    records: number;
    checkpoints: number;
    problemCount: number;
    instances: VerifiedInstance[];
    problems: string[];
  } | null;
  ageMinutes: number | null;
  maxAgeHours: number;
  warnings: string[];
}

const STATUS = `{ auditVerification {
  last { finishedAt sound ranBy instance records checkpoints problemCount instances { instance records checkpoints unsealed problem { seq kind message } } problems }
  ageMinutes maxAgeHours warnings
} }`;

/** The audit verifier's last recorded run (npm run audit:verify): its outcome and when, with a warning when it failed, is old or never ran. */
export function VerificationPanel() {
  const { t, language } = useConsole();
  const { data, error } = useQuery<{ auditVerification: VerificationStatus }>(STATUS);
  const status = data?.auditVerification;
  const warningText = (warning: string) =>
    warning === 'NEVER_RUN'
      ? t('verificationNeverRun')
      : warning === 'FAILED'
        ? t('verificationFailedWarning')
        : t('verificationStaleWarning').replace('{hours}', String(status?.maxAgeHours ?? ''));
  return (
    <section data-testid="audit-verification" className="verification">
      <h3>{t('verification')}</h3>
      {error && <div role="alert">{error}</div>}
      {status && status.warnings.length > 0 && (
        <div role="alert" className="warning" data-testid="verification-warning">
          {status.warnings.map((warning) => (
            <p key={warning} data-warning={warning}>
              ⚠ {warningText(warning)}
            </p>
          ))}
        </div>
      )}
      {status?.last && (
        <dl>
          <dt>{t('lastRun')}</dt>
          <dd data-testid="verification-outcome">
            <strong>{status.last.sound ? `✓ ${t('verificationSound')}` : `✗ ${t('verificationFailed')}`}</strong> ·{' '}
            {new Intl.DateTimeFormat(localeOf(language), { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'medium', timeStyle: 'short' }).format(
              new Date(status.last.finishedAt),
            )}{' '}
            ({t('minutesAgo').replace('{minutes}', String(status.ageMinutes ?? 0))})
          </dd>
          <dt>{t('ranBy')}</dt>
          <dd>{status.last.ranBy}</dd>
          <dt>
            {t('instances')} · {t('records')} · {t('checkpoints')} · {t('problems')}
          </dt>
          <dd data-testid="verification-counts">
            {status.last.instance ?? status.last.instances.length} · {status.last.records} · {status.last.checkpoints} · {status.last.problemCount}
          </dd>
          {status.last.instances
            .filter((instance) => instance.problem !== null)
            .map((instance) => (
              <dd key={instance.instance} data-testid="verification-problem">
                {instance.instance} seq {instance.problem!.seq ?? '-'} ({instance.problem!.kind}): {instance.problem!.message}
              </dd>
            ))}
          {status.last.problems.map((problem) => (
            <dd key={problem} data-testid="verification-problem">
              {problem}
            </dd>
          ))}
        </dl>
      )}
    </section>
  );
}

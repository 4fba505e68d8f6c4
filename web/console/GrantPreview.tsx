import type { ConsoleSession } from './api';
import { admin } from './api';
import { Table } from './Common';
import { useConsole } from './consoleContext';
import type { GrantFormInput } from './grantForm';

interface PreviewField {
  coordinate: string;
  owner: string;
  sharing: string;
  personal: string;
  importance: string;
  labelVi: string | null;
  labelEn: string | null;
  mask: string | null;
  example: string | null;
  shownAs: string | null;
  ownSector: boolean;
}

export interface GrantPreviewAnswer {
  target: string;
  purposes: string[];
  fields: PreviewField[];
  scope: Array<{ code: string; name: string }> | null;
  awaitsSecondSteward: boolean;
  replacesGrantId: string | null;
  keepsReplacedUntilApproval: boolean;
}

const COUNT_KEYS = ['newlyAllowed', 'newlyRefused', 'maskedDifferently', 'rowsChanged', 'unchanged'] as const;
type Counts = Record<(typeof COUNT_KEYS)[number], number>;

export interface ReplayAnswer {
  from: string;
  to: string;
  recorded: number;
  replayed: number;
  notReplayed: number;
  withoutDecision: number;
  counts: Counts;
  byPurpose: Array<{ purpose: string; counts: Counts }>;
  samples: Array<{
    at: string;
    operationName: string | null;
    purpose: string;
    recordedOutcome: string;
    change: string;
    fields: Array<{ coordinate: string; before: string; after: string }>;
  }>;
}

/** What a steward is shown of a grant change before saving it: the fields a new grant opens, and the replay. */
export interface ChangePreview {
  grant: GrantPreviewAnswer | null;
  replay: ReplayAnswer;
}

const COUNTS = 'unchanged newlyAllowed newlyRefused maskedDifferently rowsChanged';
const PREVIEW = `query ($input: CreateGrantInput!, $replacesGrantId: ID) {
  grantPreview(input: $input, replacesGrantId: $replacesGrantId) {
    target purposes awaitsSecondSteward replacesGrantId keepsReplacedUntilApproval scope { code name }
    fields { coordinate owner sharing personal importance labelVi labelEn mask example shownAs ownSector }
  }
}`;
const REPLAY = `query ($agencyCode: String!, $revokeGrantIds: [ID!], $addGrants: [CreateGrantInput!]) {
  grantReplay(agencyCode: $agencyCode, revokeGrantIds: $revokeGrantIds, addGrants: $addGrants) {
    from to recorded replayed notReplayed withoutDecision counts { ${COUNTS} } byPurpose { purpose counts { ${COUNTS} } }
    samples { at operationName purpose recordedOutcome change fields { coordinate before after } }
  }
}`;

/**
 * Given the session, the agency and the grants of it to add and to revoke, replays the agency's last 30 days of
 * requests against the policy so changed. Nothing is saved.
 */
export async function replayChange(session: ConsoleSession, agencyCode: string, addGrants: GrantFormInput[], revokeGrantIds: string[]): Promise<ReplayAnswer> {
  const answer = await admin<{ grantReplay: ReplayAnswer }>(session, REPLAY, { agencyCode, revokeGrantIds, addGrants });
  return answer.grantReplay;
}

/**
 * Given the session, the agency, and the change: a new grant, one in place of another (replaceGrant), or a
 * revocation, asks the server what it would do: the fields the grant opens (the grant replaced checked as
 * replaceGrant checks it), and the agency's last 30 days of requests replayed with the old grant revoked and the new
 * one in force, as they will be once the change applies. Nothing is saved.
 */
export async function previewChange(
  session: ConsoleSession,
  agencyCode: string,
  change: { add: GrantFormInput; replaces: string | null } | { revoke: string },
): Promise<ChangePreview> {
  const add = 'add' in change ? change.add : null;
  const revoked = 'add' in change ? change.replaces : change.revoke;
  const [grant, replay] = await Promise.all([
    add ? admin<{ grantPreview: GrantPreviewAnswer }>(session, PREVIEW, { input: add, replacesGrantId: revoked }).then((answer) => answer.grantPreview) : null,
    replayChange(session, agencyCode, add ? [add] : [], revoked ? [revoked] : []),
  ]);
  return { grant, replay };
}

/** Given a grant's preview, shows each field it opens: classification, label, and a made-up example as the agency would read it. */
function FieldsView({ preview }: { preview: GrantPreviewAnswer }) {
  const { t } = useConsole();
  const english = t('languageCode') === 'en';
  return (
    <div data-testid="grant-preview">
      <h4>
        {t('opensFields')}: {preview.target} ({preview.purposes.join(', ')})
      </h4>
      {preview.awaitsSecondSteward && <p className="warning">{t('awaitsSecondSteward')}</p>}
      {preview.keepsReplacedUntilApproval && (
        <p className="warning" data-testid="keeps-replaced">
          {t('keepsReplacedUntilApproval')} (#{preview.replacesGrantId})
        </p>
      )}
      <p data-testid="preview-scope">
        {t('scope')}: {preview.scope ? preview.scope.map((unit) => `${unit.name} (${unit.code})`).join(', ') : t('wholeProvince')}
      </p>
      <Table
        testId="preview-fields"
        rows={preview.fields}
        columns={[
          [t('field'), (field) => field.coordinate],
          [t('label'), (field) => (english ? field.labelEn : field.labelVi) ?? '-'],
          [t('sharingClass'), (field) => field.sharing],
          [t('personal'), (field) => field.personal],
          [t('importance'), (field) => field.importance],
          [t('masked'), (field) => field.mask ?? '-'],
          [t('example'), (field) => field.example ?? '-'],
          [t('shownAs'), (field) => (field.ownSector ? `${field.shownAs ?? '-'} (${t('ownSectorNote')})` : (field.shownAs ?? '-'))],
        ]}
      />
    </div>
  );
}

/** Given a replay, shows its counts (those over the cap said), per purpose, and the newest requests it changes. */
function ReplayView({ replay }: { replay: ReplayAnswer }) {
  const { t } = useConsole();
  return (
    <div data-testid="replay">
      <h4>
        {t('replayTitle')} ({replay.from.slice(0, 10)} – {replay.to.slice(0, 10)})
      </h4>
      <ul className="replay-counts">
        <li data-testid="replay-replayed">
          {t('replayed')}: {replay.replayed}
        </li>
        {COUNT_KEYS.map((key) => (
          <li key={key} data-testid={`replay-${key}`}>
            {t(key)}: {replay.counts[key]}
          </li>
        ))}
        {replay.withoutDecision > 0 && (
          <li data-testid="replay-withoutDecision">
            {t('withoutDecision')}: {replay.withoutDecision}
          </li>
        )}
        {replay.notReplayed > 0 && (
          <li data-testid="replay-notReplayed" className="warning">
            {t('notReplayed')}: {replay.notReplayed}
          </li>
        )}
      </ul>
      {replay.byPurpose.length > 1 && (
        <Table
          testId="replay-purposes"
          rows={replay.byPurpose}
          columns={[
            [t('purpose'), (row) => row.purpose],
            ...COUNT_KEYS.map((key): [string, (row: ReplayAnswer['byPurpose'][number]) => number] => [t(key), (row) => row.counts[key]]),
          ]}
        />
      )}
      {replay.samples.length > 0 && (
        <Table
          testId="replay-samples"
          rows={replay.samples}
          columns={[
            [t('operation'), (sample) => sample.operationName ?? '-'],
            [t('time'), (sample) => sample.at],
            [t('purpose'), (sample) => sample.purpose],
            [t('recordedOutcome'), (sample) => sample.recordedOutcome],
            [t('change'), (sample) => t(CHANGE_KEYS[sample.change] ?? 'change')],
            [t('field'), (sample) => sample.fields.map((field) => `${field.coordinate}: ${field.before} → ${field.after}`).join('; ')],
          ]}
        />
      )}
    </div>
  );
}

const CHANGE_KEYS: Record<string, (typeof COUNT_KEYS)[number]> = {
  NEWLY_ALLOWED: 'newlyAllowed',
  NEWLY_REFUSED: 'newlyRefused',
  MASKED_DIFFERENTLY: 'maskedDifferently',
  ROWS_CHANGED: 'rowsChanged',
};

/** Given a change's preview (or an error), shows it: what the grant opens, then the replay. */
export function ChangePreviewView({ preview, error }: { preview: ChangePreview | null; error: string | null }) {
  const { t } = useConsole();
  if (error) return <div role="alert">{error}</div>;
  if (!preview) return <p className="hint">{t('previewFirst')}</p>;
  return (
    <div className="change-preview">
      {preview.grant && <FieldsView preview={preview.grant} />}
      <ReplayView replay={preview.replay} />
    </div>
  );
}

import { useCallback, useEffect, useState } from 'react';
import { LanguageSwitch } from '../shared/LanguageSwitch';
import type { SharingPart } from '../shared/sharingPart';
import type { GraphQLAnswer } from './caller';
import { askGateway } from './caller';
import { useCaller } from './callerContext';
import type { Language, StringKey } from './i18n';
import { LANGUAGE_KEY, storedLanguage, translator } from './i18n';

const MINE = `query MySharingRequests {
  mySharingRequests {
    id fields purposes legalBasis procedure ownerCodes status deadlineAt workingDaysLeft overdue
    parts {
      ownerCode fields status deadlineAt workingDaysLeft overdue
      refusalReason refusalLegalBasis grantedFields grantedPurposes grantIds
    }
  }
}`;

const FILE = `mutation FileSharingRequest($input: SharingRequestInput!) { fileSharingRequest(input: $input) { id deadlineAt } }`;

/** One owner's part of a request and its answer. */
interface MySharingPart extends SharingPart {
  grantedFields: string[] | null;
  grantedPurposes: string[] | null;
  grantIds: string[] | null;
}

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
  parts: MySharingPart[];
}

const listOf = (value: FormDataEntryValue | null): string[] =>
  String(value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

/** One owner's answer to its part: the grant it made, its refusal with the reason and legal basis, or its deadline. */
function PartAnswer({ part, t }: { part: MySharingPart; t: (key: StringKey) => string }) {
  return (
    <li data-testid="owner-answer" data-owner={part.ownerCode}>
      <code>{part.ownerCode}</code> ({part.fields.join(', ')}): <span data-testid="part-status">{part.status}</span>
      {part.status === 'PENDING' && (
        <span>
          {' '}
          · {t('waiting')} {part.deadlineAt.slice(0, 10)} ({part.workingDaysLeft} {t('workingDaysLeft')})
          {part.overdue ? <strong> · {t('overdue')}</strong> : null}
        </span>
      )}
      {part.status === 'REFUSED' && (
        <span data-testid="refusal">
          {' '}
          · {t('refusedBecause')}: {part.refusalReason} ({part.refusalLegalBasis})
        </span>
      )}
      {part.status === 'APPROVED' && (
        <span data-testid="granted">
          {' '}
          · {t('granted')}: {(part.grantedFields ?? []).join(', ')} {t('grantedFor')} {(part.grantedPurposes ?? []).join(', ')} ({t('grantIds')}{' '}
          {(part.grantIds ?? []).join(', ')})
        </span>
      )}
    </li>
  );
}

/** One request and each owner's answer, as the requester reads it. */
function RequestCard({ request, t }: { request: MySharingRequest; t: (key: StringKey) => string }) {
  return (
    <section data-testid="sharing-request" className="grant">
      <h3>
        {t('request')} <code>{request.id}</code>: <span data-testid="request-status">{request.status}</span>
      </h3>
      <dl>
        <dt>{t('fields')}</dt>
        <dd>{request.fields.join(', ')}</dd>
        <dt>{t('purposesAndBasis')}</dt>
        <dd>
          {request.purposes.join(', ')} · {request.legalBasis}
        </dd>
        <dt>{t('ownersAndDeadline')}</dt>
        <dd>
          {request.ownerCodes.join(', ')} · {request.deadlineAt.slice(0, 10)} ({request.workingDaysLeft} {t('workingDaysLeft')})
          {request.overdue ? <strong> · {t('overdue')}</strong> : null}
        </dd>
        <dt>{t('ownerAnswers')}</dt>
        <dd>
          <ul>
            {request.parts.map((part) => (
              <PartAnswer key={part.ownerCode} part={part} t={t} />
            ))}
          </ul>
        </dd>
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
  const [language, setLanguage] = useState<Language>(storedLanguage);
  const t = translator(language);
  const choose = (chosen: Language) => {
    setLanguage(chosen);
    try {
      sessionStorage.setItem(LANGUAGE_KEY, chosen);
    } catch {
      // Storage refused (a private window's quota): the choice holds until the page is left.
    }
  };
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
    <div className="panel" data-testid="sharing-requests" lang={language}>
      <LanguageSwitch language={language} onChange={choose} kind="buttons" />
      <h2>{t('sharingRequests')}</h2>
      {requests === null && <p>{answer?.errors?.[0]?.message ?? t('loading')}</p>}
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
            setMessage(made ? `#${made.id} · ${made.deadlineAt.slice(0, 10)}` : (filed.errors?.[0]?.message ?? t('noAnswer')));
            void load();
          });
        }}
      >
        <label>
          {t('fields')} <input name="fields" required placeholder="Citizen.fullName, HealthInsuranceCard.validTo" />
        </label>
        <label>
          {t('purposes')} <input name="purposes" required placeholder="LAND_REGISTRATION" />
        </label>
        <label>
          {t('legalBasis')} <input name="legalBasis" required placeholder="47/2020/NĐ-CP" />
        </label>
        <label>
          {t('communes')} <input name="scope" placeholder="40778" />
        </label>
        <label>
          {t('procedure')} <input name="procedure" required />
        </label>
        <button type="submit">{t('file')}</button>
        {message && <div role="status">{message}</div>}
      </form>
      {(requests ?? []).map((request) => (
        <RequestCard key={request.id} request={request} t={t} />
      ))}
    </div>
  );
}

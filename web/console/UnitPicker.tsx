import { useEffect, useState } from 'react';
import { admin } from './api';
import { useConsole } from './consoleContext';
import type { StringKey } from './i18n';

interface UnitSummary {
  code: string;
  name: string;
}

/** A unit as the admin API's administrativeUnits lists it. */
interface UnitChoice extends UnitSummary {
  level: string;
  validTo: string | null;
  status: 'IN_FORCE' | 'REPLACED' | 'ENDED' | 'NOT_STARTED';
  replacedBy: UnitSummary | null;
  successorInForce: UnitSummary | null;
}

interface UnitPage {
  units: UnitChoice[];
  total: number;
  hasNextPage: boolean;
  endCursor: string | null;
}

const PAGE = 20;
const SEARCH = `query ($search: String, $after: String) {
  administrativeUnits(search: $search, level: "COMMUNE", first: ${PAGE}, after: $after) {
    total hasNextPage endCursor units { code name level validTo status replacedBy { code name } successorInForce { code name } }
  }
}`;

const STATUS_LABELS: Record<Exclude<UnitChoice['status'], 'IN_FORCE'>, StringKey> = {
  REPLACED: 'unitReplaced',
  ENDED: 'unitEnded',
  NOT_STARTED: 'unitNotStarted',
};

/** Given the search text, returns the communes matching it, page by page, and how to ask for the next page. */
function useUnitSearch(search: string) {
  const { session } = useConsole();
  const [state, setState] = useState<{ page: UnitPage | null; error: string | null }>({ page: null, error: null });
  useEffect(() => {
    let current = true;
    // A late answer to an older search never replaces the answer to the newer one.
    admin<{ administrativeUnits: UnitPage }>(session, SEARCH, { search }).then(
      (data) => current && setState({ page: data.administrativeUnits, error: null }),
      (error: Error) => current && setState({ page: null, error: error.message }),
    );
    return () => {
      current = false;
    };
  }, [session, search]);
  const more = async () => {
    if (!state.page?.endCursor) return;
    await admin<{ administrativeUnits: UnitPage }>(session, SEARCH, { search, after: state.page.endCursor }).then(
      ({ administrativeUnits: next }) => setState((before) => ({ error: null, page: { ...next, units: [...(before.page?.units ?? []), ...next.units] } })),
      (error: Error) => setState((before) => ({ ...before, error: error.message })),
    );
  };
  return { ...state, more };
}

/** One commune found: picked as it is when in force; a replaced one offers the commune in force that took its place. */
function UnitResult({ unit, chosen, onPick }: { unit: UnitChoice; chosen: boolean; onPick(unit: UnitSummary): void }) {
  const { t } = useConsole();
  if (unit.status === 'IN_FORCE')
    return (
      <li data-code={unit.code}>
        {unit.name} ({unit.code}){' '}
        <button type="button" disabled={chosen} onClick={() => onPick(unit)}>
          {t('pickUnit')}
        </button>
      </li>
    );
  const successor = unit.successorInForce;
  return (
    <li data-code={unit.code} className="unit-retired">
      <s>
        {unit.name} ({unit.code})
      </s>{' '}
      <mark data-testid="unit-status">{t(STATUS_LABELS[unit.status])}</mark>
      {unit.validTo && ` ${t('unitUntil')} ${unit.validTo}`}
      {successor && (
        <>
          {' '}
          → {successor.name} ({successor.code}){' '}
          <button type="button" onClick={() => onPick(successor)}>
            {t('pickSuccessor')}
          </button>
        </>
      )}
    </li>
  );
}

/**
 * A grant form's row scope: communes found by name or code, the chosen ones as chips that can be removed, none
 * meaning the whole province. Only communes in force can be chosen, as the server accepts only those; a replaced
 * commune is shown marked, with the commune that took its place offered instead. The form reads the codes from
 * the hidden field "scope", as it read the typed codes before.
 */
export function UnitPicker({ onChange }: { onChange?: () => void }) {
  const { t } = useConsole();
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<UnitSummary[]>([]);
  const { page, error, more } = useUnitSearch(search.trim());
  const choose = (next: UnitSummary[]) => {
    setChosen(next);
    onChange?.();
  };
  const pick = (unit: UnitSummary) => {
    if (!chosen.some((other) => other.code === unit.code)) choose([...chosen, { code: unit.code, name: unit.name }]);
  };
  return (
    <fieldset data-testid="unit-picker">
      <legend>{t('scope')}</legend>
      <input type="hidden" name="scope" value={chosen.map((unit) => unit.code).join(', ')} />
      <ul className="chips" data-testid="scope-chips">
        {chosen.length === 0 && <li className="none">{t('wholeProvince')}</li>}
        {chosen.map((unit) => (
          <li key={unit.code} className="chip" data-code={unit.code}>
            {unit.name} ({unit.code}){' '}
            <button type="button" aria-label={`${t('removeUnit')} ${unit.code}`} onClick={() => choose(chosen.filter((other) => other.code !== unit.code))}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <label>
        {t('unitSearch')}
        <input
          type="search"
          data-testid="unit-search"
          value={search}
          maxLength={120}
          placeholder="Hạc Thành | 40778"
          // The search is no part of what is previewed: typing it keeps the preview.
          onChange={(event) => {
            event.stopPropagation();
            setSearch(event.target.value);
          }}
          onKeyDown={(event) => event.key === 'Enter' && event.preventDefault()}
        />
      </label>
      {error && <div role="alert">{error}</div>}
      {page && (
        <>
          <ul className="unit-results" data-testid="unit-results">
            {page.units.map((unit) => (
              <UnitResult key={unit.code} unit={unit} chosen={chosen.some((other) => other.code === unit.code)} onPick={pick} />
            ))}
          </ul>
          <small data-testid="unit-count">
            {page.units.length} / {page.total}
          </small>
          {page.hasNextPage && (
            <button type="button" onClick={() => void more()}>
              {t('moreUnits')}
            </button>
          )}
        </>
      )}
    </fieldset>
  );
}

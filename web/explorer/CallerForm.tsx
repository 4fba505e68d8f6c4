import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { PURPOSES } from '../../gateway/policy/types';
import type { Purpose } from '../../gateway/policy/types';
import type { DemoKey } from '../../gateway/web/demoCredentials';
import type { Caller } from './caller';

/** The demo agencies' keys, where the gateway has them (never in production). */
function useDemoKeys(): DemoKey[] {
  const [keys, setKeys] = useState<DemoKey[]>([]);
  useEffect(() => {
    fetch('/demo-keys', { headers: { accept: 'application/json' } })
      .then((response) => (response.ok ? (response.json() as Promise<{ keys: DemoKey[] }>) : { keys: [] }))
      .then(
        (body) => setKeys(body.keys),
        () => setKeys([]),
      );
  }, []);
  return keys;
}

/**
 * The caller's credential, purpose, officer and dossier. Applying them makes the explorer introspect again,
 * so the docs and autocomplete show what this caller may read for this purpose.
 */
export function CallerForm({ caller, onApply }: { caller: Caller; onApply(caller: Caller): void }) {
  const [draft, setDraft] = useState<Caller>(caller);
  const demoKeys = useDemoKeys();
  const set = (change: Partial<Caller>) => setDraft((current) => ({ ...current, ...change }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  return (
    <form className="caller-form" onSubmit={submit} aria-label="Caller">
      {demoKeys.length > 0 ? (
        <label>
          Demo agency
          <select
            name="demo"
            value={demoKeys.find((key) => key.apiKey === draft.credential)?.agencyCode ?? ''}
            onChange={(event) => set({ credential: demoKeys.find((key) => key.agencyCode === event.target.value)?.apiKey ?? '' })}
          >
            <option value="">(anonymous, or your own key)</option>
            {demoKeys.map((key) => (
              <option key={key.agencyCode} value={key.agencyCode}>
                {key.agencyCode} {key.agencyName}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label>
        Credential
        <input
          name="credential"
          type="password"
          autoComplete="off"
          placeholder="API key dsp_… or agency JWT; empty: open data only"
          value={draft.credential}
          onChange={(event) => set({ credential: event.target.value })}
        />
      </label>
      <label>
        Purpose
        <select name="purpose" value={draft.purpose} onChange={(event) => set({ purpose: event.target.value as Purpose | '' })}>
          <option value="">(none)</option>
          {PURPOSES.map((purpose) => (
            <option key={purpose} value={purpose}>
              {purpose}
            </option>
          ))}
        </select>
      </label>
      <label>
        Officer
        <input name="userId" placeholder="X-User-Id (optional)" value={draft.userId} onChange={(event) => set({ userId: event.target.value })} />
      </label>
      <label>
        Dossier
        <input name="dossierId" placeholder="X-Dossier-Id (optional)" value={draft.dossierId} onChange={(event) => set({ dossierId: event.target.value })} />
      </label>
      <button type="submit">Use</button>
    </form>
  );
}

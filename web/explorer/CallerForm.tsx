import { useState } from 'react';
import type { FormEvent } from 'react';
import { PURPOSES } from '../../gateway/policy/types';
import type { Purpose } from '../../gateway/policy/types';
import type { Caller } from './caller';

/**
 * The caller's credential, purpose, officer and dossier. Applying them makes the explorer introspect again,
 * so the docs and autocomplete show what this caller may read for this purpose.
 */
export function CallerForm({ caller, onApply }: { caller: Caller; onApply(caller: Caller): void }) {
  const [draft, setDraft] = useState<Caller>(caller);
  const set = (change: Partial<Caller>) => setDraft((current) => ({ ...current, ...change }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  return (
    <form className="caller-form" onSubmit={submit} aria-label="Caller">
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

import { useCallback, useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { admin } from './api';
import { useConsole } from './consoleContext';

/** Given an operation and its variables, returns its data once loaded, the error if refused, and how to load it again. */
export function useQuery<T>(query: string, variables: Record<string, unknown> = {}) {
  const { session } = useConsole();
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  const key = JSON.stringify(variables);
  const reload = useCallback(
    () =>
      admin<T>(session, query, JSON.parse(key) as Record<string, unknown>).then(
        (data) => setState({ data, error: null }),
        (error: Error) => setState({ data: null, error: error.message }),
      ),
    [session, query, key],
  );
  useEffect(() => {
    void reload();
  }, [reload]);
  return { ...state, reload };
}

/** A form of one change: its fields, the reason every change needs, and the server's answer or refusal. */
export function ChangeForm(props: {
  title: string;
  submit: string;
  children: ReactNode;
  onSubmit(reason: string, form: FormData): Promise<ReactNode | void>;
  testId: string;
  /** Told when any field changes: a preview of the form's values is then out of date. */
  onChange?: () => void;
  /** What comes before the submit button (a preview button); the submit waits while submitDisabled. */
  beforeSubmit?: ReactNode;
  submitDisabled?: boolean;
}) {
  const { t } = useConsole();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; body: ReactNode } | null>(null);
  return (
    <form
      className="change-form"
      data-testid={props.testId}
      onChange={(event) => {
        // The reason is no part of what is previewed: typing it keeps the preview.
        if ((event.target as unknown as { name?: string }).name !== 'reason') props.onChange?.();
      }}
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const reason = String(form.get('reason') ?? '');
        props.onSubmit(reason, form).then(
          (body) => setMessage({ kind: 'ok', body: body ?? t('done') }),
          (error: Error) => setMessage({ kind: 'error', body: error.message }),
        );
      }}
    >
      <h3>{props.title}</h3>
      {props.children}
      <label>
        {t('reason')}
        <input name="reason" required maxLength={500} />
      </label>
      {props.beforeSubmit}
      <button type="submit" disabled={props.submitDisabled ?? false}>
        {props.submit}
      </button>
      {message && (
        <div role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind}>
          {message.body}
        </div>
      )}
    </form>
  );
}

/** Given rows and columns, returns a plain table. */
export function Table<Row>(props: { rows: Row[]; columns: Array<[string, (row: Row) => ReactNode]>; testId: string }) {
  return (
    <table data-testid={props.testId}>
      <thead>
        <tr>
          {props.columns.map(([title]) => (
            <th key={title}>{title}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row, index) => (
          <tr key={index}>
            {props.columns.map(([title, cell]) => (
              <td key={title}>{cell(row)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export const listOf = (value: FormDataEntryValue | null): string[] =>
  String(value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

import { useState } from 'react';
import { ERROR_GUIDE } from '../../common/errorGuide';

/** The help on errors: every code a client can get, one page each with its HTTP status, when, and what to do. */
export function ErrorGuidePanel() {
  const [code, setCode] = useState<string | null>(null);
  const entry = ERROR_GUIDE.find((candidate) => candidate.code === code);
  if (entry) {
    return (
      <div className="panel" data-testid="error-page">
        <button type="button" onClick={() => setCode(null)}>
          ← All codes
        </button>
        <h2>
          <code>{entry.code}</code>
        </h2>
        <p>
          HTTP status: <strong>{entry.status}</strong>
        </p>
        <h3>When</h3>
        <p>{entry.when}</p>
        <h3>What to do</h3>
        <p>{entry.fix}</p>
      </div>
    );
  }
  return (
    <div className="panel" data-testid="error-guide">
      <h2>Errors</h2>
      <p>
        Every error carries a stable <code>extensions.code</code>. Choose one:
      </p>
      <ul>
        {ERROR_GUIDE.map((candidate) => (
          <li key={candidate.code}>
            <button type="button" className="link" onClick={() => setCode(candidate.code)}>
              {candidate.code}
            </button>{' '}
            ({candidate.status})
          </li>
        ))}
      </ul>
    </div>
  );
}

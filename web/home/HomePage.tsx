import { useEffect, useState } from 'react';
import { PLATFORM_FACTS } from '../shared/facts';
import { SiteBar } from '../shared/SiteBar';
import type { PlatformStatus } from '../shared/status';
import { fetchStatus } from '../shared/status';

const ENDPOINTS = [
  { path: '/graphql', who: 'agency applications', what: 'the federated API over the four sector databases; open data needs no credential' },
  { path: '/admin', who: 'stewards', what: 'agencies, API keys, grants, their history, explanations and the audit trail' },
  { path: '/citizen', who: 'citizens', what: 'who read my data, with a token of the identity provider' },
  { path: '/status', who: 'operators', what: 'version and health of every part, as JSON' },
  { path: '/demo-keys', who: 'newcomers', what: "the demo agencies' public keys, outside production only" },
] as const;

function Health({ status }: { status: PlatformStatus | null | 'loading' }) {
  if (status === 'loading') return <p>Checking…</p>;
  if (status === null)
    return (
      <p className="status-bad" data-testid="health">
        The gateway does not answer.
      </p>
    );
  return (
    <>
      <p className={status.healthy ? 'status-ok' : 'status-bad'} data-testid="health">
        {status.healthy ? 'Healthy: every part answers.' : 'Degraded: some parts do not answer.'}
      </p>
      <ul>
        {status.services.map((service) => (
          <li key={service.name}>
            {service.name}: <span className={service.up ? 'status-ok' : 'status-bad'}>{service.up ? 'up' : 'down'}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

/** The landing page for people: what the platform is, where to go, its endpoints, version and health. */
export function HomePage() {
  const [status, setStatus] = useState<PlatformStatus | null | 'loading'>('loading');
  useEffect(() => {
    void fetchStatus().then(setStatus);
  }, []);
  return (
    <>
      <SiteBar />
      <main className="page">
        <h1>Provincial data-sharing platform</h1>
        <p>
          The province's agencies read each other's databases here instead of asking citizens for the same papers again:
          <em> một lần khai báo, khai thác trọn đời</em>. Population, land, health and education data answer through one GraphQL API; every agency sees exactly
          what its grants allow, for a stated purpose, and every access is recorded.
        </p>
        <section className="card">
          <h2>Start here</h2>
          <ul>
            <li>
              <a href="/graphql">API explorer</a>: for agencies' developers. Enter your API key or token and a purpose; the docs show what you may read, your
              grants and why an operation would be refused.
            </li>
            <li>
              No key yet? Outside production the explorer's <em>Demo agency</em> menu offers the demo agencies' public keys: pick the hospital (H56.15.01),
              purpose MEDICAL_TREATMENT, and run the first tab.
            </li>
            <li>Stewards' console and citizens' page: coming next; their APIs (below) answer already.</li>
          </ul>
        </section>
        <section className="card">
          <h2>API endpoints</h2>
          <table className="plain">
            <thead>
              <tr>
                <th>path</th>
                <th>for</th>
                <th>what</th>
              </tr>
            </thead>
            <tbody>
              {ENDPOINTS.map((endpoint) => (
                <tr key={endpoint.path}>
                  <td>
                    <code>{endpoint.path}</code>
                  </td>
                  <td>{endpoint.who}</td>
                  <td>{endpoint.what}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="card">
          <h2>Health</h2>
          <Health status={status} />
          <p>
            Version <span data-testid="version">{PLATFORM_FACTS.version}</span>
          </p>
        </section>
      </main>
    </>
  );
}

import http from 'node:http';
import type { SeededPlatform } from '../helpers/platform';
import { startSeededPlatform } from '../helpers/platform';
import { CONTENT_SECURITY_POLICY } from '../../gateway/web/webRoutes';
import { PLATFORM_VERSION } from '../../gateway/web/status';

const APP_ORIGIN = 'https://app.benhvien.thanhhoa.vn';

/** Sends a request with its path exactly as given (fetch would resolve the dots itself) and returns status, headers and body. */
function rawGet(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const request = http.request({ hostname, port, path, method: 'GET', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('the gateway serves the web apps', () => {
  let seeded: SeededPlatform;
  let base: string;
  let graphql: string;

  beforeAll(async () => {
    seeded = await startSeededPlatform(10, { corsOrigins: [APP_ORIGIN] });
    graphql = seeded.platform.gateway.url;
    base = new URL('/', graphql).toString();
  });
  afterAll(async () => {
    await seeded?.stop();
  });

  it('answers a browser at /graphql with the explorer, under a same-origin Content-Security-Policy', async () => {
    const response = await fetch(graphql, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'self'/);
    const html = await response.text();
    expect(html).toContain('<title>API explorer');
    // Everything the page names is on this origin.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves the hashed assets with their content type, cached for good', async () => {
    const html = await (await fetch(graphql, { headers: { accept: 'text/html' } })).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const stylesheet = /href="(\/assets\/[^"]+\.css)"/.exec(html)![1]!;
    const js = await fetch(new URL(script, base));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const css = await fetch(new URL(stylesheet, base));
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('leaves API requests to /graphql as they were: POST, and GET with CSRF prevention', async () => {
    const post = await fetch(graphql, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(await post.json()).toEqual({ data: { __typename: 'Query' } });
    const plainGet = await fetch(`${graphql}?query=${encodeURIComponent('{ __typename }')}`);
    expect(plainGet.status).toBe(400);
    expect(((await plainGet.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
    const preflightedGet = await fetch(`${graphql}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'apollo-require-preflight': 'true', accept: 'application/json' },
    });
    expect(await preflightedGet.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('shows people the landing page at /, and the version and health at /status', async () => {
    const landing = await fetch(base, { headers: { accept: 'text/html' } });
    expect(landing.status).toBe(200);
    expect(landing.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await landing.text()).toContain('<title>Provincial data-sharing platform</title>');
    const status = await fetch(new URL('/status', base));
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({
      version: PLATFORM_VERSION,
      healthy: true,
      services: ['gateway', 'population subgraph', 'land subgraph', 'health subgraph', 'education subgraph'].map((name) => ({ name, up: true })),
    });
  });

  it("offers the demo agencies' public keys where the demo was seeded", async () => {
    const response = await fetch(new URL('/demo-keys', base));
    const { keys } = (await response.json()) as { keys: Array<{ agencyCode: string; apiKey: string }> };
    expect(new Map(keys.map((key) => [key.agencyCode, key.apiKey]))).toEqual(seeded.demoKeys);
  });

  it.each([
    '/explorer/../../package.json',
    '/assets/../package.json',
    '/assets/..%2F..%2Fpackage.json',
    '/assets/%2e%2e/%2e%2e/package.json',
    '/assets/..%5c..%5cpackage.json',
    '/assets/%00../package.json',
    '/graphql/../package.json',
    '/package.json',
    '/web/dist/explorer/index.html',
  ])('refuses %s with a JSON 404', async (path) => {
    const response = await rawGet(base, path, { accept: 'text/html' });
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.body).not.toContain('provincial-data-sharing');
    expect(JSON.parse(response.body).errors[0].extensions.code).toBe('NOT_FOUND');
  });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      fetch(graphql, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-purpose' },
      });

    it("answers a listed origin's preflight with the exact headers the platform reads, and no credentials mode", async () => {
      const response = await preflight(APP_ORIGIN);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
      expect(response.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-purpose, x-user-id, x-officer-unit, x-dossier-id');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(response.headers.get('vary')).toContain('Origin');
    });

    it.each(['https://elsewhere.example', 'null', 'https://app.benhvien.thanhhoa.vn.evil.example'])('refuses the preflight of %s', async (origin) => {
      const response = await preflight(origin);
      expect(response.status).toBe(403);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-headers')).toBeNull();
    });

    it.each(['/admin', '/citizen'])('applies the same allow-list to %s', async (route) => {
      const ask = (origin: string) => fetch(new URL(route, base), { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      const listed = await ask(APP_ORIGIN);
      expect(listed.status).toBe(204);
      expect(listed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      const other = await ask('https://elsewhere.example');
      expect(other.status).toBe(403);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('lets a listed origin read the answer, and gives any other origin nothing to read it with', async () => {
      const ask = (origin: string) =>
        fetch(graphql, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      const listed = await ask(APP_ORIGIN);
      expect(listed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      expect(listed.headers.get('access-control-allow-credentials')).toBeNull();
      for (const origin of ['https://elsewhere.example', 'null']) expect((await ask(origin)).headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});

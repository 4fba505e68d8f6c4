import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HttpServerHandle } from '../../common/httpServer';
import { startHttpServer } from '../../common/httpServer';
import { getLogger } from '../../common/logger';
import { loadWebBuild } from '../../gateway/web/webBuild';
import { wantsPage, webRoutes } from '../../gateway/web/webRoutes';

/** Given files by path, writes a build into a fresh directory and returns it. */
function buildWith(files: Record<string, string>): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsp-web-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(directory, file)), { recursive: true });
    fs.writeFileSync(path.join(directory, file), text);
  }
  return directory;
}

async function serve(directory: string): Promise<HttpServerHandle> {
  const logger = getLogger('test');
  const routes = webRoutes({
    build: loadWebBuild(directory),
    corsOrigins: [],
    status: async () => ({ version: '0', healthy: false, services: [] }),
    demoKeys: () => null,
    logger,
  });
  return startHttpServer([], { port: 0, host: '127.0.0.1' }, logger, routes);
}

describe('serving a web build', () => {
  it('serves exactly the files of the build, each with its content type', async () => {
    const directory = buildWith({
      'home/index.html': '<p>home</p>',
      'explorer/index.html': '<p>explorer</p>',
      'console/index.html': '<p>console</p>',
      'citizen/index.html': '<p>citizen</p>',
      'assets/app-0a1b2c.js': 'export {};',
      'assets/icons-3d4e5f.ttf': 'font',
      'assets/worker-6a7b8c.js': 'self.onmessage = null;',
    });
    const server = await serve(directory);
    try {
      const font = await fetch(new URL('/assets/icons-3d4e5f.ttf', server.baseUrl));
      expect(font.headers.get('content-type')).toBe('font/ttf');
      expect(font.headers.get('x-content-type-options')).toBe('nosniff');
      // A file added after start is not served: the index is what the build held.
      fs.writeFileSync(path.join(directory, 'assets', 'later.js'), 'export {};');
      expect((await fetch(new URL('/assets/later.js', server.baseUrl))).status).toBe(404);
      const head = await fetch(server.baseUrl, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      // A degraded platform says so with 503.
      expect((await fetch(new URL('/status', server.baseUrl))).status).toBe(503);
      // No demo agencies (production, or not seeded): no keys.
      expect((await fetch(new URL('/demo-keys', server.baseUrl))).status).toBe(404);
    } finally {
      await server.stop();
      server.httpServer.close();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('answers WEB_NOT_BUILT (503) for the pages when the build is missing', async () => {
    const directory = buildWith({ 'home/index.html': '<p>home</p>' });
    const server = await serve(directory);
    try {
      const response = await fetch(server.baseUrl, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('WEB_NOT_BUILT');
    } finally {
      await server.stop();
      server.httpServer.close();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('wantsPage', () => {
  it.each([
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['application/json, text/html', false],
    ['application/graphql-response+json, application/json', false],
    ['*/*', false],
    [undefined, false],
  ])('tells a browser page request (%s) apart: %s', (accept, expected) => {
    expect(wantsPage(accept)).toBe(expected);
  });
});

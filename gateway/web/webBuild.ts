import fs from 'node:fs';
import path from 'node:path';

/** Where `npm run build:web` writes the web apps: web/dist/<app>/index.html and web/dist/assets/. */
export const WEB_DIST_DIRECTORY = path.join(__dirname, '..', '..', 'web', 'dist');

/** The pages the gateway serves, by app: the built index.html of each. */
export const WEB_PAGES = { home: 'home/index.html', explorer: 'explorer/index.html', console: 'console/index.html', citizen: 'citizen/index.html' } as const;
export type WebPage = keyof typeof WEB_PAGES;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/** One file of the build, ready to be served. */
export interface BuiltFile {
  body: Buffer;
  contentType: string;
}

/** What the build produced: its pages, and its assets by URL path (/assets/<hashed name>). */
export interface WebBuild {
  pages: Record<WebPage, BuiltFile>;
  assets: ReadonlyMap<string, BuiltFile>;
}

function builtFile(file: string): BuiltFile {
  return { body: fs.readFileSync(file), contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' };
}

/**
 * Given the build's directory, returns its pages and assets read once into memory, or null when the build is
 * missing. Only these files can ever be served: a request names a key of this index, never a path on disk, so no
 * URL (`..`, encoded slashes, NUL bytes) can reach another file.
 */
export function loadWebBuild(directory: string = WEB_DIST_DIRECTORY): WebBuild | null {
  const pageFiles = Object.values(WEB_PAGES).map((page) => path.join(directory, page));
  if (!pageFiles.every((file) => fs.existsSync(file))) return null;
  const assetsDirectory = path.join(directory, 'assets');
  const assets = new Map<string, BuiltFile>();
  for (const entry of fs.existsSync(assetsDirectory) ? fs.readdirSync(assetsDirectory, { withFileTypes: true }) : []) {
    if (entry.isFile()) assets.set(`/assets/${entry.name}`, builtFile(path.join(assetsDirectory, entry.name)));
  }
  const pages = Object.fromEntries(Object.entries(WEB_PAGES).map(([page, file]) => [page, builtFile(path.join(directory, file))])) as Record<
    WebPage,
    BuiltFile
  >;
  return { pages, assets };
}

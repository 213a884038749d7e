import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file the page is made of, read once at start-up. */
export interface Asset {
  readonly body: Buffer;
  readonly type: string;
  /** `cache-control`: the vendor files are kept for a day, the page's own are revalidated. */
  readonly cache: string;
}

/** The page's files by their path under `/ui/` (`''` is the page itself), and what its CSP needs. */
export interface AssetTable {
  readonly files: ReadonlyMap<string, Asset>;
  /** `'sha256-…'` of the page's import map: the one inline script the CSP lets through. */
  readonly importMapHash: string;
}

const types: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
});

const ownCache = 'no-cache';
const vendorCache = 'public, max-age=86400';

/** The page's hand-written files. */
export const staticDir = join(dirname(fileURLToPath(import.meta.url)), 'static');

const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));
// htm's `exports` does not list package.json; its main file is in dist/, next to the ES module.
const htmDist = dirname(require.resolve('htm'));

/** The npm ES modules the page imports (through its import map), served as they ship. */
export const vendorFiles: Readonly<Record<string, string>> = Object.freeze({
  'vendor/preact.js': join(packageDir('preact'), 'dist', 'preact.module.js'),
  'vendor/preact-hooks.js': join(packageDir('preact'), 'hooks', 'dist', 'hooks.module.js'),
  'vendor/htm.js': join(htmDist, 'htm.module.js'),
  'vendor/uplot.js': join(packageDir('uplot'), 'dist', 'uPlot.esm.js'),
  'vendor/uplot.css': join(packageDir('uplot'), 'dist', 'uPlot.min.css'),
});

/** Every file under `dir` with a type we serve, by its path relative to `dir` (with `/`). */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full).map((f) => `${entry.name}/${f}`));
    else if (types[extname(entry.name)] !== undefined) out.push(entry.name);
  }
  return out;
}

/** The sha256 CSP source of the page's `<script type="importmap">` body; start-up fails without one. */
export function importMapHash(html: string): string {
  const match = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html);
  if (match === null) throw new Error('admin-ui: index.html has no import map');
  return `'sha256-${createHash('sha256').update(match[1] as string).digest('base64')}'`;
}

/**
 * Reads the page's files and the vendor modules into memory (about 100 kB in all), so a request
 * is a map lookup: no path from a URL ever reaches the file system.
 */
export function loadAssets(dir: string = staticDir): AssetTable {
  const files = new Map<string, Asset>();
  for (const name of listFiles(dir)) {
    const path = name.split('/').join(sep);
    files.set(name, { body: readFileSync(join(dir, path)), type: types[extname(name)] as string, cache: ownCache });
  }
  const page = files.get('index.html');
  if (page === undefined) throw new Error(`admin-ui: no index.html in ${relative(process.cwd(), dir) || dir}`);
  files.set('', page);
  for (const [name, path] of Object.entries(vendorFiles)) {
    files.set(name, { body: readFileSync(path), type: types[extname(path)] as string, cache: vendorCache });
  }
  return { files, importMapHash: importMapHash(page.body.toString('utf8')) };
}

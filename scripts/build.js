#!/usr/bin/env node
// `npm run build [-- --out DIR]`: compiles core/ and plugins/ to JavaScript (tsc, imports rewritten
// from .ts to .js) and writes the folder's package.json, so `switchyard` and `switchyard/plugins/…`
// resolve inside it. Run the result with `node dist/core/main.js` (what `npm run start:dist` does).
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist' } } });
const out = resolve(root, values.out);

rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);

// Files tsc does not emit: the admin page's hand-written static files, served as they are.
cpSync(join(root, 'plugins', 'admin-ui', 'static'), join(out, 'plugins', 'admin-ui', 'static'), { recursive: true });

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const toJs = (value) =>
  typeof value === 'string' ? value.replace(/\.ts$/, '.js') : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJs(v)]));
const compiled = {
  name: pkg.name,
  version: pkg.version,
  description: `${pkg.description} (compiled; built from the repository by npm run build)`,
  type: pkg.type,
  license: pkg.license,
  engines: pkg.engines,
  exports: toJs(pkg.exports),
};
writeFileSync(join(out, 'package.json'), `${JSON.stringify(compiled, null, 2)}\n`);
process.stdout.write(`built ${out}\n`);

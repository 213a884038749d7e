import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { GatewayError } from '../../../core/index.ts';
import { importConfigFile } from '../../../core/config/load.ts';
import { importModule } from '../../../core/config/import-module.ts';

// Config files are bundled as ES modules bound to the running core (issue #11): whatever the
// folder's package.json says, a config's `switchyard` is this process's core, and each bundled
// file keeps its own location.
const dirs: string[] = [];
const folder = (pkg?: object): string => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-import-'));
  dirs.push(dir);
  if (pkg !== undefined) writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('importModule', () => {
  test.each([
    ['no package.json', undefined],
    ['a CommonJS package.json', { name: 'acme' }],
    ['an ES module package.json', { name: 'acme', type: 'module' }],
  ])('a config in a folder with %s gets the running core and its own __dirname', async (_kind, pkg) => {
    const dir = folder(pkg);
    mkdirSync(join(dir, 'lib'));
    writeFileSync(
      join(dir, 'lib', 'where.ts'),
      'export const where = { dirname: __dirname, filename: __filename, url: import.meta.url };\n',
    );
    writeFileSync(
      join(dir, 'gateway.config.ts'),
      `import { defineConfig, GatewayError } from 'switchyard';
import { where } from './lib/where.ts';
const here: string = __dirname;
export default defineConfig({ settings: { maxAttempts: 2 }, plugins: [], models: [] });
export const found = { GatewayError, here, url: import.meta.url, where };
`,
    );
    const file = join(dir, 'gateway.config.ts');
    const mod = (await importModule(file)) as { found: { GatewayError: unknown; here: string; url: string; where: Record<string, string> } };
    expect(mod.found.GatewayError).toBe(GatewayError);
    expect(mod.found.here).toBe(dir);
    expect(mod.found.url).toBe(pathToFileURL(file).href);
    expect(mod.found.where).toEqual({
      dirname: join(dir, 'lib'),
      filename: join(dir, 'lib', 'where.ts'),
      url: pathToFileURL(join(dir, 'lib', 'where.ts')).href,
    });
    expect(await importConfigFile(file)).toMatchObject({ settings: { maxAttempts: 2 } });
    expect(readdirSync(dir).filter((f) => f.endsWith('.mjs'))).toEqual([]);
  });
});

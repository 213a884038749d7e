import { unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin as EsbuildPlugin } from 'esbuild';

/**
 * True when this module runs as compiled JavaScript (`npm run build`, then `dist/`): no
 * TypeScript loader is registered, so `.ts` configs and plugins are compiled here on the way in.
 * From source (bin/switchyard.js registers tsx; vitest) Node imports them as they are.
 */
const compiled = import.meta.url.endsWith('.js');

const typeScript = /\.[cm]?tsx?$/;

/**
 * TypeScript modules compiled so far, by path: a file named by two plugin entries is compiled and
 * evaluated once, as Node's module cache does when running from source. (A file the config itself
 * imports is bundled into the config's module, so it is a copy of its own.)
 */
const compiledModules = new Map<string, Promise<unknown>>();

/** Imports a config or plugin module by absolute path, TypeScript included. */
export function importModule(path: string): Promise<unknown> {
  if (!compiled || !typeScript.test(path)) return import(pathToFileURL(path).href);
  let loaded = compiledModules.get(path);
  if (loaded === undefined) {
    loaded = importCompiledTypeScript(path);
    compiledModules.set(path, loaded);
  }
  return loaded;
}

/**
 * How `switchyard` and `switchyard/…` resolve for config and plugin modules: to the running
 * gateway's own modules (in compiled mode, dist/'s), so a config never loads a second copy of the
 * core from source (two `GatewayError` classes, two hook registries).
 */
export function resolveOwnSpecifier(specifier: string): string | undefined {
  if (specifier !== 'switchyard' && !specifier.startsWith('switchyard/')) return undefined;
  return compiled ? import.meta.resolve(specifier) : undefined;
}

/**
 * Compiles a TypeScript module with esbuild, as Vite does its config: one ES module bundling
 * the file and its relative imports, packages left to Node, written next to the source (so
 * packages resolve from the same folder, and `import.meta.url` points there), imported, removed.
 * No loader thread is started for the life of the process (tsx's costs ~33 MB).
 */
let compilations = 0;
async function importCompiledTypeScript(path: string): Promise<unknown> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [path],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    write: false,
    logLevel: 'silent',
    plugins: [ownPackage],
  });
  const code = result.outputFiles[0]?.text ?? '';
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${Date.now()}-${++compilations}.mjs`);
  await writeFile(temp, code);
  try {
    return await import(pathToFileURL(temp).href);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Points `switchyard` imports at the running gateway (see resolveOwnSpecifier). */
const ownPackage: EsbuildPlugin = {
  name: 'switchyard-own-package',
  setup(build) {
    build.onResolve({ filter: /^switchyard(\/|$)/ }, (args) => {
      const url = resolveOwnSpecifier(args.path);
      return url === undefined ? undefined : { path: url, external: true };
    });
  },
};

import { readFile, unlink, writeFile } from 'node:fs/promises';
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Loader, Plugin as EsbuildPlugin } from 'esbuild';

/**
 * Config and plugin files are loaded the same way whether the gateway runs from source (under
 * tsx) or compiled (`dist/`, no TypeScript loader): esbuild bundles the file and its relative
 * imports into one ES module, with every `switchyard` import pointed at the running gateway's own
 * modules. So a config in a user's folder shares the gateway's one copy of the core (one
 * `GatewayError` class, one hook registry) whatever that folder's package.json says: without
 * `"type": "module"` Node (and tsx) would load the file as CommonJS, its `require('switchyard')`
 * would build a second module graph, and every `instanceof GatewayError` would quietly fail.
 */
const bundled = /\.(?:[cm]?[jt]sx?)$/;
const typeScript = /\.[cm]?tsx?$/;

/**
 * Files bundled so far, by path: a file named by two plugin entries is compiled and evaluated
 * once, as Node's module cache would. (A file the config itself imports is bundled into the
 * config's module, so it is a copy of its own.)
 */
const bundledModules = new Map<string, Promise<unknown>>();

/** Imports a config or plugin module by absolute path, TypeScript included. */
export function importModule(path: string): Promise<unknown> {
  const native = nativeUrl(path);
  if (native !== undefined) return import(native);
  let loaded = bundledModules.get(path);
  if (loaded === undefined) {
    loaded = importBundled(path);
    bundledModules.set(path, loaded);
  }
  return loaded;
}

/**
 * How `switchyard` and `switchyard/…` resolve for config and plugin modules: to the running
 * gateway's own modules (source or dist/, whichever is running), never to another install.
 */
export function resolveOwnSpecifier(specifier: string): string | undefined {
  if (specifier !== 'switchyard' && !specifier.startsWith('switchyard/')) return undefined;
  return import.meta.resolve(specifier);
}

/** Where the running gateway's modules are: the package root from source, dist/ when compiled. */
const ownRoot = realpathSync(fileURLToPath(new URL('../..', import.meta.url)));
const compiled = import.meta.url.endsWith('.js');
const within = (dir: string, file: string): boolean => file.startsWith(dir + sep);

/**
 * The URL to import a file by as it is, when it must not be bundled: a module of the running
 * gateway (bundling it would make a second copy: a config importing `…/core/errors.ts` by path
 * would get a second GatewayError), its compiled twin when running compiled, a file inside
 * node_modules (a package's, loaded by Node), or a file that is not JavaScript or TypeScript.
 */
function nativeUrl(path: string): string | undefined {
  if (!bundled.test(path)) return pathToFileURL(path).href;
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return undefined; // esbuild reports the missing file
  }
  // Without a loader (compiled), TypeScript is bundled, unless the gateway has it compiled.
  if (compiled && typeScript.test(real)) {
    const twin = within(dirname(ownRoot), real) ? join(ownRoot, relative(dirname(ownRoot), real)).replace(typeScript, '.js') : undefined;
    return twin !== undefined && existsSync(twin) ? pathToFileURL(twin).href : undefined;
  }
  if (within(ownRoot, real) || real.split(sep).includes('node_modules')) return pathToFileURL(real).href;
  return undefined;
}

/**
 * Bundles a module with esbuild, as Vite does its config: one ES module holding the file and its
 * relative imports, packages left to Node, written next to the source (so packages resolve from
 * the same folder), imported, removed. No loader thread is started for the life of the process.
 */
let compilations = 0;
async function importBundled(path: string): Promise<unknown> {
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
    define: { __dirname: dirnameVar, __filename: filenameVar, 'import.meta.url': importMetaUrlVar },
    plugins: [ownPackage, ownFiles, fileLocals],
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
    build.onResolve({ filter: /^switchyard(\/|$)/ }, (args) => ({ path: resolveOwnSpecifier(args.path) as string, external: true }));
  },
};

/** Relative and absolute imports of files that must not be bundled (see nativeUrl) stay imports. */
const resolving = Symbol('resolving');
const ownFiles: EsbuildPlugin = {
  name: 'switchyard-own-files',
  setup(build) {
    build.onResolve({ filter: /^[./]/ }, async (args) => {
      if (args.pluginData === resolving) return undefined;
      const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: resolving });
      if (found.errors.length > 0 || found.external) return undefined;
      const native = nativeUrl(found.path);
      return native === undefined ? undefined : { path: native, external: true };
    });
  },
};

const dirnameVar = '__switchyard_dirname';
const filenameVar = '__switchyard_filename';
const importMetaUrlVar = '__switchyard_import_meta_url';

const loaders: Record<string, Loader> = {
  '.ts': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.tsx': 'tsx',
  '.js': 'js',
  '.mjs': 'js',
  '.cjs': 'js',
  '.jsx': 'jsx',
};

/**
 * Each bundled file keeps its own `__dirname`, `__filename` and `import.meta.url` (a config that
 * was CommonJS to Node may use the first two), rather than the temporary bundle's.
 */
const fileLocals: EsbuildPlugin = {
  name: 'switchyard-file-locals',
  setup(build) {
    build.onLoad({ filter: bundled }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const locals =
        `const ${dirnameVar} = ${JSON.stringify(dirname(args.path))};` +
        `const ${filenameVar} = ${JSON.stringify(args.path)};` +
        `const ${importMetaUrlVar} = ${JSON.stringify(pathToFileURL(args.path).href)};`;
      return { contents: locals + source, loader: loaders[extname(args.path)] ?? 'ts' };
    });
  },
};

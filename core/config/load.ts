import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, type ConfigProblem } from '../errors.ts';
import { defaultAnswerBufferLimits, type AnswerBufferLimits } from '../http/answer-budget.ts';
import type { Plugin } from '../plugin.ts';
import { compileConfigSchema } from '../validation.ts';
import { importModule, resolveOwnSpecifier } from './import-module.ts';
import type { GatewayConfig, PluginEntry } from './define.ts';
import { ownershipProblems } from './ownership.ts';
import { defaults, GatewayConfigSchema, type GatewaySettings, type ModelGroup } from './schema.ts';

/** A config after validation: defaults applied, plugins resolved to instances. */
export interface ResolvedConfig {
  readonly server: {
    readonly port: number;
    readonly host: string | undefined;
    readonly bodyLimit: number;
    readonly shutdownGraceMs: number;
    readonly requestTimeoutMs: number;
    readonly headersTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
    /** Limits on upstream answers held in memory, defaults applied. */
    readonly answerBuffer: AnswerBufferLimits;
  };
  readonly settings: GatewaySettings;
  readonly plugins: readonly Plugin[];
  readonly models: readonly ModelGroup[];
}

/** Imports a config file (TypeScript is fine, see importModule). Default export: config or (async) function. */
export async function importConfigFile(file: string): Promise<GatewayConfig> {
  const path = isAbsolute(file) ? file : resolve(process.cwd(), file);
  if (!existsSync(path)) throw new ConfigError([{ path: file, message: 'config file not found' }]);
  let mod: { default?: unknown };
  try {
    mod = unwrapCommonJs((await importModule(path)) as { default?: unknown });
  } catch (err) {
    throw new ConfigError([{ path: file, message: `could not load: ${(err as Error).message}` }]);
  }
  const exported = typeof mod.default === 'function' ? await (mod.default as () => unknown)() : mod.default;
  if (exported === null || typeof exported !== 'object') {
    throw new ConfigError([{ path: file, message: 'the default export must be a config object (use defineConfig)' }]);
  }
  return exported as GatewayConfig;
}

/** A config compiled as CommonJS (no `"type": "module"` nearby) arrives as `{ default: { default: config } }`. */
function unwrapCommonJs(mod: { default?: unknown }): { default?: unknown } {
  const inner = mod.default as { __esModule?: unknown; default?: unknown } | null | undefined;
  return inner !== null && typeof inner === 'object' && inner.__esModule === true && 'default' in inner ? inner : mod;
}

const validateConfigShape = compileConfigSchema(GatewayConfigSchema);

/**
 * Validates a config and resolves its plugins. Every problem is collected (schema, plugin
 * options, unknown modules, duplicate names, missing dependencies) and thrown together.
 */
export async function resolveConfig(config: GatewayConfig, baseDir = process.cwd()): Promise<ResolvedConfig> {
  const { resolved, problems } = await inspectConfig(config, baseDir);
  if (problems.length > 0) throw new ConfigError(problems);
  return resolved;
}

/**
 * Like `resolveConfig`, but returns the problems beside a best-effort config (the plugins that
 * did resolve), so `switchyard check` can go on to set them up and report what only set-up can
 * tell, such as deployments of unknown providers. Serve only a config without problems.
 */
export async function inspectConfig(
  config: GatewayConfig,
  baseDir = process.cwd(),
): Promise<{ resolved: ResolvedConfig; problems: ConfigProblem[] }> {
  const problems: ConfigProblem[] = validateConfigShape(config);
  const entries = Array.isArray(config.plugins) ? (config.plugins as readonly PluginEntry[]) : [];
  const plugins: Plugin[] = [];
  const positions: number[] = [];
  for (const [i, entry] of entries.entries()) {
    const resolved = await resolvePluginEntry(entry, `plugins[${i}]`, baseDir, problems);
    if (resolved === undefined) continue;
    plugins.push(resolved);
    positions.push(i);
  }
  problems.push(...pluginGraphProblems(plugins, positions));
  problems.push(...ownershipProblems(plugins, positions));
  problems.push(...modelGroupProblems(config.models ?? []));
  const s = config.server ?? {};
  const resolved: ResolvedConfig = {
    server: {
      port: s.port ?? defaults.port,
      host: s.host,
      bodyLimit: s.bodyLimit ?? defaults.bodyLimit,
      shutdownGraceMs: s.shutdownGraceMs ?? defaults.shutdownGraceMs,
      requestTimeoutMs: s.requestTimeoutMs ?? defaults.requestTimeoutMs,
      headersTimeoutMs: s.headersTimeoutMs ?? defaults.headersTimeoutMs,
      keepAliveTimeoutMs: s.keepAliveTimeoutMs ?? defaults.keepAliveTimeoutMs,
      answerBuffer: Object.freeze({ ...defaultAnswerBufferLimits, ...s.answerBuffer }),
    },
    settings: Object.freeze({ ...config.settings }),
    plugins,
    models: Object.freeze(Array.isArray(config.models) ? [...config.models] : []),
  };
  return { resolved, problems };
}

function isPlugin(value: unknown): value is Plugin {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Plugin).name === 'string' &&
    typeof (value as Plugin).setup === 'function'
  );
}

async function resolvePluginEntry(
  entry: PluginEntry,
  path: string,
  baseDir: string,
  problems: ConfigProblem[],
): Promise<Plugin | undefined> {
  if (isPlugin(entry)) {
    for (const p of entry.optionProblems ?? []) problems.push({ path: p.path ? `${path}.${p.path}` : path, message: p.message });
    return entry.optionProblems?.length ? undefined : entry;
  }
  const [specifier, options] = typeof entry === 'string' ? [entry, undefined] : Array.isArray(entry) ? entry : [undefined, undefined];
  if (typeof specifier !== 'string') {
    problems.push({ path, message: 'must be a plugin, a module specifier, or [specifier, options]' });
    return undefined;
  }
  let exported: unknown;
  try {
    const mod = (await importPlugin(specifier, baseDir)) as { default?: unknown };
    exported = mod.default;
  } catch (err) {
    problems.push({ path, message: `cannot load '${specifier}': ${(err as Error).message}` });
    return undefined;
  }
  let plugin: unknown = exported;
  if (typeof exported === 'function') {
    try {
      plugin = (exported as (o: unknown) => unknown)(options);
    } catch (err) {
      problems.push({ path, message: `factory of '${specifier}' failed: ${(err as Error).message}` });
      return undefined;
    }
  } else if (options !== undefined) {
    problems.push({ path, message: `'${specifier}' exports a plugin, not a factory, so it takes no options` });
  }
  if (!isPlugin(plugin)) {
    problems.push({ path, message: `'${specifier}' must export (as default) a plugin factory or a plugin` });
    return undefined;
  }
  return resolvePluginEntry(plugin, path, baseDir, problems);
}

/**
 * Relative paths resolve against the config's folder; `switchyard/…` to the running gateway's
 * own modules; other package names against the project.
 */
async function importPlugin(specifier: string, baseDir: string): Promise<unknown> {
  const own = resolveOwnSpecifier(specifier);
  if (own !== undefined) return import(own);
  if (specifier.startsWith('.') || isAbsolute(specifier)) return importModule(resolve(baseDir, specifier));
  let path: string;
  try {
    path = createRequire(resolve(baseDir, 'package.json')).resolve(specifier);
  } catch {
    return import(specifier);
  }
  return importModule(path);
}

/** Names and dependencies; `positions` maps each plugin back to its entry in `plugins[]` for the paths. */
function pluginGraphProblems(plugins: readonly Plugin[], positions: readonly number[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  plugins.forEach((p, k) => {
    const i = positions[k] as number;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(p.name)) {
      problems.push({ path: `plugins[${i}]`, message: `plugin name '${p.name}' must be kebab-case` });
    }
    const first = seen.get(p.name);
    if (first !== undefined) {
      problems.push({ path: `plugins[${i}]`, message: `duplicate plugin name '${p.name}' (also plugins[${first}])` });
    } else {
      seen.set(p.name, i);
    }
  });
  plugins.forEach((p, k) => {
    const i = positions[k] as number;
    for (const dep of p.dependsOn ?? []) {
      const at = seen.get(dep);
      if (at === undefined) problems.push({ path: `plugins[${i}]`, message: `plugin '${p.name}' depends on '${dep}', which is not configured` });
      else if (at > i) problems.push({ path: `plugins[${i}]`, message: `plugin '${p.name}' depends on '${dep}', which must come before it` });
    }
  });
  return problems;
}

function modelGroupProblems(models: readonly ModelGroup[]): ConfigProblem[] {
  if (!Array.isArray(models)) return [];
  const problems: ConfigProblem[] = [];
  const names = new Set<string>();
  models.forEach((m, i) => {
    if (typeof m?.name !== 'string') return;
    if (names.has(m.name)) problems.push({ path: `models[${i}].name`, message: `duplicate model group '${m.name}'` });
    names.add(m.name);
  });
  models.forEach((m, i) => {
    for (const list of ['fallbacks', 'contextWindowFallbacks', 'contentPolicyFallbacks'] as const) {
      (m?.[list] ?? []).forEach((f: string, j: number) => {
        if (!names.has(f)) problems.push({ path: `models[${i}].${list}[${j}]`, message: `'${f}' is not a model group` });
        if (f === m.name) problems.push({ path: `models[${i}].${list}[${j}]`, message: 'a group cannot fall back to itself' });
      });
    }
  });
  return problems;
}

export function configDir(file: string | undefined): string {
  return file === undefined ? process.cwd() : dirname(resolve(process.cwd(), file));
}

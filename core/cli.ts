import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { GatewayConfig } from './config/define.ts';
import { configDir, importConfigFile, inspectConfig, type ResolvedConfig } from './config/load.ts';
import { ConfigError, type ConfigProblem } from './errors.ts';
import { deploymentProblems, Gateway } from './gateway.ts';
import { createRootLogger } from './log.ts';
import { installProcessGuard } from './process-guard.ts';
import { startGateway } from './start.ts';

const usage = `usage:
  switchyard [--config FILE] [--port N] [--host H]   start the gateway (PORT/HOST also work; flags win, then env, then config)
  switchyard check [--config FILE]                   validate a config and list every problem
  switchyard keys <generate|list|block|unblock|import> …   manage virtual keys (switchyard keys --help)
Without --config: ./gateway.config.ts if present, else the default preset.`;

async function loadConfig(file: string | undefined): Promise<{ config: GatewayConfig; file: string | undefined }> {
  const chosen = file ?? (existsSync(resolve('gateway.config.ts')) ? 'gateway.config.ts' : undefined);
  if (chosen !== undefined) return { config: await importConfigFile(chosen), file: chosen };
  const { defaultConfig } = await import('../plugins/presets/default.ts');
  return { config: defaultConfig(), file: undefined };
}

function printProblems(err: ConfigError, file: string | undefined): void {
  process.stderr.write(`${file ?? 'default config'}: ${err.problems.length} problem(s)\n`);
  for (const p of err.problems) process.stderr.write(`  ${p.path || '(root)'}: ${p.message}\n`);
}

async function check(file: string | undefined): Promise<number> {
  let loaded: { config: GatewayConfig; file: string | undefined } | undefined;
  try {
    loaded = await loadConfig(file);
    const { resolved, problems } = await inspectConfig(loaded.config, configDir(loaded.file));
    if (problems.length > 0) {
      // Go on with what did resolve, so set-up problems (unknown providers…) are listed too.
      problems.push(...(await setupProblems(resolved)));
      throw new ConfigError(problems);
    }
    const gateway = await Gateway.create(resolved, createRootLogger({ level: 'silent', sync: true }));
    await gateway.close();
    process.stdout.write(
      `${loaded.file ?? 'default config'}: ok (${resolved.plugins.length} plugins, ${resolved.models.length} model groups)\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      printProblems(err, loaded?.file ?? file);
      return 1;
    }
    throw err;
  }
}

/**
 * Sets up the plugins of a config that has problems (each name once, no model groups, which may
 * be malformed) and returns the problems only set-up can tell.
 */
async function setupProblems(resolved: ResolvedConfig): Promise<ConfigProblem[]> {
  const seen = new Set<string>();
  const plugins = resolved.plugins.filter((p) => !seen.has(p.name) && seen.add(p.name));
  let gateway: Gateway;
  try {
    gateway = await Gateway.create({ ...resolved, plugins, models: [] }, createRootLogger({ level: 'silent', sync: true }));
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    return [{ path: 'plugins', message: `set-up failed: ${(err as Error).message}` }];
  }
  const problems = deploymentProblems(resolved.models, gateway.providers);
  await gateway.close();
  return problems;
}

async function serve(file: string | undefined, port: number | undefined, host: string | undefined): Promise<void> {
  const log = createRootLogger();
  let loaded;
  try {
    loaded = await loadConfig(file);
    const envPort = process.env.PORT === undefined ? undefined : Number(process.env.PORT);
    const running = await startGateway(loaded.config, {
      // Flag, then environment (platforms assign PORT), then the config file.
      port: port ?? (envPort !== undefined && Number.isInteger(envPort) ? envPort : undefined) ?? loaded.config.server?.port,
      ...((host ?? process.env.HOST) === undefined ? {} : { host: host ?? process.env.HOST }),
      log,
      baseDir: configDir(loaded.file),
    });
    // From here on, a failure one request (or a plugin's stray callback) escapes with is logged, not fatal.
    installProcessGuard(log);
    let signals = 0;
    const stop = (signal: NodeJS.Signals): void => {
      signals += 1;
      if (signals === 1) {
        log.info({ signal }, 'signal received');
        void running.close().then(() => process.exit(0));
        return;
      }
      // A second signal during the drain (an impatient operator, a process manager's second
      // try): stop now, but as a decision, not a crash: cut open requests with their final
      // answer, close plugins briefly, flush the logs, exit 0.
      if (signals === 2) {
        log.warn({ signal }, 'second signal during shutdown: stopping now');
        void running.stopNow().then(() => process.exit(0));
      }
    };
    // `on`, not `once`: with no listener left, a second signal would kill the process outright.
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  } catch (err) {
    if (err instanceof ConfigError) {
      printProblems(err, loaded?.file ?? file);
      process.exit(1);
    }
    log.fatal({ err }, 'could not start');
    log.flush?.();
    process.exit(1);
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === 'keys') {
    // Its own flags and its own plugin: loaded only when asked for (it opens the keys store).
    const { runKeysCli } = await import('../plugins/keys/cli.ts');
    process.exit(await runKeysCli(argv.slice(1), process.env, process));
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const command = positionals[0];
  if (command === 'check') {
    process.exit(await check(values.config));
  }
  if (command !== undefined) {
    process.stderr.write(`unknown command '${command}'\n${usage}\n`);
    process.exit(2);
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    process.stderr.write(`--port must be a port number, got '${values.port}'\n`);
    process.exit(2);
  }
  await serve(values.config, port, values.host);
}

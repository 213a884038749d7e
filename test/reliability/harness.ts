import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { defineConfig, startGateway, type DeploymentConfig, type ModelGroup, type Plugin, type RunningGateway } from 'switchyard';
import { redactedPaths, type Logger } from '../../core/log.ts';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import requestLog from '../../plugins/log/pino/index.ts';
import anthropic from '../../plugins/providers/anthropic/index.ts';
import azure from '../../plugins/providers/azure/index.ts';
import bedrock from '../../plugins/providers/bedrock/index.ts';
import cohere from '../../plugins/providers/cohere/index.ts';
import gemini from '../../plugins/providers/gemini/index.ts';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { faultModel, faults, type Fault } from './faults.ts';
import { bedrockRegion, secrets, type WireId } from './wires.ts';

export const masterKeyValue = 'sy-reliability-master-key';
export const clientHeaders = { authorization: `Bearer ${masterKeyValue}`, 'content-type': 'application/json' };

/** Upstream limits of the hang cells' model groups: short, so hangs end fast. */
export const hangTimeouts = { firstByte: 500, idle: 500, total: 10_000 } as const;
/** Upstream limits of every other cell: generous, so a loaded machine never turns an answer into a timeout. */
export const relaxedTimeouts = { firstByte: 10_000, idle: 10_000, total: 60_000 } as const;
export const cellMaxAttempts = 2;

export const isHang = (fault: Fault): boolean => fault === 'hang-before-headers' || fault === 'hang-mid-body';

/** The model group a cell calls: `cell-<fault>`. */
export const cellGroup = (fault: Fault): string => `cell-${fault}`;

/** The provider plugin of a wire format, configured against `url` with the suite's secrets. */
export function providerPlugin(wire: WireId, url: string): Plugin {
  switch (wire) {
    case 'openai':
      return openai({ apiKey: secrets.openai, baseURL: `${url}/v1` });
    case 'azure':
      return azure({ endpoint: url, apiKey: secrets.azure });
    case 'anthropic':
      return anthropic({ apiKey: secrets.anthropic, baseURL: url });
    case 'gemini':
      return gemini({ apiKey: secrets.gemini, baseURL: url });
    case 'bedrock':
      return bedrock({ accessKeyId: secrets.bedrockAccessKeyId, secretAccessKey: secrets.bedrockSecret, region: bedrockRegion, baseURL: url });
    case 'cohere':
      return cohere({ apiKey: secrets.cohere, baseURL: url });
  }
}

/** A deployment's base URL on another origin (the closed port of `refused`), as the wire's plugin expects it. */
export function baseOn(wire: WireId, origin: string): string {
  return wire === 'openai' ? `${origin}/v1` : origin;
}

export interface CellLimits {
  /** Limits of the two hang faults' groups (each hang costs one of them per attempt). */
  readonly hangTimeouts: { readonly firstByte: number; readonly idle: number; readonly total: number };
  readonly hangAttempts: number;
  /** Limits of every other group. */
  readonly timeouts: { readonly firstByte: number; readonly idle: number; readonly total: number };
  readonly maxAttempts: number;
}

export const inProcessLimits: CellLimits = { hangTimeouts, hangAttempts: cellMaxAttempts, timeouts: relaxedTimeouts, maxAttempts: cellMaxAttempts };

/** One model group per fault, all on `wire`; `refused` points at `closedOrigin`, where nothing listens. */
export function cellGroups(wire: WireId, closedOrigin: string, limits: CellLimits = inProcessLimits): ModelGroup[] {
  return faults.map((fault) => {
    const deployment: DeploymentConfig = { provider: wire, model: faultModel(fault), ...(fault === 'refused' ? { baseURL: baseOn(wire, closedOrigin) } : {}) };
    const hang = isHang(fault);
    return {
      name: cellGroup(fault),
      deployments: [deployment],
      maxAttempts: hang ? limits.hangAttempts : limits.maxAttempts,
      timeouts: { ...(hang ? limits.hangTimeouts : limits.timeouts) },
    };
  });
}

/** The gateway's log lines, as written. */
export interface LogCapture {
  readonly lines: string[];
  readonly logger: Logger;
}

export function captureLog(level = 'debug'): LogCapture {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(line);
      done();
    },
  });
  const logger: Logger = pino({ level, base: { service: 'switchyard' }, redact: { paths: [...redactedPaths], censor: '[redacted]' } }, sink);
  return { lines, logger };
}

/** The suite's in-process gateway: one wire's provider, the default preset's strategy plugins, the request log. */
export async function startCellGateway(wire: WireId, upstreamUrl: string, models: ModelGroup[], log: LogCapture): Promise<RunningGateway> {
  return startGateway(
    defineConfig({
      plugins: [
        providerPlugin(wire, upstreamUrl),
        masterKey({ key: masterKeyValue }),
        modelRouting({}),
        // A Retry-After above 100 ms ends the retries: the client gets the 429 with it.
        orderedFallback({ retryDelayMs: 1, maxRetryDelayMs: 100 }),
        requestLog({}),
      ],
      models,
    }),
    { port: 0, host: '127.0.0.1', log: log.logger },
  );
}

/** The chat request of a cell. */
export function chatBody(model: string, stream: boolean): string {
  return JSON.stringify({ model, stream, max_tokens: 64, messages: [{ role: 'user', content: 'Say hello.' }] });
}

/** Counts of the handle kinds a leak would show up as. */
export function handles(): { sockets: number; servers: number; timers: number } {
  const info = process.getActiveResourcesInfo();
  const count = (kind: string) => info.filter((k) => k === kind).length;
  return { sockets: count('TCPSocketWrap'), servers: count('TCPServerWrap'), timers: count('Timeout') };
}

/** Polls `ok` every 20 ms for up to `withinMs`; true once it holds (a bounded wait, never a timing assertion). */
export async function eventually(ok: () => boolean, withinMs = 3_000): Promise<boolean> {
  for (let waited = 0; waited <= withinMs; waited += 20) {
    if (ok()) return true;
    await sleep(20);
  }
  return ok();
}

/** The secrets found in log lines. */
export function secretsInLog(lines: readonly string[], list: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) for (const s of list) if (line.includes(s)) out.push(`${s} in: ${line.slice(0, 300)}`);
  return out;
}

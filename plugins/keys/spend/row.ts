import { isForwardOperation, tokenParts, type Outcome, type Price, type RequestContext } from 'switchyard';
import type { EpochMs, JsonObject, SpendRow, SpendStatus } from '../store/types.ts';
import { costNanoUsd } from './cost.ts';
import { forwardCostNanoUsd } from './unit-cost.ts';
import { newLogId } from './log-id.ts';

/**
 * LiteLLM's `call_type` for each operation (its `CallTypes`: the async names its proxy logs), so
 * `/spend/logs/v2` readers and dashboards group requests as they did. An operation without a
 * LiteLLM counterpart is logged under its own name.
 */
export const callTypes: Readonly<Record<string, string>> = Object.freeze({
  chat: 'acompletion',
  completions: 'atext_completion',
  embeddings: 'aembedding',
  responses: 'aresponses',
  messages: 'anthropic_messages',
  images: 'aimage_generation',
  transcriptions: 'atranscription',
  speech: 'aspeech',
  rerank: 'arerank',
  moderations: 'amoderation',
});

/** LiteLLM's `call_type` for an operation (see `callTypes`). */
export function callTypeOf(operation: string): string {
  return Object.hasOwn(callTypes, operation) ? (callTypes[operation] as string) : operation;
}

/** Who called, as the `keys` plugin's admission found them. */
export interface SpendCaller {
  /** The key's token hash; null for the master key. */
  readonly apiKeyHash: string | null;
  readonly keyAlias: string | null;
  readonly teamId: string | null;
  readonly user: string | null;
}

/**
 * One instant on both clocks. The context's timings are `performance.now()` values (monotonic,
 * so durations are right even when the wall clock steps); a row needs epoch ms, so each timing
 * is placed relative to this instant. Captured when the row is built, at the request's end, so
 * the wall clock is the one of that moment, not the process start's (performance.timeOrigin
 * drifts from the wall clock over a long uptime).
 */
export interface ClockPair {
  readonly epochMs: EpochMs;
  readonly perfMs: number;
}

export interface SpendRowInput {
  readonly ctx: Partial<Pick<RequestContext, 'inbound'>> & Pick<RequestContext, 'id' | 'operation' | 'model' | 'deployment' | 'attempts' | 'timings' | 'usage' | 'cacheStatus'> &
    Partial<Pick<RequestContext, 'units'>>;
  readonly outcome: Pick<Outcome, 'status' | 'error'>;
  readonly caller: SpendCaller;
  /** The price of the deployment that answered (`PriceBook.of`); undefined when unknown. */
  readonly price: Price | undefined;
  /** Operator metadata to keep with the row (never prompt or answer content). */
  readonly metadata?: JsonObject;
  /** Defaults to now. */
  readonly now?: ClockPair;
}

/** Shared by every row without metadata (most of them). */
const noMetadata: JsonObject = Object.freeze({});

/** The status the log stage reports: 499 is a client that went away. */
function spendStatus(outcome: SpendRowInput['outcome']): SpendStatus {
  if (outcome.status === 499) return 'aborted';
  return outcome.error !== undefined || outcome.status >= 400 ? 'failure' : 'success';
}

/**
 * The spend row of one finished request (success, failure or abort), with LiteLLM's field
 * names. No prompt or answer content: only counts, names, times and the outcome.
 *
 * - `model` is the upstream model of the deployment that answered (or was last tried), else the
 *   requested name; `model_group` is the requested name; `model_id` the deployment's id;
 *   `custom_llm_provider` its provider.
 * - Tokens follow `tokenParts` (OpenAI's meaning); `total_tokens` = prompt + completion.
 * - `spend`: nano-USD; 0 when nothing was used (no usage, or a cache hit); null when tokens
 *   were used on a model without a price. A served forwarded call (images, audio, moderations,
 *   rerank) is priced in its units (`forwardCostNanoUsd`: per image, character, second of audio,
 *   search, request), null when its price or its units are unknown; a failed one used nothing.
 * - `error_type` is the error's OpenAI `type` (its `code`, if any, is in `metadata.error_code`).
 *
 * @example
 * const row = buildSpendRow({ ctx, outcome, caller: { apiKeyHash, keyAlias, teamId, user }, price: prices.of(ctx.deployment) });
 * writer.add(row);
 */
export function buildSpendRow(input: SpendRowInput): SpendRow {
  const { ctx, outcome } = input;
  const now = input.now ?? { epochMs: Date.now(), perfMs: performance.now() };
  // Epoch ms of a performance.now() value (no closure per row: one is built per request).
  const shift = now.epochMs - now.perfMs;
  const startTime = Math.round(ctx.timings.start + shift);
  const endTime = Math.max(startTime, Math.round((ctx.timings.end ?? now.perfMs) + shift));
  const deployment = ctx.deployment ?? ctx.attempts.at(-1)?.deployment;
  const usage = ctx.usage;
  const parts = usage === undefined ? undefined : tokenParts(usage);
  const prompt = parts === undefined ? 0 : parts.input + parts.cacheRead + parts.cacheWrite;
  const completion = parts === undefined ? 0 : parts.output + parts.reasoning;
  const billable = usage !== undefined && ctx.cacheStatus !== 'hit' && prompt + completion > 0;
  const op = ctx.operation;
  // Images, audio, moderations and rerank are priced in their own units (or their answer's
  // tokens): a served one costs what its price and units say, null when either is unknown.
  const forwarded = isForwardOperation(op) && outcome.error === undefined;
  const code = outcome.error?.extra.code;
  return {
    log_id: newLogId(now.epochMs),
    request_id: ctx.id,
    call_type: callTypeOf(ctx.inbound?.name ?? ctx.operation),
    api_key: input.caller.apiKeyHash,
    key_alias: input.caller.keyAlias,
    team_id: input.caller.teamId,
    user: input.caller.user,
    model: deployment?.model ?? ctx.model,
    model_group: ctx.model === '' ? null : ctx.model,
    custom_llm_provider: deployment?.provider ?? null,
    model_id: deployment?.id ?? null,
    startTime,
    endTime,
    completionStartTime: ctx.timings.firstByte === undefined ? null : Math.round(ctx.timings.firstByte + shift),
    request_duration_ms: endTime - startTime,
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    cache_read_input_tokens: parts?.cacheRead ?? 0,
    cache_creation_input_tokens: parts?.cacheWrite ?? 0,
    reasoning_tokens: parts?.reasoning ?? 0,
    spend: forwarded ? forwardCostNanoUsd(op, usage, ctx.units, input.price) : billable ? costNanoUsd(usage, input.price) : 0,
    cache_hit: ctx.cacheStatus === 'hit',
    status: spendStatus(outcome),
    status_code: outcome.status,
    error_type: outcome.error?.type ?? null,
    attempts: ctx.attempts.length,
    metadata: code === undefined ? (input.metadata ?? noMetadata) : { ...input.metadata, error_code: code },
  };
}

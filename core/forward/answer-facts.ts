import type { Usage } from '../openai/types.ts';
import { lastObject } from '../stream/usage-tail.ts';

/** The `usage` object an images or audio answer carries, in OpenAI's own shapes for those APIs. */
interface ForwardUsageObject {
  readonly type?: unknown;
  readonly seconds?: unknown;
  readonly prompt_tokens?: unknown;
  readonly input_tokens?: unknown;
  readonly output_tokens?: unknown;
  readonly input_tokens_details?: { readonly image_tokens?: unknown; readonly audio_tokens?: unknown; readonly cached_tokens?: unknown } | null;
}

/** What an answer's tail and head say about its usage (see `ForwardMeter`). */
export interface AnswerFacts {
  /** Token usage in OpenAI's chat meaning (`prompt_tokens`, `completion_tokens`). */
  readonly usage?: Usage;
  readonly imageInputTokens?: number;
  readonly audioInputTokens?: number;
  readonly seconds?: number;
  readonly searches?: number;
  readonly size?: string;
  readonly quality?: string;
}

const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);


/** A top-level-looking `"key": <number>` (not inside a string: no backslash before the quote). */
function numberField(text: string, key: string): number | undefined {
  const match = new RegExp(`(?<!\\\\)"${key}"\\s*:\\s*(\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)`).exec(text);
  return match === null ? undefined : count(Number(match[1]));
}

/** The last `"key": "<value>"` string (the images answer names its `size` and `quality` at its end). */
function lastStringField(text: string, key: string): string | undefined {
  const re = new RegExp(`(?<!\\\\)"${key}"\\s*:\\s*"([^"\\\\]{1,40})"`, 'g');
  let last: string | undefined;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) last = m[1];
  return last;
}

/**
 * Reads an images, audio or rerank answer's usage from its first and last bytes:
 * - `usage` with `prompt_tokens` (OpenAI chat shape) as it is; with `input_tokens` (gpt-image-1,
 *   gpt-4o-transcribe) turned into the chat shape, its image and audio tokens kept apart;
 * - `usage: {type: 'duration', seconds}` (whisper-1 json), else verbose_json's `duration` (first
 *   bytes), as seconds of audio;
 * - Cohere's `meta.billed_units.search_units` as searches;
 * - the images answer's own `size` and `quality` (gpt-image-1 names them).
 */
export function answerFacts(head: string, tail: string): AnswerFacts {
  const facts: { -readonly [K in keyof AnswerFacts]: AnswerFacts[K] } = {};
  const usage = lastObject(tail, 'usage') as ForwardUsageObject | undefined;
  if (usage !== undefined) {
    if (usage.type === 'duration') facts.seconds = count(usage.seconds);
    else if (count(usage.prompt_tokens) !== undefined) facts.usage = usage as unknown as Usage;
    else {
      const input = count(usage.input_tokens);
      const output = count(usage.output_tokens) ?? 0;
      if (input !== undefined) {
        const cached = count(usage.input_tokens_details?.cached_tokens);
        facts.usage = {
          prompt_tokens: input,
          completion_tokens: output,
          total_tokens: input + output,
          ...(cached === undefined ? {} : { prompt_tokens_details: { cached_tokens: cached } }),
        };
        facts.imageInputTokens = count(usage.input_tokens_details?.image_tokens);
        facts.audioInputTokens = count(usage.input_tokens_details?.audio_tokens);
      }
    }
  }
  facts.seconds ??= numberField(head, 'duration');
  const billed = lastObject(tail, 'billed_units');
  const searches = count(billed?.search_units);
  if (searches !== undefined && searches > 0) facts.searches = searches;
  const size = lastStringField(tail, 'size');
  if (size !== undefined) facts.size = size;
  const quality = lastStringField(tail, 'quality');
  if (quality !== undefined) facts.quality = quality;
  for (const key of Object.keys(facts) as (keyof AnswerFacts)[]) if (facts[key] === undefined) delete facts[key];
  return facts;
}

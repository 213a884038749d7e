import type { ChatCompletion, ChatCompletionChunk, Usage } from '../openai/types.ts';
import { StreamEvent } from '../result.ts';

/**
 * Adds token counts of parallel calls (each call was billed for its prompt), the breakdowns too
 * (`cached_tokens`, `reasoning_tokens`, …): a detail one call reported and another did not counts
 * as 0 for the other, and a breakdown neither reported stays absent.
 */
export function addUsage(a: Usage | undefined, b: Usage): Usage {
  if (a === undefined) return b;
  const prompt = addCounts(a.prompt_tokens_details, b.prompt_tokens_details);
  const completion = addCounts(a.completion_tokens_details, b.completion_tokens_details);
  return {
    prompt_tokens: a.prompt_tokens + b.prompt_tokens,
    completion_tokens: a.completion_tokens + b.completion_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
    ...(prompt === undefined ? {} : { prompt_tokens_details: prompt }),
    ...(completion === undefined ? {} : { completion_tokens_details: completion }),
  };
}

/** Sums two token breakdowns key by key (numbers only; providers add their own keys). */
function addCounts(a: object | null | undefined, b: object | null | undefined): Record<string, number> | undefined {
  if (a == null && b == null) return undefined;
  const sum: Record<string, number> = {};
  for (const side of [a ?? {}, b ?? {}] as Record<string, unknown>[]) {
    for (const key in side) {
      const n = side[key];
      if (typeof n === 'number') sum[key] = (sum[key] ?? 0) + n;
    }
  }
  return sum;
}

/** Merges `n` single-choice answers into one answer with choices 0…n-1. */
export function fanOutComplete(results: readonly ChatCompletion[]): ChatCompletion {
  const first = results[0] as ChatCompletion;
  let usage: Usage | undefined;
  for (const r of results) if (r.usage) usage = addUsage(usage, r.usage);
  return {
    ...first,
    choices: results.flatMap((r, i) => r.choices.map((c) => ({ ...c, index: i }))),
    ...(usage === undefined ? {} : { usage }),
  };
}

type Pulled = { readonly i: number; readonly r?: IteratorResult<StreamEvent>; readonly err?: unknown };

/**
 * Interleaves `n` single-choice streams as they produce, each chunk's choice renumbered to its
 * stream's index. Usage chunks are summed into one final usage chunk.
 */
export async function* fanOutStream(streams: readonly AsyncIterable<StreamEvent>[]): AsyncGenerator<StreamEvent> {
  const iterators = streams.map((s) => s[Symbol.asyncIterator]());
  const pull = (i: number): Promise<Pulled> =>
    (iterators[i] as AsyncIterator<StreamEvent>).next().then(
      (r) => ({ i, r }),
      (err: unknown) => ({ i, err }),
    );
  const pending = new Map<number, Promise<Pulled>>(iterators.map((_, i) => [i, pull(i)]));
  let usage: Usage | undefined;
  let last: ChatCompletionChunk | undefined;
  try {
    while (pending.size > 0) {
      const { i, r, err } = await Promise.race(pending.values());
      if (err !== undefined) throw err;
      if (r === undefined || r.done) {
        pending.delete(i);
        continue;
      }
      pending.set(i, pull(i));
      const chunk = r.value.chunk as ChatCompletionChunk;
      last = chunk;
      if (chunk.usage) usage = addUsage(usage, chunk.usage);
      if (chunk.choices.length === 0) continue;
      const { usage: _ignored, ...rest } = chunk;
      yield StreamEvent.of({ ...rest, choices: chunk.choices.map((c) => ({ ...c, index: i })) });
    }
    if (usage !== undefined && last !== undefined) yield StreamEvent.of({ ...last, choices: [], usage });
  } finally {
    // A sibling that failed or a client that left: release every other upstream.
    for (const it of iterators) void it.return?.().catch(() => undefined);
  }
}

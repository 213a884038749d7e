import type { Usage } from '../openai/types.ts';

/** Bytes of a forwarded answer kept from its end: OpenAI puts `usage` last, a few hundred bytes. */
export const usageTailBytes = 4096;

/**
 * Keeps the last `usageTailBytes` of a body read chunk by chunk, so a forwarded answer's usage
 * can be read without holding the answer. A chunk at least that long replaces the tail by a view
 * of itself (no copy); shorter ones are appended and the excess dropped.
 */
export class BodyTail {
  #tail: Buffer = Buffer.alloc(0);

  add(chunk: Buffer): void {
    if (chunk.length >= usageTailBytes) {
      this.#tail = chunk.subarray(chunk.length - usageTailBytes);
      return;
    }
    const joined = Buffer.concat([this.#tail, chunk]);
    this.#tail = joined.length > usageTailBytes ? joined.subarray(joined.length - usageTailBytes) : joined;
  }

  /** The tail as text (a multi-byte character cut at its start is replaced, which no reader needs). */
  text(): string {
    return this.#tail.toString('utf8');
  }

  /** The `usage` object at the end of an OpenAI answer (chat, completions, embeddings), if any. */
  usage(): Usage | undefined {
    return usageFromTail(this.#tail.toString('utf8'));
  }
}

/** Finds the last `"usage":{…}` in `text` and parses it; undefined if it is absent or cut. */
export function usageFromTail(text: string): Usage | undefined {
  const usage = lastObject(text, 'usage') as Partial<Usage> | undefined;
  return typeof usage?.prompt_tokens === 'number' ? (usage as Usage) : undefined;
}

/**
 * The last `"key": {…}` object in `text`, parsed; undefined when absent or cut. The objects read
 * from answer tails (`usage`, `billed_units`) nest one level and hold no strings with braces.
 */
export function lastObject(text: string, key: string): Record<string, unknown> | undefined {
  const at = text.lastIndexOf(`"${key}"`);
  if (at === -1) return undefined;
  const open = text.indexOf('{', at);
  if (open === -1 || text.slice(at + key.length + 2, open).trim() !== ':') return undefined;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) {
      try {
        const value = JSON.parse(text.slice(open, i + 1)) as unknown;
        return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

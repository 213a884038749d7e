import { estimatePromptTokens } from '../openai/estimate.ts';
import type { CanonicalRequest } from '../openai/types.ts';

/** Tokens of one text. */
type Encode = (text: string) => number;

/** OpenAI's chat framing (its cookbook's count for GPT-4o-era models). */
const perMessage = 3;
const replyPriming = 3;
/** An image of unknown size: one low-detail tile. */
const perImage = 85;
/**
 * Characters encoded exactly per count; the rest at four per token. The encoder is synchronous
 * JavaScript: a body near the size limit must not hold the event loop for every other request.
 */
const exactChars = 200_000;

let loading: Promise<Encode | undefined> | undefined;

/**
 * o200k_base (GPT-4o's encoding), loaded on the first count: its 2 MB of ranks are read only by
 * a gateway that estimates a count. Undefined when the package cannot be loaded; the caller then
 * falls back to the character estimate.
 */
function tokenizer(): Promise<Encode | undefined> {
  loading ??= (async () => {
    try {
      const [{ Tiktoken }, ranks] = await Promise.all([import('js-tiktoken/lite'), import('js-tiktoken/ranks/o200k_base')]);
      const encoding = new Tiktoken(ranks.default);
      // Special-token text in a prompt (`<|endoftext|>`) is counted as the text it is, not refused.
      return (text: string) => encoding.encode(text, [], []).length;
    } catch {
      return undefined;
    }
  })();
  return loading;
}

/** Counts texts exactly up to `exactChars` in all, then at four characters per token. */
class Counter {
  #left = exactChars;
  readonly #encode: Encode;
  tokens = 0;

  constructor(encode: Encode) {
    this.#encode = encode;
  }

  text(text: string): void {
    if (text.length <= this.#left) {
      this.#left -= text.length;
      this.tokens += this.#encode(text);
      return;
    }
    const head = text.slice(0, this.#left);
    this.#left = 0;
    this.tokens += (head === '' ? 0 : this.#encode(head)) + Math.ceil((text.length - head.length) / 4);
  }

  content(content: unknown): void {
    if (typeof content === 'string') return this.text(content);
    if (!Array.isArray(content)) return;
    for (const part of content as { type?: unknown; text?: unknown }[]) {
      if (typeof part?.text === 'string') this.text(part.text);
      else if (part?.type === 'image_url') this.tokens += perImage;
    }
  }
}

/**
 * A local count of a chat request's prompt tokens with GPT-4o's tokenizer: exact for the text of
 * OpenAI models, a close estimate for other providers' (their tokenizers differ), whose counts the
 * gateway asks the provider for where it can. Tools are counted as their JSON.
 */
export async function countPromptTokens(request: CanonicalRequest): Promise<number> {
  const encode = await tokenizer();
  if (encode === undefined) return estimatePromptTokens(request);
  const counter = new Counter(encode);
  const r = request as { messages?: unknown; tools?: unknown };
  if (Array.isArray(r.messages)) {
    for (const m of r.messages as { role?: unknown; content?: unknown; name?: unknown; tool_calls?: unknown }[]) {
      counter.tokens += perMessage;
      if (typeof m.role === 'string') counter.text(m.role);
      if (typeof m.name === 'string') counter.text(m.name);
      counter.content(m.content);
      if (Array.isArray(m.tool_calls)) {
        for (const call of m.tool_calls as { function?: { name?: unknown; arguments?: unknown } }[]) {
          if (typeof call.function?.name === 'string') counter.text(call.function.name);
          if (typeof call.function?.arguments === 'string') counter.text(call.function.arguments);
        }
      }
    }
    counter.tokens += replyPriming;
  }
  if (r.tools !== undefined) counter.text(JSON.stringify(r.tools));
  return counter.tokens;
}

import type { CanonicalRequest } from './types.ts';

/** Roughly four characters per token for English text with BPE tokenizers; good enough to route by. */
const charsPerToken = 4;
/** Role and framing tokens each chat message costs. */
const perMessage = 4;

function textLength(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content as { type?: string; text?: unknown }[]) {
    if (typeof part?.text === 'string') n += part.text.length;
    // Images cost a provider-specific amount; a low-detail tile is ~85 tokens on OpenAI.
    else if (part?.type === 'image_url') n += 85 * charsPerToken;
  }
  return n;
}

/**
 * A quick estimate of a request's prompt tokens (no tokenizer): for routing by cost and for
 * taking a context-window fallback before calling a deployment whose window is too small.
 */
export function estimatePromptTokens(request: CanonicalRequest): number {
  const r = request as { messages?: unknown; prompt?: unknown; input?: unknown; tools?: unknown };
  let chars = 0;
  let framing = 0;
  if (Array.isArray(r.messages)) {
    for (const m of r.messages as { content?: unknown; tool_calls?: unknown }[]) {
      chars += textLength(m.content);
      if (m.tool_calls !== undefined) chars += JSON.stringify(m.tool_calls).length;
      framing += perMessage;
    }
  }
  const other = r.prompt ?? r.input;
  if (typeof other === 'string') chars += other.length;
  else if (Array.isArray(other)) for (const p of other) chars += typeof p === 'string' ? p.length : JSON.stringify(p).length;
  if (r.tools !== undefined) chars += JSON.stringify(r.tools).length;
  return Math.ceil(chars / charsPerToken) + framing;
}

/** The most output tokens the request allows, if it says. */
export function requestedOutputTokens(request: CanonicalRequest): number | undefined {
  const r = request as { max_tokens?: number | null; max_completion_tokens?: number | null };
  return r.max_completion_tokens ?? r.max_tokens ?? undefined;
}

import {
  StreamEvent,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionChunkChoice,
  type Completion,
  type CompletionChunk,
  type StreamChunk,
} from 'switchyard';

/**
 * Rebuilds a well-formed chat stream from a complete answer, in the order OpenAI sends one:
 * per choice a role chunk, the content (reasoning first, then text or refusal) in one delta, one
 * chunk per tool call, a finish chunk; then, only if the client asked for usage, a usage chunk
 * with no choices. The writer adds `[DONE]`.
 */
export function chatChunks(result: ChatCompletion, includeUsage: boolean): ChatCompletionChunk[] {
  const chunks: ChatCompletionChunk[] = [];
  const base = {
    id: result.id,
    object: 'chat.completion.chunk' as const,
    created: result.created,
    model: result.model,
    ...(result.system_fingerprint == null ? {} : { system_fingerprint: result.system_fingerprint }),
    ...(result.service_tier == null ? {} : { service_tier: result.service_tier }),
    ...(includeUsage ? { usage: null } : {}),
  };
  const push = (choice: ChatCompletionChunkChoice): void => void chunks.push({ ...base, choices: [choice] });
  for (const choice of result.choices) {
    const index = choice.index;
    const m = choice.message;
    // As OpenAI does: `content: ""` opens a text answer, `null` one made of tool calls or a refusal.
    push({ index, delta: { role: 'assistant', content: typeof m.content === 'string' ? '' : null, refusal: null }, logprobs: null, finish_reason: null });
    if (typeof m.reasoning_content === 'string' && m.reasoning_content !== '') {
      push({ index, delta: { reasoning_content: m.reasoning_content }, logprobs: null, finish_reason: null });
    }
    if (typeof m.content === 'string' && m.content !== '') {
      push({ index, delta: { content: m.content }, logprobs: choice.logprobs ?? null, finish_reason: null });
    }
    if (typeof m.refusal === 'string' && m.refusal !== '') {
      push({ index, delta: { refusal: m.refusal }, logprobs: null, finish_reason: null });
    }
    m.tool_calls?.forEach((call, k) => {
      if (call.type !== 'function') return;
      push({
        index,
        delta: { tool_calls: [{ index: k, id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } }] },
        logprobs: null,
        finish_reason: null,
      });
    });
    push({ index, delta: {}, logprobs: null, finish_reason: choice.finish_reason });
  }
  if (includeUsage && result.usage !== undefined) chunks.push({ ...base, choices: [], usage: result.usage });
  return chunks;
}

/** The same for legacy completions: one chunk per choice with its whole text and finish reason. */
export function completionChunks(result: Completion, includeUsage: boolean): CompletionChunk[] {
  const { usage, choices, ...base } = result;
  const chunks: CompletionChunk[] = choices.map((choice) => ({ ...base, choices: [choice] }));
  if (includeUsage && usage !== undefined) chunks.push({ ...base, choices: [], usage });
  return chunks;
}

/** An already-complete list as the async stream the writer expects. */
export async function* replay(chunks: readonly StreamChunk[]): AsyncGenerator<StreamEvent> {
  for (const chunk of chunks) yield StreamEvent.of(chunk);
}

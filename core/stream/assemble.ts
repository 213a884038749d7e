import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionMessageToolCall,
  Completion,
  CompletionChunk,
  Usage,
} from '../openai/types.ts';

interface ToolCallParts {
  id: string;
  name: string;
  args: string;
}

interface ChoiceParts {
  content: string | undefined;
  reasoning: string | undefined;
  refusal: string | undefined;
  toolCalls: ToolCallParts[];
  finishReason: ChatCompletionChoice['finish_reason'] | null;
}

/**
 * Rebuilds the complete chat answer from its chunks, for the stages that see a stream only once
 * it has ended (`log`, `cache.store`). Costs a few string appends per chunk.
 */
export class ChatStreamAssembler {
  #id = '';
  #model = '';
  #created = 0;
  #fingerprint: string | null | undefined;
  #usage: Usage | undefined;
  readonly #choices: ChoiceParts[] = [];

  add(chunk: ChatCompletionChunk): void {
    if (this.#id === '') {
      this.#id = chunk.id;
      this.#model = chunk.model;
      this.#created = chunk.created;
      this.#fingerprint = chunk.system_fingerprint;
    }
    if (chunk.usage) this.#usage = chunk.usage;
    for (const c of chunk.choices) {
      const parts = (this.#choices[c.index] ??= {
        content: undefined,
        reasoning: undefined,
        refusal: undefined,
        toolCalls: [],
        finishReason: null,
      });
      const d = c.delta;
      if (d) {
        if (typeof d.content === 'string') parts.content = (parts.content ?? '') + d.content;
        if (typeof d.reasoning_content === 'string') parts.reasoning = (parts.reasoning ?? '') + d.reasoning_content;
        if (typeof d.refusal === 'string') parts.refusal = (parts.refusal ?? '') + d.refusal;
        if (d.tool_calls) {
          for (const t of d.tool_calls) {
            const call = (parts.toolCalls[t.index] ??= { id: '', name: '', args: '' });
            if (t.id) call.id = t.id;
            if (t.function?.name) call.name += t.function.name;
            if (t.function?.arguments) call.args += t.function.arguments;
          }
        }
      }
      if (c.finish_reason) parts.finishReason = c.finish_reason;
    }
  }

  get usage(): Usage | undefined {
    return this.#usage;
  }

  result(): ChatCompletion {
    const choices: ChatCompletionChoice[] = [];
    this.#choices.forEach((parts, index) => {
      const toolCalls: ChatCompletionMessageToolCall[] = parts.toolCalls
        .filter((t) => t !== undefined)
        .map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.args } }));
      choices.push({
        index,
        message: {
          role: 'assistant',
          content: parts.content ?? null,
          refusal: parts.refusal ?? null,
          ...(parts.reasoning === undefined ? {} : { reasoning_content: parts.reasoning }),
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: parts.finishReason ?? 'stop',
        logprobs: null,
      });
    });
    return {
      id: this.#id,
      object: 'chat.completion',
      created: this.#created,
      model: this.#model,
      choices,
      ...(this.#fingerprint == null ? {} : { system_fingerprint: this.#fingerprint }),
      ...(this.#usage === undefined ? {} : { usage: this.#usage }),
    };
  }
}

/** The same for legacy text completions. */
export class CompletionStreamAssembler {
  #first: CompletionChunk | undefined;
  #usage: Usage | undefined;
  readonly #texts: string[] = [];
  readonly #finish: (Completion['choices'][number]['finish_reason'] | null)[] = [];

  add(chunk: CompletionChunk): void {
    this.#first ??= chunk;
    if (chunk.usage) this.#usage = chunk.usage;
    for (const c of chunk.choices) {
      this.#texts[c.index] = (this.#texts[c.index] ?? '') + (c.text ?? '');
      if (c.finish_reason) this.#finish[c.index] = c.finish_reason;
    }
  }

  get usage(): Usage | undefined {
    return this.#usage;
  }

  result(): Completion {
    const first = this.#first;
    return {
      id: first?.id ?? '',
      object: 'text_completion',
      created: first?.created ?? 0,
      model: first?.model ?? '',
      choices: this.#texts.map((text, index) => ({
        index,
        text: text ?? '',
        finish_reason: this.#finish[index] ?? 'stop',
        logprobs: null,
      })),
      ...(this.#usage === undefined ? {} : { usage: this.#usage }),
    };
  }
}

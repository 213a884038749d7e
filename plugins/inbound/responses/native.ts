import { GatewayError, SseDecoder, TopLevelFields, type AnswerObserver, type Usage } from 'switchyard';

/** A Response's usage as an upstream sends it (every part optional: nothing is trusted). */
export interface ResponseUsageLike {
  readonly input_tokens?: number;
  readonly input_tokens_details?: { readonly cached_tokens?: number };
  readonly output_tokens?: number;
  readonly output_tokens_details?: { readonly reasoning_tokens?: number };
  readonly total_tokens?: number;
}

/**
 * A Response's usage in chat's meaning: the same counts under chat's names (cached and reasoning
 * tokens are parts of the input and output counts in both). The inverse of `responseUsage`.
 */
export function chatUsage(u: ResponseUsageLike): Usage {
  const prompt = u.input_tokens ?? 0;
  const completion = u.output_tokens ?? 0;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: u.total_tokens ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: u.input_tokens_details?.cached_tokens ?? 0 },
  };
  const reasoning = u.output_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number') usage.completion_tokens_details = { reasoning_tokens: reasoning };
  return usage;
}

/** Told of the id of a natively created response as soon as it shows; settles before the client sees it. */
export type OnResponseId = (id: string) => Promise<void>;

const usageOf = (value: unknown): Usage | undefined => (typeof value === 'object' && value !== null ? chatUsage(value as ResponseUsageLike) : undefined);

/** A relayed Response (JSON): its top-level `id` (recorded before the bytes holding it go on) and `usage`. */
export class ResponseReader implements AnswerObserver {
  readonly #fields = new TopLevelFields(['id', 'usage']);
  readonly #onId: OnResponseId | undefined;
  #told = false;

  constructor(onId: OnResponseId | undefined) {
    this.#onId = onId;
  }

  add(chunk: Buffer): void | Promise<void> {
    this.#fields.feed(chunk);
    if (this.#told || this.#onId === undefined) return undefined;
    const id = this.#fields.value('id');
    if (typeof id !== 'string') return undefined;
    this.#told = true;
    return this.#onId(id);
  }

  usage(): Usage | undefined {
    return usageOf(this.#fields.value('usage'));
  }
}

/** The events that carry the response, and so its id. */
const withResponse = new Set(['response.created', 'response.in_progress', 'response.queued']);
/** The events that end a response, with its usage. */
const final = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** The failure an `error` event or a failed response reports, as the log stage records it. */
function failureOf(error: { code?: unknown; message?: unknown } | null | undefined): GatewayError {
  const code = typeof error?.code === 'string' ? error.code : 'upstream_error';
  const message = typeof error?.message === 'string' ? error.message : 'the upstream response failed';
  return code === 'rate_limit_exceeded' ? new GatewayError(429, 'rate_limit_error', message, { code }) : new GatewayError(502, 'api_error', message, { code });
}

/**
 * A relayed Responses stream: the id from `response.created` (recorded before that event reaches
 * the client, so a follow-up sent as soon as it has the id finds it), the usage of the final
 * `response.completed` (or `.incomplete`, `.failed`), and a failure (`error`, `response.failed`).
 * Other events are only framed, not parsed.
 */
export class ResponseStreamReader implements AnswerObserver {
  readonly #sse = new SseDecoder();
  readonly #onId: OnResponseId | undefined;
  #told = false;
  #usage: Usage | undefined = undefined;
  #failure: GatewayError | undefined = undefined;

  constructor(onId: OnResponseId | undefined) {
    this.#onId = onId;
  }

  add(chunk: Buffer): void | Promise<void> {
    let id: string | undefined;
    for (const message of this.#sse.feed(chunk)) {
      const name = message.event;
      const wanted = name !== undefined && ((!this.#told && withResponse.has(name)) || final.has(name) || name === 'error');
      if (!wanted) continue;
      let data: { response?: { id?: unknown; usage?: unknown; error?: { code?: unknown; message?: unknown } | null }; code?: unknown; message?: unknown };
      try {
        data = JSON.parse(message.data) as typeof data;
      } catch {
        continue;
      }
      if (name === 'error') this.#failure ??= failureOf(data);
      if (name === 'response.failed') this.#failure ??= failureOf(data.response?.error);
      if (final.has(name)) this.#usage = usageOf(data.response?.usage) ?? this.#usage;
      if (!this.#told && typeof data.response?.id === 'string') id = data.response.id;
    }
    if (id === undefined || this.#onId === undefined) return undefined;
    this.#told = true;
    return this.#onId(id);
  }

  usage(): Usage | undefined {
    return this.#usage;
  }

  failure(): GatewayError | undefined {
    return this.#failure;
  }
}

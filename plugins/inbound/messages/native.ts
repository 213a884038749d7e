import { anthropicUsage, GatewayError, SseDecoder, TopLevelFields, type AnthropicTokens, type AnswerObserver, type NativeFormat, type Usage } from 'switchyard';

/** Anthropic's usage in OpenAI's meaning (the core's conversion, as the Anthropic provider uses it). */
export const openAIUsage = anthropicUsage;

/** A relayed Message (JSON): its top-level `usage`, read as the bytes pass. */
export class MessageUsageReader implements AnswerObserver {
  readonly #fields = new TopLevelFields(['usage']);

  add(chunk: Buffer): void {
    this.#fields.feed(chunk);
  }

  usage(): Usage | undefined {
    const usage = this.#fields.value('usage');
    return typeof usage === 'object' && usage !== null ? openAIUsage(usage as AnthropicTokens) : undefined;
  }
}

/** A mid-stream `error` event of Anthropic's, as the log stage records it (the client has the event itself). */
export function streamFailure(data: { error?: { type?: unknown; message?: unknown } } | undefined): GatewayError {
  const type = typeof data?.error?.type === 'string' ? data.error.type : 'api_error';
  const message = typeof data?.error?.message === 'string' ? data.error.message : 'the upstream stream failed';
  if (type === 'overloaded_error') return new GatewayError(503, 'service_unavailable_error', message, { code: 'upstream_overloaded' });
  if (type === 'rate_limit_error') return new GatewayError(429, 'rate_limit_error', message, { code: 'rate_limit_exceeded' });
  return new GatewayError(502, 'api_error', message, { code: 'upstream_error' });
}

/**
 * A relayed Messages stream: the counts of `message_start` (input and cache counts, where known)
 * updated by each `message_delta` (cumulative; a null leaves a count as it was), and an `error`
 * event, if one came. Only those events are parsed; every other event is only framed.
 */
export class MessagesStreamUsageReader implements AnswerObserver {
  readonly #sse = new SseDecoder();
  readonly #tokens: AnthropicTokens = {};
  #seen = false;
  #failure: GatewayError | undefined = undefined;

  add(chunk: Buffer): void {
    for (const message of this.#sse.feed(chunk)) {
      if (message.event === 'error') {
        let data: Parameters<typeof streamFailure>[0];
        try {
          data = JSON.parse(message.data) as typeof data;
        } catch {
          data = undefined;
        }
        this.#failure ??= streamFailure(data);
        continue;
      }
      if (message.event !== 'message_start' && message.event !== 'message_delta') continue;
      let data: { message?: { usage?: AnthropicTokens }; usage?: AnthropicTokens };
      try {
        data = JSON.parse(message.data) as typeof data;
      } catch {
        continue;
      }
      const usage = message.event === 'message_start' ? data.message?.usage : data.usage;
      if (typeof usage !== 'object' || usage === null) continue;
      this.#seen = true;
      for (const key of ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens', 'output_tokens_details'] as const) {
        const value = usage[key];
        if (value !== null && value !== undefined) (this.#tokens as Record<string, unknown>)[key] = value;
      }
    }
  }

  usage(): Usage | undefined {
    return this.#seen ? openAIUsage(this.#tokens) : undefined;
  }

  failure(): GatewayError | undefined {
    return this.#failure;
  }
}

/**
 * The Messages API on Anthropic deployments: the client's body to `/messages` as it came (only
 * `model` set to the deployment's), with its `anthropic-version` and `anthropic-beta` headers, and
 * the answer relayed byte for byte; usage read as it passes.
 */
export const messagesNative: NativeFormat = Object.freeze<NativeFormat>({
  operation: 'messages',
  path: '/messages',
  headers: Object.freeze(['anthropic-version', 'anthropic-beta']),
  observe: (ctx) => (ctx.stream ? new MessagesStreamUsageReader() : new MessageUsageReader()),
});

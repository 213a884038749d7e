import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { singleChoiceChunk, upstreamInvalid, usageChunk, type ChatCompletionChunk, type ChatCompletionDelta, type ChatRequest } from 'switchyard';
import { streamError } from './errors.ts';
import { finishReasonOf, jsonAnswer, toUsage, type AnthropicTokens, type FinishReason } from './response.ts';
import { jsonModeOf, type JsonMode } from './tools.ts';

/** Events besides the typed ones: keep-alive pings and errors (`event: error`). */
export type AnthropicStreamEvent =
  | RawMessageStreamEvent
  | { type: 'ping' }
  | { type: 'error'; error: { type: string; message: string } };

/** What one content block of the stream turns into on the OpenAI side. */
type Block =
  | { kind: 'text' | 'thinking' | 'ignored' }
  | { kind: 'tool'; index: number; argChars: number }
  | { kind: 'json'; buffer: string };

export interface StreamState {
  readonly provider: string;
  readonly secrets: readonly string[];
  readonly json: JsonMode | undefined;
  readonly includeUsage: boolean;
  id: string;
  model: string;
  readonly created: number;
  /** The first chunk carries `role`; it is sent with the first content block, not at message_start,
   * so an error right after message_start still fails the call before anything reached the client. */
  started: boolean;
  readonly blocks: Map<number, Block>;
  toolCount: number;
  answeredWithJson: boolean;
  readonly tokens: AnthropicTokens;
  stopped: boolean;
}

export function startStream(provider: string, secrets: readonly string[], model: string, req: ChatRequest): StreamState {
  return {
    provider,
    secrets,
    json: jsonModeOf(req),
    includeUsage: req.stream_options?.include_usage === true,
    id: '',
    model,
    created: Math.floor(Date.now() / 1000),
    started: false,
    blocks: new Map(),
    toolCount: 0,
    answeredWithJson: false,
    tokens: {},
    stopped: false,
  };
}

const none: readonly ChatCompletionChunk[] = Object.freeze([]);

function chunk(state: StreamState, delta: ChatCompletionDelta, finish: FinishReason | null = null): ChatCompletionChunk[] {
  const d = state.started ? delta : { role: 'assistant' as const, ...delta };
  state.started = true;
  return [singleChoiceChunk(state, d, finish)];
}

function addTokens(state: StreamState, u: AnthropicTokens): void {
  // message_delta counts are cumulative; a null there means "unchanged since message_start".
  for (const key of ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens', 'output_tokens_details'] as const) {
    const value = u[key];
    if (value != null) (state.tokens as Record<string, unknown>)[key] = value;
  }
}

/** One Anthropic stream event → the OpenAI chunks it means (often none). */
export function chunksFromEvent(event: AnthropicStreamEvent, state: StreamState, name: string | undefined): readonly ChatCompletionChunk[] {
  if (name === 'error' || event.type === 'error') throw streamError(state.provider, event, state.secrets);
  switch (event.type) {
    case 'ping':
      return none;
    case 'message_start':
      state.id = event.message.id;
      state.model = event.message.model;
      addTokens(state, event.message.usage);
      return none;
    case 'content_block_start':
      return blockStart(event.content_block, event.index, state);
    case 'content_block_delta':
      return blockDelta(event, state);
    case 'content_block_stop':
      return blockStop(event.index, state);
    case 'message_delta': {
      addTokens(state, event.usage);
      if (event.delta.stop_reason === null) return none;
      return chunk(state, {}, finishReasonOf(event.delta.stop_reason, state.answeredWithJson && state.toolCount === 0));
    }
    case 'message_stop': {
      state.stopped = true;
      if (!state.includeUsage) return none;
      return [usageChunk(state, toUsage(state.tokens))];
    }
    default: {
      // Anthropic may add event types; the API versioning policy says to ignore unknown ones.
      const unknown: never = event;
      void unknown;
      return none;
    }
  }
}

type StartEvent = Extract<RawMessageStreamEvent, { type: 'content_block_start' }>;

function blockStart(block: StartEvent['content_block'], index: number, state: StreamState): readonly ChatCompletionChunk[] {
  switch (block.type) {
    case 'text':
      state.blocks.set(index, { kind: 'text' });
      return chunk(state, { content: block.text });
    case 'thinking':
      state.blocks.set(index, { kind: 'thinking' });
      return chunk(state, { reasoning_content: block.thinking });
    case 'tool_use': {
      if (state.json !== undefined && block.name === state.json.tool.name) {
        state.blocks.set(index, { kind: 'json', buffer: '' });
        state.answeredWithJson = true;
        return state.json.wrapped ? none : chunk(state, { content: '' });
      }
      const toolIndex = state.toolCount++;
      state.blocks.set(index, { kind: 'tool', index: toolIndex, argChars: 0 });
      return chunk(state, { tool_calls: [{ index: toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] });
    }
    default:
      // Redacted thinking and server-tool blocks have no OpenAI equivalent.
      state.blocks.set(index, { kind: 'ignored' });
      return none;
  }
}

function blockDelta(event: Extract<RawMessageStreamEvent, { type: 'content_block_delta' }>, state: StreamState): readonly ChatCompletionChunk[] {
  const block = state.blocks.get(event.index);
  const delta = event.delta;
  if (block === undefined) throw upstreamInvalid(state.provider, `content_block_delta for unknown block ${event.index}`);
  if (delta.type === 'text_delta' && block.kind === 'text') return chunk(state, { content: delta.text });
  if (delta.type === 'thinking_delta' && block.kind === 'thinking') return chunk(state, { reasoning_content: delta.thinking });
  if (delta.type === 'input_json_delta') {
    if (block.kind === 'tool') {
      if (delta.partial_json === '') return none;
      block.argChars += delta.partial_json.length;
      return chunk(state, { tool_calls: [{ index: block.index, function: { arguments: delta.partial_json } }] });
    }
    if (block.kind === 'json') {
      block.buffer += delta.partial_json;
      return state.json?.wrapped || delta.partial_json === '' ? none : chunk(state, { content: delta.partial_json });
    }
  }
  // signature_delta, citations_delta: nothing to say in OpenAI's format.
  return none;
}

function blockStop(index: number, state: StreamState): readonly ChatCompletionChunk[] {
  const block = state.blocks.get(index);
  // A tool called without arguments streams none; OpenAI clients parse `arguments` as JSON.
  if (block?.kind === 'tool' && block.argChars === 0) return chunk(state, { tool_calls: [{ index: block.index, function: { arguments: '{}' } }] });
  if (block?.kind === 'json' && state.json !== undefined) {
    if (state.json.wrapped) return chunk(state, { content: jsonAnswer(parseOrEmpty(block.buffer), state.json) });
    if (block.buffer === '') return chunk(state, { content: '{}' });
  }
  return none;
}

function parseOrEmpty(text: string): unknown {
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    return {};
  }
}

/** A stream that ends without message_stop was cut off; the client must not take it as complete. */
export function endStream(state: StreamState): readonly ChatCompletionChunk[] {
  if (!state.stopped) throw upstreamInvalid(state.provider, 'stream ended before message_stop');
  return none;
}

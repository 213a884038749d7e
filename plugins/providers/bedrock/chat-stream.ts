import {
  singleChoiceChunk as chunk,
  upstreamInvalid,
  usageChunk,
  type ChatCompletionChunk,
  type ChatCompletionDelta,
  type ChatRequest,
  type Deployment,
} from 'switchyard';
import { jsonToolName, wantsJson } from './chat-request.ts';
import { completionId, finishReason, toUsage } from './chat-response.ts';
import { streamExceptionError } from './errors.ts';
import type { ConverseStreamOutput, StreamException } from './wire.ts';

/** Per-stream state: the ids every chunk repeats, and which content block is which tool call. */
export interface StreamState {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  readonly provider: string;
  readonly json: boolean;
  readonly includeUsage: boolean;
  /** Content block index → the client's tool_calls index, and whether arguments were sent. */
  readonly tools: Map<number, { index: number; sentArgs: boolean }>;
  /** Content block index of the forced JSON tool → whether any JSON was sent. */
  readonly jsonBlocks: Map<number, boolean>;
  stopped: boolean;
}

export function startConverseStream(target: Deployment, req: ChatRequest): StreamState {
  return {
    id: completionId(),
    created: Math.floor(Date.now() / 1000),
    model: target.model,
    provider: target.provider,
    json: wantsJson(req),
    includeUsage: req.stream_options?.include_usage === true,
    tools: new Map(),
    jsonBlocks: new Map(),
    stopped: false,
  };
}

const toolArgs = (index: number, args: string): ChatCompletionDelta => ({ tool_calls: [{ index, function: { arguments: args } }] });

/**
 * One ConverseStream event → OpenAI chunks: text and reasoning deltas pass on; a toolUse block
 * start opens a tool call (id and name), its `input` deltas are argument deltas under a stable
 * index; the forced JSON tool's input streams as content instead. `metadata` carries usage.
 */
export function fromConverseEvent(event: ConverseStreamOutput | StreamException, s: StreamState, name: string | undefined): readonly ChatCompletionChunk[] {
  if (name === 'exception') {
    const ex = event as StreamException;
    throw streamExceptionError(s.provider, ex.type, ex.message, []);
  }
  const e = event as ConverseStreamOutput;
  if (e.messageStart !== undefined) return [chunk(s, { role: 'assistant', content: '' })];
  if (e.contentBlockDelta !== undefined) {
    const block = e.contentBlockDelta.contentBlockIndex ?? 0;
    const delta = e.contentBlockDelta.delta;
    if (delta?.text !== undefined) {
      // In JSON mode the answer is the tool's input; stray text would make it unparseable.
      return s.json || delta.text === '' ? [] : [chunk(s, { content: delta.text })];
    }
    if (delta?.toolUse !== undefined) {
      const input = delta.toolUse.input ?? '';
      if (input === '') return [];
      if (s.jsonBlocks.has(block)) {
        s.jsonBlocks.set(block, true);
        return [chunk(s, { content: input })];
      }
      const tool = s.tools.get(block);
      if (tool === undefined) throw upstreamInvalid(s.provider, `toolUse delta for block ${block} without a start`);
      tool.sentArgs = true;
      return [chunk(s, toolArgs(tool.index, input))];
    }
    const reasoning = delta?.reasoningContent?.text;
    if (reasoning !== undefined && reasoning !== '') return [chunk(s, { reasoning_content: reasoning })];
    return [];
  }
  if (e.contentBlockStart !== undefined) {
    const use = e.contentBlockStart.start?.toolUse;
    if (use === undefined) return [];
    const block = e.contentBlockStart.contentBlockIndex ?? 0;
    if (s.json && use.name === jsonToolName) {
      s.jsonBlocks.set(block, false);
      return [];
    }
    const index = s.tools.size;
    s.tools.set(block, { index, sentArgs: false });
    return [chunk(s, { tool_calls: [{ index, id: use.toolUseId ?? '', type: 'function', function: { name: use.name ?? '', arguments: '' } }] })];
  }
  if (e.contentBlockStop !== undefined) {
    const block = e.contentBlockStop.contentBlockIndex ?? 0;
    // A call without arguments still carries a JSON object, as OpenAI's do.
    const tool = s.tools.get(block);
    if (tool !== undefined && !tool.sentArgs) {
      tool.sentArgs = true;
      return [chunk(s, toolArgs(tool.index, '{}'))];
    }
    if (s.jsonBlocks.get(block) === false) {
      s.jsonBlocks.set(block, true);
      return [chunk(s, { content: '{}' })];
    }
    return [];
  }
  if (e.messageStop !== undefined) {
    s.stopped = true;
    return [chunk(s, {}, finishReason(e.messageStop.stopReason, s.tools.size > 0))];
  }
  if (e.metadata !== undefined) {
    const usage = toUsage(e.metadata.usage);
    if (!s.includeUsage || usage === undefined) return [];
    return [usageChunk(s, usage)];
  }
  return [];
}

/** A stream that ends before `messageStop` was cut short: an error, not a silent partial answer. */
export function endConverseStream(s: StreamState): readonly ChatCompletionChunk[] {
  if (!s.stopped) throw upstreamInvalid(s.provider, 'event stream ended before messageStop');
  return [];
}

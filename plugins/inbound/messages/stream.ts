import type { ChatCompletionChunk, ChatCompletionChunkChoice, GatewayError, Usage } from 'switchyard';
import { streamErrorType } from './errors.ts';
import { messageId, toolUseId } from './ids.ts';
import { frame } from './sse.ts';
import { matchedStopOf, stopReasonOf, type FinishReason } from './stop-reason.ts';
import type { ContentBlockDelta } from './types.ts';
import { anthropicUsage } from './usage.ts';

type ToolCallDelta = NonNullable<ChatCompletionChunkChoice['delta']['tool_calls']>[number];

/** One upstream tool call, keyed by its chat `index`. */
interface ToolCall {
  id: string | undefined;
  name: string | undefined;
  /** Argument fragments received before the call's block opened, concatenated. */
  pending: string;
  /** `waiting` for its turn (or for its name), `open` as the current block, `done` once closed. */
  phase: 'waiting' | 'open' | 'done';
}

/** The one content block open at a time: Anthropic's blocks never interleave. */
type OpenBlock = { kind: 'none' } | { kind: 'text'; index: number } | { kind: 'tool'; index: number; call: ToolCall };

const noBlock: OpenBlock = Object.freeze({ kind: 'none' });

/**
 * Chat completion chunks → Anthropic Messages stream events, as ready-to-write SSE text.
 *
 * Order: `message_start` → per content block, with indices 0, 1, 2 … and no gaps,
 * `content_block_start` → `content_block_delta`* → `content_block_stop` → `message_delta`
 * (stop reason and the usage the upstream reported in its final chunk) → `message_stop`.
 *
 * Blocks never interleave. Text opens a text block; the first tool call with a name closes it
 * and streams live. A chat stream never says when a tool call is complete (another call's
 * fragments may still come interleaved with it), so the open tool block stays open until the
 * end, and every other call is buffered whole and sent, in order of first appearance, after it.
 * The `partial_json` of a block therefore concatenates to exactly the upstream's arguments, and
 * text arriving after a tool block opened is sent as a last text block. Reasoning deltas are
 * dropped (a `thinking` block needs Anthropic's signature).
 *
 * @example
 * const encoder = new MessagesStreamEncoder({ model: 'claude-sonnet-4' });
 * for await (const c of chunks) res.write(encoder.chunk(c));
 * res.end(encoder.end());
 */
export class MessagesStreamEncoder {
  readonly #model: string;
  #id: string | undefined;
  #started = false;
  #finished = false;
  #nextIndex = 0;
  #open: OpenBlock = noBlock;
  /** Insertion order is the order of first appearance, the order blocks are sent in. */
  readonly #calls = new Map<number, ToolCall>();
  #toolBlockOpened = false;
  #lateText = '';
  #finish: FinishReason;
  #matchedStop: string | undefined;
  #refused = false;
  #usage: Usage | undefined;

  constructor(opts: { id?: string; model: string }) {
    this.#model = opts.model;
    this.#id = opts.id;
  }

  /** `message_start`, if not sent yet: lets a route send its first byte before the upstream's. */
  start(): string {
    return this.#start(undefined);
  }

  /** One upstream chunk → the frames it completes ('' when it only fills a buffer). */
  chunk(c: ChatCompletionChunk): string {
    if (this.#finished) return '';
    if (c.usage) this.#usage = c.usage;
    let out = this.#start(c);
    const choice = c.choices.find((ch) => ch.index === 0);
    if (choice === undefined) return out;
    // Some servers send the finishing choice without a delta.
    const delta = choice.delta ?? {};
    if (typeof delta.content === 'string' && delta.content !== '') out += this.#text(delta.content);
    if (typeof delta.refusal === 'string' && delta.refusal !== '') {
      this.#refused = true;
      out += this.#text(delta.refusal);
    }
    for (const call of delta.tool_calls ?? []) out += this.#toolFragment(call);
    if (choice.finish_reason != null) this.#finish = choice.finish_reason;
    this.#matchedStop = matchedStopOf(choice) ?? this.#matchedStop;
    return out;
  }

  /** The upstream ended: closes the open block, sends the buffered ones, `message_delta`, `message_stop`. */
  end(): string {
    if (this.#finished) return '';
    let out = this.#start(undefined) + this.#closeOpen();
    for (const call of this.#calls.values()) {
      if (call.phase === 'waiting') out += this.#openTool(call) + this.#closeOpen();
    }
    if (this.#lateText !== '') out += this.#openText(this.#lateText) + this.#closeOpen();
    this.#finished = true;
    const stop = stopReasonOf(this.#finish, { toolUse: this.#calls.size > 0, refused: this.#refused, matchedStop: this.#matchedStop });
    out += frame({ type: 'message_delta', delta: stop, usage: anthropicUsage(this.#usage) });
    return out + frame({ type: 'message_stop' });
  }

  /**
   * The upstream failed after the stream started: one `error` event, as Anthropic sends it
   * (open blocks are not closed; the SDK raises on the event). Nothing is sent after it.
   */
  fail(error: GatewayError): string {
    if (this.#finished) return '';
    this.#finished = true;
    return frame({ type: 'error', error: { type: streamErrorType(error), message: error.message } });
  }

  #start(c: ChatCompletionChunk | undefined): string {
    if (this.#started) return '';
    this.#started = true;
    this.#id ??= messageId(c?.id);
    return frame({
      type: 'message_start',
      message: {
        id: this.#id,
        type: 'message',
        role: 'assistant',
        model: this.#model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: anthropicUsage(c?.usage),
      },
    });
  }

  #text(text: string): string {
    switch (this.#open.kind) {
      case 'text':
        return this.#delta(this.#open.index, { type: 'text_delta', text });
      case 'tool':
        this.#lateText += text;
        return '';
      case 'none':
        if (this.#toolBlockOpened) {
          this.#lateText += text;
          return '';
        }
        return this.#openText(text);
    }
  }

  #toolFragment(fragment: ToolCallDelta): string {
    let call = this.#calls.get(fragment.index);
    if (call === undefined) {
      call = { id: undefined, name: undefined, pending: '', phase: 'waiting' };
      this.#calls.set(fragment.index, call);
    }
    if (fragment.id) call.id ??= fragment.id;
    // Some servers repeat the name in every fragment: the first one is the name.
    if (fragment.function?.name) call.name ??= fragment.function.name;
    const args = fragment.function?.arguments ?? '';
    switch (call.phase) {
      case 'open':
        return args === '' || this.#open.kind !== 'tool' ? '' : this.#delta(this.#open.index, { type: 'input_json_delta', partial_json: args });
      case 'waiting':
        call.pending += args;
        return this.#advance();
      case 'done':
        // Blocks close only in end(), after which no chunk is read.
        return '';
    }
  }

  /** Opens the first waiting tool call if no tool block is open and it has its name. */
  #advance(): string {
    if (this.#open.kind === 'tool') return '';
    for (const call of this.#calls.values()) {
      if (call.phase !== 'waiting') continue;
      return call.name === undefined ? '' : this.#closeOpen() + this.#openTool(call);
    }
    return '';
  }

  #openText(text: string): string {
    const index = this.#nextIndex++;
    this.#open = { kind: 'text', index };
    return frame({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }) + this.#delta(index, { type: 'text_delta', text });
  }

  /** A tool block: start with an empty input (as Anthropic sends it), then the arguments so far. */
  #openTool(call: ToolCall): string {
    const index = this.#nextIndex++;
    call.phase = 'open';
    this.#toolBlockOpened = true;
    this.#open = { kind: 'tool', index, call };
    const start = frame({
      type: 'content_block_start',
      index,
      content_block: { type: 'tool_use', id: call.id ?? toolUseId(), name: call.name ?? '', input: {} },
    });
    const pending = call.pending;
    call.pending = '';
    return pending === '' ? start : start + this.#delta(index, { type: 'input_json_delta', partial_json: pending });
  }

  #closeOpen(): string {
    const open = this.#open;
    if (open.kind === 'none') return '';
    if (open.kind === 'tool') open.call.phase = 'done';
    this.#open = noBlock;
    return frame({ type: 'content_block_stop', index: open.index });
  }

  #delta(index: number, delta: ContentBlockDelta): string {
    return frame({ type: 'content_block_delta', index, delta });
  }
}

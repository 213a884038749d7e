import type { ChatCompletionChunk, ChatCompletionChunkChoice, GatewayError, Usage as ChatUsage } from 'switchyard';
import { nowSeconds, responseObject } from './envelope.ts';
import { randomId } from './ids.ts';
import { argumentsOf, functionCallItem, messageItem } from './items.ts';
import { frame } from './sse.ts';
import { endingOf, type FinishReason } from './status.ts';
import type { NewId, OutputItem, ResponseObject, ResponsesRequestEcho, UnnumberedEvent } from './types.ts';
import { responseUsage } from './usage.ts';

type ToolCallDelta = NonNullable<ChatCompletionChunkChoice['delta']['tool_calls']>[number];
type ItemStatus = OutputItem['status'];

/** One upstream tool call, keyed by its chat `index`. */
interface ToolCall {
  callId: string | undefined;
  name: string | undefined;
  /** Every argument fragment received, concatenated: the `arguments` of the finished item. */
  args: string;
  /** Fragments received before the call's item opened, sent as one delta when it does. */
  pending: string;
  /** `waiting` for its turn (or its name), `open` as the current item, `done` once closed. */
  phase: 'waiting' | 'open' | 'done';
}

/** The one output item open at a time: items never interleave. */
type OpenItem =
  | { readonly kind: 'none' }
  | { readonly kind: 'text'; readonly id: string; text: string }
  | { readonly kind: 'tool'; readonly id: string; readonly callId: string; readonly call: ToolCall; sent: boolean };

const noItem: OpenItem = Object.freeze({ kind: 'none' });

export interface ResponsesStreamOptions {
  /** The request settings the response echoes (`responsesToChat(...).echo`). */
  readonly echo: ResponsesRequestEcho;
  /** `resp_…`; made fresh when left out. */
  readonly id?: string;
  /** Seconds since the epoch; default now. */
  readonly createdAt?: number;
  readonly newId?: NewId;
}

/**
 * Chat completion chunks → Responses API stream events, as ready-to-write SSE text, every event
 * numbered by `sequence_number` from 0.
 *
 * Order: `response.created`, `response.in_progress`; per text item `output_item.added` →
 * `content_part.added` → `output_text.delta`* → `output_text.done` → `content_part.done` →
 * `output_item.done`; per function call `output_item.added` → `function_call_arguments.delta`* →
 * `function_call_arguments.done` → `output_item.done`; then `response.completed` or
 * `response.incomplete` (with usage). A failure after the start: `error`, then `response.failed`.
 *
 * Items never interleave. Text opens a message item; the first tool call with a name closes it and
 * streams live. A chat stream never says when a tool call is complete (another call's fragments
 * may still come interleaved with it), so the open call stays open until the end and every other
 * call is buffered whole and sent, in order of first appearance, after it. The deltas of a call
 * therefore concatenate to exactly the upstream's arguments (a call with none gets `{}`, as OpenAI
 * sends it), and text arriving after a call opened is sent as a last message item.
 *
 * @example
 * const encoder = new ResponsesStreamEncoder({ echo: translated.echo });
 * res.write(encoder.start());
 * for await (const c of chunks) res.write(encoder.chunk(c));
 * res.end(encoder.end());
 * await store.put(record(encoder.response), ttl);
 */
export class ResponsesStreamEncoder {
  readonly #echo: ResponsesRequestEcho;
  readonly #id: string;
  readonly #createdAt: number;
  readonly #newId: NewId;
  #sequence = 0;
  #started = false;
  #final: ResponseObject | undefined;
  /** Closed items, in output order; the open item, if any, has the next index. */
  readonly #items: OutputItem[] = [];
  #open: OpenItem = noItem;
  /** Insertion order is the order of first appearance, the order items are sent in. */
  readonly #calls = new Map<number, ToolCall>();
  #lateText = '';
  #finish: FinishReason;
  #usage: ChatUsage | undefined;

  constructor(opts: ResponsesStreamOptions) {
    this.#echo = opts.echo;
    this.#newId = opts.newId ?? randomId;
    this.#id = opts.id ?? this.#newId('resp');
    this.#createdAt = opts.createdAt ?? nowSeconds();
  }

  /** The response as it stands: final after `end()` or `fail()`, for the store. */
  get response(): ResponseObject {
    return this.#final ?? this.#snapshot('in_progress');
  }

  /** `response.created` and `response.in_progress`, if not sent yet: lets a route send its first byte early. */
  start(): string {
    if (this.#started) return '';
    this.#started = true;
    const snapshot = this.#snapshot('in_progress');
    return this.#emit({ type: 'response.created', response: snapshot }) + this.#emit({ type: 'response.in_progress', response: snapshot });
  }

  /** One upstream chunk → the events it completes ('' when it only fills a buffer). */
  chunk(c: ChatCompletionChunk): string {
    if (this.#final !== undefined) return '';
    if (c.usage) this.#usage = c.usage;
    let out = this.start();
    const choice = c.choices.find((ch) => ch.index === 0);
    if (choice === undefined) return out;
    // Some servers send the finishing choice without a delta.
    const delta = choice.delta ?? {};
    if (typeof delta.content === 'string' && delta.content !== '') out += this.#text(delta.content);
    if (typeof delta.refusal === 'string' && delta.refusal !== '') out += this.#text(delta.refusal);
    for (const call of delta.tool_calls ?? []) out += this.#toolFragment(call);
    if (choice.finish_reason != null) this.#finish = choice.finish_reason;
    return out;
  }

  /**
   * The upstream ended: closes the open item, sends the buffered calls and late text, then
   * `response.completed` or `response.incomplete`. In an incomplete response the last item is
   * `incomplete` (it was cut short), the others `completed`.
   */
  end(): string {
    if (this.#final !== undefined) return '';
    let out = this.start();
    const ending = endingOf(this.#finish);
    const waiting = [...this.#calls.values()].filter((call) => call.phase === 'waiting');
    let left = (this.#open.kind === 'none' ? 0 : 1) + waiting.length + (this.#lateText === '' ? 0 : 1);
    const nextStatus = (): ItemStatus => (--left === 0 && ending.status === 'incomplete' ? 'incomplete' : 'completed');
    if (this.#open.kind !== 'none') out += this.#closeOpen(nextStatus());
    for (const call of waiting) out += this.#openTool(call) + this.#closeOpen(nextStatus());
    if (this.#lateText !== '') out += this.#openText(this.#lateText) + this.#closeOpen(nextStatus());
    const final = responseObject(this.#echo, {
      id: this.#id,
      createdAt: this.#createdAt,
      status: ending.status,
      output: this.#items,
      usage: responseUsage(this.#usage),
      incompleteDetails: ending.incomplete_details,
      completedAt: ending.status === 'completed' ? nowSeconds() : undefined,
    });
    this.#final = final;
    return out + this.#emit(ending.status === 'completed' ? { type: 'response.completed', response: final } : { type: 'response.incomplete', response: final });
  }

  /**
   * The upstream failed after the stream started: an `error` event, then `response.failed` whose
   * output holds the items sent so far (an open one as `incomplete`; buffered calls are dropped).
   * Nothing is sent after it.
   */
  fail(error: GatewayError): string {
    if (this.#final !== undefined) return '';
    let out = this.start();
    out += this.#emit({ type: 'error', code: error.extra.code ?? null, message: error.message, param: error.extra.param ?? null });
    const output = [...this.#items];
    const open = this.#openSnapshot('incomplete');
    if (open !== undefined) output.push(open);
    this.#open = noItem;
    const final = responseObject(this.#echo, {
      id: this.#id,
      createdAt: this.#createdAt,
      status: 'failed',
      output,
      usage: responseUsage(this.#usage),
      error: { code: error.status === 429 ? 'rate_limit_exceeded' : 'server_error', message: error.message },
    });
    this.#final = final;
    return out + this.#emit({ type: 'response.failed', response: final });
  }

  #snapshot(status: 'in_progress'): ResponseObject {
    return responseObject(this.#echo, { id: this.#id, createdAt: this.#createdAt, status, output: this.#items });
  }

  #emit(event: UnnumberedEvent): string {
    return frame(event, this.#sequence++);
  }

  #text(text: string): string {
    switch (this.#open.kind) {
      case 'text':
        this.#open.text += text;
        return this.#emit({ type: 'response.output_text.delta', item_id: this.#open.id, output_index: this.#items.length, content_index: 0, delta: text, logprobs: [] });
      case 'tool':
        // The open call may still get fragments: the text waits for the end, as a last item.
        this.#lateText += text;
        return '';
      case 'none':
        return this.#openText(text);
    }
  }

  #toolFragment(fragment: ToolCallDelta): string {
    let call = this.#calls.get(fragment.index);
    if (call === undefined) {
      call = { callId: undefined, name: undefined, args: '', pending: '', phase: 'waiting' };
      this.#calls.set(fragment.index, call);
    }
    if (fragment.id) call.callId ??= fragment.id;
    // Some servers repeat the name in every fragment: the first one is the name.
    if (fragment.function?.name) call.name ??= fragment.function.name;
    const args = fragment.function?.arguments ?? '';
    call.args += args;
    switch (call.phase) {
      case 'open':
        return args === '' ? '' : this.#argumentsDelta(args);
      case 'waiting':
        call.pending += args;
        return this.#advance();
      case 'done':
        // Calls close only in end(), after which no chunk is read.
        return '';
    }
  }

  /** Opens the first waiting call if no call is open and it has its name. */
  #advance(): string {
    if (this.#open.kind === 'tool') return '';
    for (const call of this.#calls.values()) {
      if (call.phase !== 'waiting') continue;
      return call.name === undefined ? '' : this.#closeOpen('completed') + this.#openTool(call);
    }
    return '';
  }

  #openText(text: string): string {
    const id = this.#newId('msg');
    const outputIndex = this.#items.length;
    this.#open = { kind: 'text', id, text };
    const added = { ...messageItem(id, '', 'in_progress'), content: [] };
    return (
      this.#emit({ type: 'response.output_item.added', output_index: outputIndex, item: added }) +
      this.#emit({ type: 'response.content_part.added', item_id: id, output_index: outputIndex, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }) +
      this.#emit({ type: 'response.output_text.delta', item_id: id, output_index: outputIndex, content_index: 0, delta: text, logprobs: [] })
    );
  }

  /** A function call item, then the arguments received so far as one delta. */
  #openTool(call: ToolCall): string {
    const id = this.#newId('fc');
    const callId = call.callId ?? this.#newId('call');
    call.phase = 'open';
    this.#open = { kind: 'tool', id, callId, call, sent: false };
    const added = this.#emit({ type: 'response.output_item.added', output_index: this.#items.length, item: functionCallItem(id, callId, call.name ?? '', '', 'in_progress') });
    const pending = call.pending;
    call.pending = '';
    return pending === '' ? added : added + this.#argumentsDelta(pending);
  }

  #argumentsDelta(delta: string): string {
    if (this.#open.kind !== 'tool') return '';
    this.#open.sent = true;
    return this.#emit({ type: 'response.function_call_arguments.delta', item_id: this.#open.id, output_index: this.#items.length, delta });
  }

  #closeOpen(status: ItemStatus): string {
    const open = this.#open;
    if (open.kind === 'none') return '';
    const outputIndex = this.#items.length;
    let out = '';
    if (open.kind === 'text') {
      const part = { type: 'output_text' as const, text: open.text, annotations: [] };
      out += this.#emit({ type: 'response.output_text.done', item_id: open.id, output_index: outputIndex, content_index: 0, text: open.text, logprobs: [] });
      out += this.#emit({ type: 'response.content_part.done', item_id: open.id, output_index: outputIndex, content_index: 0, part });
    } else {
      open.call.phase = 'done';
      // A call without arguments gets `{}`, sent as its one delta so the deltas still add up.
      if (!open.sent) out += this.#argumentsDelta(argumentsOf(''));
      const args = argumentsOf(open.call.args);
      out += this.#emit({ type: 'response.function_call_arguments.done', item_id: open.id, output_index: outputIndex, name: open.call.name ?? '', arguments: args });
    }
    const item = this.#openSnapshot(status) as OutputItem;
    this.#items.push(item);
    this.#open = noItem;
    return out + this.#emit({ type: 'response.output_item.done', output_index: outputIndex, item });
  }

  /** The open item as it stands, with the given status. */
  #openSnapshot(status: ItemStatus): OutputItem | undefined {
    const open = this.#open;
    switch (open.kind) {
      case 'none':
        return undefined;
      case 'text':
        return messageItem(open.id, open.text, status);
      case 'tool':
        return functionCallItem(open.id, open.callId, open.call.name ?? '', status === 'incomplete' && !open.sent ? '' : argumentsOf(open.call.args), status);
    }
  }
}

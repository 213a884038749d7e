import type { ChatCompletion } from 'switchyard';
import { nowSeconds, responseObject } from './envelope.ts';
import { randomId } from './ids.ts';
import { argumentsOf, functionCallItem, markLastIncomplete, messageItem } from './items.ts';
import { endingOf } from './status.ts';
import type { NewId, OutputItem, ResponseObject, ResponsesRequestEcho } from './types.ts';
import { responseUsage } from './usage.ts';

/** Ids and times of a response; made fresh when left out. */
export interface ResponseIds {
  /** `resp_…`; a route that stores the response decides it. */
  readonly id?: string;
  /** Seconds since the epoch; default now. */
  readonly createdAt?: number;
  readonly newId?: NewId;
}

/**
 * A chat completion (its first choice) → a Response. Output: one `message` item with the text
 * (a refusal is sent as text; reasoning text is dropped, its token count kept), then one
 * `function_call` item per tool call, in order. `length` and `content_filter` endings make the
 * response `incomplete` (reason `max_output_tokens` / `content_filter`) and its last item
 * `incomplete`. `model` is the name the client asked for.
 *
 * @example
 * chatToResponse(completion, translated.echo, { id: 'resp_123' })
 */
export function chatToResponse(result: ChatCompletion, echo: ResponsesRequestEcho, ids: ResponseIds = {}): ResponseObject {
  const newId = ids.newId ?? randomId;
  const id = ids.id ?? newId('resp');
  const choice = result.choices.find((c) => c.index === 0) ?? result.choices[0];
  const output: OutputItem[] = [];
  const message = choice?.message;
  const text = (message?.content ?? '') + (message?.refusal ?? '');
  if (text !== '') output.push(messageItem(newId('msg'), text, 'completed'));
  for (const call of message?.tool_calls ?? []) {
    if (call.type !== 'function') continue;
    output.push(functionCallItem(newId('fc'), call.id || newId('call'), call.function.name, argumentsOf(call.function.arguments), 'completed'));
  }
  const ending = endingOf(choice?.finish_reason);
  if (ending.status === 'incomplete') markLastIncomplete(output);
  return responseObject(echo, {
    id,
    createdAt: ids.createdAt ?? nowSeconds(),
    status: ending.status,
    output,
    usage: responseUsage(result.usage),
    incompleteDetails: ending.incomplete_details,
    completedAt: ending.status === 'completed' ? nowSeconds() : undefined,
  });
}

import type { ChatCompletionChoice } from 'switchyard';
import type { ResponseObject } from './types.ts';

export type FinishReason = ChatCompletionChoice['finish_reason'] | null | undefined;

/** How a response ended, in the Responses API's terms. */
export interface Ending {
  readonly status: 'completed' | 'incomplete';
  readonly incomplete_details: ResponseObject['incomplete_details'];
}

const completed: Ending = Object.freeze({ status: 'completed', incomplete_details: null });

/**
 * A chat `finish_reason` → the response status: `length` → incomplete (`max_output_tokens`),
 * `content_filter` → incomplete (`content_filter`), anything else (stop, tool calls, none) → completed.
 */
export function endingOf(finish: FinishReason): Ending {
  if (finish === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finish === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return completed;
}

import type { ChatCompletionChoice } from 'switchyard';
import type { StopReason } from './types.ts';

export type FinishReason = ChatCompletionChoice['finish_reason'] | null | undefined;

/** What else decides the stop reason besides `finish_reason`. */
export interface StopFacts {
  /** The answer holds tool_use blocks. */
  readonly toolUse: boolean;
  /** The answer is an OpenAI `refusal`. */
  readonly refused: boolean;
  /** The stop sequence that ended the answer, when the upstream says (vLLM's `stop_reason`). */
  readonly matchedStop: string | undefined;
}

/**
 * `finish_reason` → Anthropic's `stop_reason` and `stop_sequence`. Some chat servers finish
 * with `stop` after tool calls; Anthropic clients run tools only on `tool_use`, so tool calls
 * win over a plain stop. A truncated answer stays `max_tokens` even with tool calls in it.
 */
export function stopReasonOf(finish: FinishReason, facts: StopFacts): { stop_reason: StopReason; stop_sequence: string | null } {
  switch (finish) {
    case 'length':
      return { stop_reason: 'max_tokens', stop_sequence: null };
    case 'tool_calls':
    case 'function_call':
      return { stop_reason: 'tool_use', stop_sequence: null };
    case 'content_filter':
      return { stop_reason: 'refusal', stop_sequence: null };
    default:
      if (facts.refused) return { stop_reason: 'refusal', stop_sequence: null };
      if (facts.toolUse) return { stop_reason: 'tool_use', stop_sequence: null };
      if (facts.matchedStop !== undefined) return { stop_reason: 'stop_sequence', stop_sequence: facts.matchedStop };
      return { stop_reason: 'end_turn', stop_sequence: null };
  }
}

/** vLLM and SGLang name the stop string that matched in a non-standard `stop_reason` field of the choice. */
export function matchedStopOf(choice: object | undefined): string | undefined {
  const value = (choice as { stop_reason?: unknown } | undefined)?.stop_reason;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

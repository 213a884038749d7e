import type { MessagesStreamEvent } from './types.ts';

/** One SSE frame. Every frame names its event: Anthropic's SDK skips frames without an `event:` line. */
export function frame(event: MessagesStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

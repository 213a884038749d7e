import type { UnnumberedEvent } from './types.ts';

/** One SSE frame: `event: <type>` and the event as JSON with its `sequence_number`. */
export function frame(event: UnnumberedEvent, sequenceNumber: number): string {
  return `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: sequenceNumber })}\n\n`;
}

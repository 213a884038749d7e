import type { OutputItem, ResponseFunctionToolCallItem, ResponseOutputMessage } from './types.ts';

type ItemStatus = ResponseOutputMessage['status'];

/** An assistant message item holding one `output_text` part. */
export function messageItem(id: string, text: string, status: ItemStatus): ResponseOutputMessage {
  return { id, type: 'message', role: 'assistant', status, content: [{ type: 'output_text', text, annotations: [] }] };
}

/** A function call item. */
export function functionCallItem(id: string, callId: string, name: string, args: string, status: ItemStatus): ResponseFunctionToolCallItem {
  return { id, type: 'function_call', status, call_id: callId, name, arguments: args };
}

/**
 * The arguments a Responses client receives: the upstream's exactly, except none at all, which
 * becomes `{}` as OpenAI sends it for a call without parameters (clients parse it as JSON).
 */
export function argumentsOf(upstream: string): string {
  return upstream === '' ? '{}' : upstream;
}

/** In an incomplete response only the last item was cut short; it is marked so. */
export function markLastIncomplete(items: OutputItem[]): void {
  const last = items.at(-1);
  if (last !== undefined) items[items.length - 1] = { ...last, status: 'incomplete' };
}

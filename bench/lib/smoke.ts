import { request } from 'undici';
import { chatBody, embeddingsBody, messagesBody } from './bodies.ts';
import type { Target } from './targets.ts';

/**
 * Before anything is measured, each target must answer correctly: a chat completion, a stream
 * that ends with [DONE], an embedding. A benchmark of 404s would look very fast.
 */
export async function smokeTest(target: Target): Promise<void> {
  const headers = { 'content-type': 'application/json', ...target.headers };
  const call = async (path: string, body: string): Promise<{ status: number; text: string; headers: Record<string, unknown> }> => {
    const res = await request(target.origin + path, { method: 'POST', headers, body });
    return { status: res.statusCode, text: await res.body.text(), headers: res.headers };
  };
  const chat = await call('/v1/chat/completions', chatBody(target.model, 'smoke'));
  const parsed = chat.status === 200 ? (JSON.parse(chat.text) as { choices?: { message?: { content?: string } }[] }) : undefined;
  if (typeof parsed?.choices?.[0]?.message?.content !== 'string') {
    throw new Error(`${target.id}: chat completion failed: ${chat.status} ${chat.text.slice(0, 300)}`);
  }
  const stream = await call('/v1/chat/completions', chatBody(target.model, 'smoke-stream', true));
  if (stream.status !== 200 || !stream.text.endsWith('data: [DONE]\n\n')) {
    throw new Error(`${target.id}: stream failed: ${stream.status} ${stream.text.slice(0, 300)}`);
  }
  const embedding = await call('/v1/embeddings', embeddingsBody('text-embedding-3-small'));
  const vector = embedding.status === 200 ? (JSON.parse(embedding.text) as { data?: { embedding?: unknown[] }[] }).data?.[0]?.embedding : undefined;
  if (!Array.isArray(vector) || vector.length === 0) {
    throw new Error(`${target.id}: embeddings failed: ${embedding.status} ${embedding.text.slice(0, 300)}`);
  }
}

/** Whether a cache answers a repeated request (`x-switchyard-cache: hit`). */
export async function cacheHits(target: Target, body: string): Promise<boolean> {
  const headers = { 'content-type': 'application/json', ...target.headers };
  let last: unknown;
  for (let i = 0; i < 3; i++) {
    const res = await request(`${target.origin}/v1/chat/completions`, { method: 'POST', headers, body });
    await res.body.dump();
    last = res.headers['x-switchyard-cache'];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return last === 'hit';
}

/** A Messages API target must stream a complete message (message_start … message_stop) with text in it. */
export async function smokeTestMessages(target: Target): Promise<void> {
  const res = await request(`${target.origin}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body: messagesBody(target.model, 'smoke-messages', true),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200 || !text.startsWith('event: message_start\n') || !text.includes('"text_delta"') || !text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')) {
    throw new Error(`${target.id}: Messages stream failed: ${res.statusCode} ${text.slice(0, 300)}`);
  }
}

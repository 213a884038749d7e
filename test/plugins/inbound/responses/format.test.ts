import { describe, expect, test } from 'vitest';
import { GatewayError, RequestContext, type ChatCompletion, type Logger, type Principal } from 'switchyard';
import { createRootLogger } from '../../../../core/log.ts';
import { MemoryResponseStore, responsesFormat, type ResponseStore, type StoredResponse } from '../../../../plugins/inbound/responses/index.ts';
import { chunk, usageChunk } from './helpers.ts';

const silent = createRootLogger({ level: 'silent', sync: true });
const alice: Principal = { id: 'alice', role: 'user' };
const bob: Principal = { id: 'bob', role: 'user' };
const admin: Principal = { id: 'master-key', role: 'admin' };

function contextFor(principal: Principal): RequestContext {
  const ctx = new RequestContext({ id: 'req-1', operation: 'chat', headers: {}, signal: new AbortController().signal, rootLog: silent });
  ctx.principal = principal;
  return ctx;
}

function completion(content: string): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'upstream',
    choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content, refusal: null } }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  };
}

/** A store recording what happens to it, in order; `put` can be made to fail. */
class RecordingStore implements ResponseStore {
  readonly inner = new MemoryResponseStore();
  readonly events: string[] = [];
  failPut = false;
  async put(record: StoredResponse, ttlSeconds: number): Promise<void> {
    await Promise.resolve();
    if (this.failPut) throw new Error('redis down');
    await this.inner.put(record, ttlSeconds);
    this.events.push(`put ${record.response.id} ttl=${ttlSeconds}`);
  }
  get(id: string): Promise<StoredResponse | undefined> {
    return this.inner.get(id);
  }
  delete(id: string): Promise<boolean> {
    return this.inner.delete(id);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A logger that keeps the messages of its `warn` calls. */
function warnings(): { log: Logger; seen: string[] } {
  const seen: string[] = [];
  const log = { warn: (_obj: unknown, message: string) => seen.push(message) } as unknown as Logger;
  return { log, seen };
}

async function turn(store: ResponseStore, principal: Principal, body: Record<string, unknown>, log: Logger = silent) {
  const format = responsesFormat({ store, ttlSeconds: 90, log });
  const ctx = contextFor(principal);
  const chat = await format.decode({ model: 'm', ...body }, ctx);
  const response = (await format.encode(completion(`echo: ${String(body.input)}`), ctx)) as { id: string; output_text?: string };
  return { chat, response };
}

describe('responsesFormat', () => {
  test('a complete answer is stored, with its owner and the ttl, before encode settles', async () => {
    const store = new RecordingStore();
    const { response } = await turn(store, alice, { input: 'hi' });
    expect(store.events).toEqual([`put ${response.id} ttl=90`]);
    const record = await store.get(response.id);
    expect(record?.owner).toBe('alice');
    expect(record?.history?.map((i) => i.type)).toEqual(['message', 'message']);
  });

  test('store: false is never put', async () => {
    const store = new RecordingStore();
    const { response } = await turn(store, alice, { input: 'hi', store: false });
    expect(store.events).toEqual([]);
    expect(await store.get(response.id)).toBeUndefined();
  });

  test('a failed put is logged, and the answer still given', async () => {
    const store = new RecordingStore();
    store.failPut = true;
    const { log, seen } = warnings();
    const { response } = await turn(store, alice, { input: 'hi' }, log);
    expect(response.id).toMatch(/^resp_/);
    expect(seen).toEqual(['response not stored: a follow-up naming it will not find it']);
  });

  test("previous_response_id: the owner's history is prepended; another tenant's id is not found; an admin may continue it", async () => {
    const store = new RecordingStore();
    const first = await turn(store, alice, { input: 'hi' });
    const second = await turn(store, alice, { input: 'again', previous_response_id: first.response.id });
    expect(second.chat.messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'echo: hi' },
      { role: 'user', content: 'again' },
    ]);
    await expect(turn(store, bob, { input: 'peek', previous_response_id: first.response.id })).rejects.toMatchObject({
      status: 400,
      extra: { code: 'previous_response_not_found', param: 'previous_response_id' },
    });
    expect((await turn(store, admin, { input: 'audit', previous_response_id: first.response.id })).chat.messages).toHaveLength(3);
  });

  test('a stream is stored before its last frames are handed back; a failed one is not stored', async () => {
    const store = new RecordingStore();
    const format = responsesFormat({ store, ttlSeconds: 90, log: silent });
    const ctx = contextFor(alice);
    await format.decode({ model: 'm', input: 'hi', stream: true }, ctx);
    const encoder = format.encodeStream(ctx);
    const text = encoder.start() + encoder.chunk(chunk({ role: 'assistant', content: 'Hello' })) + encoder.chunk(chunk({}, 'stop')) + encoder.chunk(usageChunk({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }));
    const ending = encoder.end();
    expect(store.events).toEqual([]);
    const last = await ending;
    expect(store.events).toHaveLength(1);
    expect(last).toContain('event: response.completed');
    const id = /"id":"(resp_[0-9a-f]+)"/.exec(text)?.[1] as string;
    expect(((await store.get(id))?.response as { status?: string }).status).toBe('completed');

    const failing = format.encodeStream(ctx);
    failing.start();
    failing.chunk(chunk({ content: 'Part' }));
    expect(failing.fail(new GatewayError(502, 'api_error', 'cut'))).toContain('event: response.failed');
    expect(store.events).toHaveLength(1);
  });
});

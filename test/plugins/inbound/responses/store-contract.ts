/** What every ResponseStore must do; run against memory and Redis alike. */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { GatewayError } from 'switchyard';
import {
  chainHistory,
  chatToResponse,
  responsesToChat,
  translatedRecord,
  type ResponseStore,
  type StoredResponse,
} from '../../../../plugins/inbound/responses/index.ts';
import { counterIds } from './helpers.ts';

/** A stored translated turn: `input` asked, the model answered `answer`. */
export function turn(id: string, input: string, answer: string, previous: StoredResponse | undefined = undefined): StoredResponse {
  const newId = counterIds();
  const history = previous?.history ?? [];
  const translated = responsesToChat({ model: 'm', input, ...(previous ? { previous_response_id: previous.response.id } : {}) }, history, newId);
  const completion = {
    id: 'chatcmpl-1',
    object: 'chat.completion' as const,
    created: 1,
    model: 'm',
    choices: [{ index: 0, finish_reason: 'stop' as const, logprobs: null, message: { role: 'assistant' as const, content: answer, refusal: null } }],
  };
  return translatedRecord(chatToResponse(completion, translated.echo, { id, newId }), translated.inputItems, history);
}

export function responseStoreContract(makeStore: () => ResponseStore, ids: () => string): void {
  let store: ResponseStore;
  beforeEach(() => {
    store = makeStore();
  });
  afterEach(async () => {
    await store.close();
  });

  test('put then get returns the record; an unknown id is undefined', async () => {
    const id = ids();
    const record = { ...turn(id, 'Hi', 'Hello'), pinned: { deployment: 'openai/gpt-4o', provider: 'openai', model: 'gpt-4o' }, owner: 'key_1' };
    await store.put(record, 60);
    expect(await store.get(id)).toEqual(record);
    expect(await store.get(ids())).toBeUndefined();
  });

  test('put replaces a record under the same id', async () => {
    const id = ids();
    await store.put(turn(id, 'Hi', 'first'), 60);
    await store.put(turn(id, 'Hi', 'second'), 60);
    expect(((await store.get(id))?.response as { output?: unknown }).output).toMatchObject([{ content: [{ text: 'second' }] }]);
  });

  test('delete removes a record and says whether one was there', async () => {
    const id = ids();
    await store.put(turn(id, 'Hi', 'Hello'), 60);
    expect(await store.delete(id)).toBe(true);
    expect(await store.get(id)).toBeUndefined();
    expect(await store.delete(id)).toBe(false);
  });

  test('a record expires after its ttl', async () => {
    const short = ids();
    const long = ids();
    await store.put(turn(short, 'Hi', 'Hello'), 1);
    await store.put(turn(long, 'Hi', 'Hello'), 60);
    await sleep(1500);
    expect(await store.get(short)).toBeUndefined();
    expect(await store.get(long)).toBeDefined();
  });

  test('a chain: each record holds the whole conversation, so a follow-up reads one record', async () => {
    const first = turn(ids(), 'My name is Ada.', 'Hello Ada.');
    await store.put(first, 60);
    const previousOfSecond = await chainHistory(store, first.response.id);
    const second = turn(ids(), 'And my surname?', 'You did not say.', previousOfSecond.record);
    await store.put(second, 60);
    const { history } = await chainHistory(store, second.response.id);
    expect(history.map((i) => (i.type === 'message' ? `${i.role}: ${i.content.map((p) => ('text' in p ? p.text : '')).join('')}` : i.type))).toEqual([
      'user: My name is Ada.',
      'assistant: Hello Ada.',
      'user: And my surname?',
      'assistant: You did not say.',
    ]);
    // Only the second request's own input is listed for it.
    expect((await store.get(second.response.id))?.inputItems).toHaveLength(1);
    const third = responsesToChat({ model: 'm', instructions: 'Be kind.', input: 'Well?', previous_response_id: second.response.id }, history, counterIds());
    expect(third.chat.messages).toEqual([
      { role: 'system', content: 'Be kind.' },
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Hello Ada.' },
      { role: 'user', content: 'And my surname?' },
      { role: 'assistant', content: 'You did not say.' },
      { role: 'user', content: 'Well?' },
    ]);
  });

  test('an unknown, expired or deleted previous_response_id is 400 previous_response_not_found', async () => {
    const id = ids();
    await store.put(turn(id, 'Hi', 'Hello'), 60);
    await store.delete(id);
    const err = await chainHistory(store, id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).toBody()).toEqual({
      error: { message: `Previous response with id '${id}' not found.`, type: 'invalid_request_error', param: 'previous_response_id', code: 'previous_response_not_found' },
    });
    expect((err as GatewayError).status).toBe(400);
  });
}

import { describe, expect, test } from 'vitest';
import { chatUsage, pinnedTarget, ResponseReader, ResponseStreamReader, responseUsage } from '../../../../plugins/inbound/responses/index.ts';

const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 6, output_tokens_details: { reasoning_tokens: 2 }, total_tokens: 16 };

/** Feeds `text` in `size`-byte pieces, awaiting what the reader holds back, recording when ids were told. */
async function feed(reader: { add(chunk: Buffer): void | Promise<void> }, text: string, size: number, log: string[]): Promise<void> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) {
    await reader.add(bytes.subarray(i, i + size));
    log.push(`chunk ${i}`);
  }
}

describe('native Responses readers', () => {
  test("chatUsage: a Response's usage under chat's names; the inverse of responseUsage", () => {
    const chat = chatUsage(usage);
    expect(chat).toEqual({ prompt_tokens: 10, completion_tokens: 6, total_tokens: 16, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 2 } });
    expect(responseUsage(chat)).toMatchObject(usage);
  });

  test('a JSON Response: the top-level id is told (and awaited) before the chunk holding it goes on; usage at the end', async () => {
    const log: string[] = [];
    const reader = new ResponseReader(async (id) => {
      await new Promise((r) => setTimeout(r, 1));
      log.push(`id ${id}`);
    });
    const body = JSON.stringify({ object: 'response', output: [{ id: 'msg_1', type: 'message' }], id: 'resp_up', usage });
    await feed(reader, body, 16, log);
    const idAt = log.indexOf('id resp_up');
    expect(idAt).toBeGreaterThanOrEqual(0);
    // Told during the chunk that completed the id, before that chunk was let through.
    const closingQuote = body.indexOf('resp_up') + 'resp_up'.length;
    expect(log[idAt + 1]).toBe(`chunk ${16 * Math.floor(closingQuote / 16)}`);
    expect(log.filter((l) => l.startsWith('id '))).toHaveLength(1);
    expect(reader.usage()).toEqual(chatUsage(usage));
  });

  test('a stream: the id of response.created told once, before that event goes on; the usage of response.completed', async () => {
    const events = [
      ['response.created', { type: 'response.created', sequence_number: 0, response: { id: 'resp_s', status: 'in_progress', usage: null } }],
      ['response.in_progress', { type: 'response.in_progress', sequence_number: 1, response: { id: 'resp_s', status: 'in_progress', usage: null } }],
      ['response.output_text.delta', { type: 'response.output_text.delta', sequence_number: 2, delta: '"usage"' }],
      ['response.completed', { type: 'response.completed', sequence_number: 3, response: { id: 'resp_s', status: 'completed', usage } }],
    ] as const;
    const sse = events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join('');
    for (const size of [1, 50, 100_000]) {
      const log: string[] = [];
      const reader = new ResponseStreamReader(async (id) => void log.push(`id ${id}`));
      await feed(reader, sse, size, log);
      expect(log.filter((l) => l.startsWith('id '))).toEqual(['id resp_s']);
      // No chunk went on after the end of response.created before the id was told.
      const endOfCreated = sse.indexOf('\n\n') + 2;
      expect(log.indexOf('id resp_s')).toBeLessThanOrEqual(Math.ceil(endOfCreated / size) - 1);
      expect(reader.usage()).toEqual(chatUsage(usage));
    }
  });

  test('a failed stream: the error event (or response.failed) is the failure the log stage records', async () => {
    const events = [
      ['response.created', { type: 'response.created', sequence_number: 0, response: { id: 'resp_f', usage: null } }],
      ['error', { type: 'error', sequence_number: 1, code: 'server_error', message: 'boom' }],
      ['response.failed', { type: 'response.failed', sequence_number: 2, response: { id: 'resp_f', error: { code: 'server_error', message: 'boom' }, usage: null } }],
    ] as const;
    const reader = new ResponseStreamReader(undefined);
    await feed(reader, events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join(''), 9, []);
    expect(reader.failure()).toMatchObject({ status: 502, message: 'boom', extra: { code: 'server_error' } });
    expect(new ResponseStreamReader(undefined).failure()).toBeUndefined();
  });

  test('without a callback (store: false) nothing is told, usage still read', async () => {
    const reader = new ResponseReader(undefined);
    expect(reader.add(Buffer.from(JSON.stringify({ id: 'resp_x', usage })))).toBeUndefined();
    expect(reader.usage()).toEqual(chatUsage(usage));
  });
});

describe('pinnedTarget', () => {
  const models = [
    {
      name: 'smart',
      timeout: 5000,
      deployments: [
        { provider: 'openai', model: 'gpt-4o' },
        { provider: 'azure', model: 'prod', baseURL: 'https://r.openai.azure.com', apiKey: 'k-123456', timeouts: { firstByte: 700 } },
      ],
    },
  ];
  const settings = { timeout: 9000 };

  test('a group deployment by its id, its settings inherited; a provider-named one built as routing builds it', () => {
    expect(pinnedTarget(models, settings, { deployment: 'smart#1', provider: 'azure', model: 'prod' })).toEqual({
      id: 'smart#1',
      group: 'smart',
      provider: 'azure',
      model: 'prod',
      baseURL: 'https://r.openai.azure.com',
      apiKey: 'k-123456',
      timeoutMs: 700,
    });
    expect(pinnedTarget(models, settings, { deployment: 'smart#0', provider: 'openai', model: 'gpt-4o' })?.timeoutMs).toBe(5000);
    expect(pinnedTarget(models, settings, { deployment: 'openai/gpt-4o-mini', provider: 'openai', model: 'gpt-4o-mini' })).toEqual({
      id: 'openai/gpt-4o-mini',
      group: 'openai/gpt-4o-mini',
      provider: 'openai',
      model: 'gpt-4o-mini',
      timeoutMs: 9000,
    });
  });

  test('a deployment gone or changed since (another provider or model at that index) is unknown', () => {
    expect(pinnedTarget(models, settings, { deployment: 'smart#2', provider: 'openai', model: 'gpt-4o' })).toBeUndefined();
    expect(pinnedTarget(models, settings, { deployment: 'smart#0', provider: 'openai', model: 'gpt-4.1' })).toBeUndefined();
    expect(pinnedTarget(models, settings, { deployment: 'other#0', provider: 'openai', model: 'gpt-4o' })).toBeUndefined();
  });
});

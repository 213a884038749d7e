import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import inboundMessages from '../../plugins/inbound/messages/index.ts';
import inboundResponses from '../../plugins/inbound/responses/index.ts';
import keys from '../../plugins/keys/index.ts';
import anthropic from '../../plugins/providers/anthropic/index.ts';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockAnthropicKey, startMockAnthropic } from '../helpers/mock-upstream/anthropic.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../helpers/mock-upstream/server.ts';

// Native Messages and Responses calls are relayed unread by any translation: their spend rows must
// still carry the usage the upstream reported, normalised to OpenAI's meaning.

const master = 'sk-master-native-spend-0123456789';
const claudeModel = 'claude-sonnet-4-20250514';
let anthropicUp: MockServer;
let openaiUp: MockServer;
let gw: RunningGateway;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sy-native-spend-'));
  [anthropicUp, openaiUp] = await Promise.all([startMockAnthropic(), startMockOpenAI()]);
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        anthropic({ apiKey: mockAnthropicKey, baseURL: anthropicUp.url }),
        openai({ apiKey: mockOpenAIKey, baseURL: `${openaiUp.url}/v1` }),
        keys({ masterKey: master, dataDir }),
        modelRouting({}),
        orderedFallback({}),
        inboundMessages(),
        inboundResponses({}),
      ],
      models: [
        { name: 'claude', deployments: [{ provider: 'anthropic', model: claudeModel }] },
        { name: 'smart', deployments: [{ provider: 'openai', model: 'gpt-4o' }] },
      ],
    }),
  );
});

afterAll(async () => {
  await gw.close(1000);
  await Promise.all([anthropicUp.close(), openaiUp.close()]);
  rmSync(dataDir, { recursive: true, force: true });
});

async function admin(path: string, body?: unknown, method = 'POST'): Promise<Record<string, unknown>> {
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

interface Row {
  call_type: string;
  custom_llm_provider: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  cache_read_input_tokens: number;
  spend: number | null;
  status: string;
}

async function rowsOf(alias: string, count: number): Promise<Row[]> {
  let rows: Row[] = [];
  for (let i = 0; i < 50 && rows.length < count; i++) {
    await new Promise((r) => setTimeout(r, 100));
    rows = (await admin(`/spend/logs/v2?key_alias=${alias}`, undefined, 'GET')).data as Row[];
  }
  return rows;
}

describe('spend rows of native calls', () => {
  test("a native Messages stream and a native Response: each row has the upstream's usage in OpenAI's meaning, and a cost", async () => {
    const key = (await admin('/key/generate', { key_alias: 'native' })).key as string;
    const message = await new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 }).messages
      .stream({
        model: 'claude',
        max_tokens: 100,
        system: [{ type: 'text', text: 'be brief', cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: 'count me' }],
      })
      .finalMessage();
    const response = await new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 }).responses.create({ model: 'smart', input: 'count me too' });
    expect(anthropicUp.requests.map((r) => r.url)).toEqual(['/v1/messages']);
    expect(openaiUp.requests.map((r) => r.url)).toEqual(['/v1/responses']);

    const rows = await rowsOf('native', 2);
    const messagesRow = rows.find((r) => r.custom_llm_provider === 'anthropic') as Row;
    const responsesRow = rows.find((r) => r.custom_llm_provider === 'openai') as Row;
    // Anthropic counts cache reads apart from input_tokens; the row adds them back.
    expect(message.usage.cache_read_input_tokens).toBe(100);
    expect(messagesRow).toMatchObject({
      status: 'success',
      model: claudeModel,
      prompt_tokens: message.usage.input_tokens + 100,
      completion_tokens: message.usage.output_tokens,
      cache_read_input_tokens: 100,
    });
    expect(responsesRow).toMatchObject({
      status: 'success',
      model: 'gpt-4o',
      prompt_tokens: response.usage?.input_tokens,
      completion_tokens: response.usage?.output_tokens,
    });
    expect(messagesRow.spend).toBeGreaterThan(0);
    expect(responsesRow.spend).toBeGreaterThan(0);
  });
});

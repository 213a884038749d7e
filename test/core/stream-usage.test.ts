import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, definePlugin, type RunningGateway } from 'switchyard';
import anthropic from '../../plugins/providers/anthropic/index.ts';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockAnthropicKey, startMockAnthropic } from '../helpers/mock-upstream/anthropic.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../helpers/mock-upstream/server.ts';

/** What a spend or limits plugin does: asks for every stream's usage, and reads it in the log stage. */
const seen: (number | undefined)[] = [];
const usageReader = definePlugin(() => ({
  name: 'usage-reader',
  setup(gateway) {
    gateway.needStreamUsage();
    gateway.hooks.log.tapPromise('usage-reader', async (ctx) => void seen.push(ctx.usage?.total_tokens));
  },
}));

let openaiUp: MockServer;
let anthropicUp: MockServer;
let gw: RunningGateway;
let client: OpenAI;
beforeAll(async () => {
  [openaiUp, anthropicUp] = await Promise.all([startMockOpenAI(), startMockAnthropic()]);
  gw = await startTestGateway(
    defineConfig({
      plugins: [openai({ apiKey: mockOpenAIKey, baseURL: `${openaiUp.url}/v1` }), anthropic({ apiKey: mockAnthropicKey, baseURL: anthropicUp.url }), modelRouting({}), usageReader()],
    }),
  );
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(async () => {
  await gw.close(1000);
  await openaiUp.close();
  await anthropicUp.close();
});
beforeEach(() => {
  seen.length = 0;
});

const waitSeen = async (): Promise<void> => {
  for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
};

describe('needStreamUsage', () => {
  for (const model of ['gpt-4o', 'claude-3-5-sonnet-20241022']) {
    test(`${model}: usage is read for the gateway, and no usage chunk reaches a client that did not ask`, async () => {
      const chunks = [];
      for await (const c of await client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'hi' }] })) chunks.push(c);
      expect(chunks.length).toBeGreaterThan(0);
      expect(chunks.some((c) => c.choices.length === 0 || c.usage != null)).toBe(false);
      await waitSeen();
      expect(seen[0]).toBeGreaterThan(0);
    });

    test(`${model}: a client that asked still gets its usage chunk`, async () => {
      const chunks = [];
      for await (const c of await client.chat.completions.create({ model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] })) chunks.push(c);
      const last = chunks.at(-1);
      expect(last?.choices).toEqual([]);
      expect(last?.usage?.total_tokens).toBeGreaterThan(0);
      await waitSeen();
      expect(seen[0]).toBe(last?.usage?.total_tokens);
    });
  }
});

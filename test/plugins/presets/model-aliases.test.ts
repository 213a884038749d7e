import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import OpenAI from 'openai';
import type { RunningGateway } from 'switchyard';
import { defaultConfig, modelAliases, modelAliasGroups } from '../../../plugins/presets/default.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { mockAnthropicKey, startMockAnthropic } from '../../helpers/mock-upstream/anthropic.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';

describe('the undated-name table', () => {
  test('is dated, and maps names to dated or provider ids', () => {
    expect(modelAliases.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const [name, alias] of Object.entries(modelAliases.models)) {
      expect(alias.model).not.toBe(name);
      if (alias.provider === 'anthropic') expect(alias.model).toMatch(/-\d{8}$/);
    }
  });

  test('only names of enabled providers become groups; overrides replace or drop entries', () => {
    expect(modelAliasGroups({})).toEqual([]);
    const groups = modelAliasGroups(
      { ANTHROPIC_API_KEY: 'k' },
      { 'claude-3-5-sonnet': { provider: 'anthropic', model: 'claude-3-5-sonnet-latest' }, 'claude-3-opus': null },
    );
    const names = groups.map((g) => g.name);
    expect(names).toContain('claude-sonnet-4');
    expect(names).not.toContain('claude-3-opus');
    expect(names).not.toContain('gemini-pro');
    expect(groups.find((g) => g.name === 'claude-3-5-sonnet')?.deployments).toEqual([{ provider: 'anthropic', model: 'claude-3-5-sonnet-latest' }]);
    expect(defaultConfig({ GEMINI_API_KEY: 'g' }, { modelAliases: { 'gemini-pro': null } }).models?.map((g) => g.name)).toEqual(['gemini-flash', 'gemini-flash-lite']);
  });
});

describe('the default preset serves undated names (openai SDK, strict Anthropic mock)', () => {
  let upstream: MockServer;
  let gw: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startMockAnthropic();
    gw = await startTestGateway(defaultConfig({ ANTHROPIC_API_KEY: mockAnthropicKey, ANTHROPIC_BASE_URL: upstream.url, SWITCHYARD_MASTER_KEY: 'k' }));
    client = new OpenAI({ apiKey: 'k', baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await gw.close(100);
    await upstream.close();
  });

  test("model='claude-3-5-sonnet' reaches Anthropic as its dated id", async () => {
    const done = await client.chat.completions.create({ model: 'claude-3-5-sonnet', messages: [{ role: 'user', content: 'hi' }] });
    expect(done.choices[0]?.message.content).toBeTruthy();
    const sent = upstream.requests.filter((r) => r.url.startsWith('/v1/messages')).at(-1);
    expect((sent?.json as { model: string }).model).toBe('claude-3-5-sonnet-20241022');
  });

  test('the names are listed in /v1/models and retrievable', async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(['claude-3-5-sonnet', 'claude-sonnet-4', 'anthropic/claude-3-5-sonnet-20241022']));
    expect(await client.models.retrieve('claude-3-5-sonnet')).toMatchObject({ id: 'claude-3-5-sonnet', owned_by: 'anthropic' });
  });
});

import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, test } from 'vitest';
import type { ChatRequest, Deployment } from 'switchyard';
import { toAnthropicRequest } from '../../../../plugins/providers/anthropic/request.ts';
import type { AnthropicSettings } from '../../../../plugins/providers/anthropic/types.ts';

const target: Deployment = { id: 'anthropic/claude', group: 'claude', provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' };
const settings: AnthropicSettings = { id: 'anthropic', defaultMaxTokens: 4096, apiKey: undefined };
const base = { model: 'claude', messages: [{ role: 'user', content: 'hi' }] } satisfies ChatRequest;
const build = (extra: Partial<ChatRequest>, t: Deployment = target) => toAnthropicRequest({ ...base, ...extra } as ChatRequest, t, settings);
const weather = { type: 'function', function: { name: 'get_weather', description: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } } as const;

describe('toAnthropicRequest: parameters', () => {
  test('model from the deployment, default max_tokens, nothing the client did not ask for', () => {
    expect(build({})).toEqual({ model: 'claude-3-5-sonnet-20241022', max_tokens: 4096, messages: [{ role: 'user', content: 'hi' }] });
  });

  test('max_completion_tokens wins over max_tokens; a deployment may set its own default', () => {
    expect(build({ max_tokens: 100 }).max_tokens).toBe(100);
    expect(build({ max_tokens: 100, max_completion_tokens: 50 }).max_tokens).toBe(50);
    expect(build({}, { ...target, options: { defaultMaxTokens: 1000 } }).max_tokens).toBe(1000);
  });

  test('stop → stop_sequences, user → metadata.user_id, temperature and top_p kept, stream flag', () => {
    expect(build({ stop: 'END', user: 'u-1', temperature: 0.2, top_p: 0.9, stream: true })).toMatchObject({
      stop_sequences: ['END'],
      metadata: { user_id: 'u-1' },
      temperature: 0.2,
      top_p: 0.9,
      stream: true,
    });
    expect(build({ stop: ['a', 'b'] }).stop_sequences).toEqual(['a', 'b']);
  });

  test('temperature above Anthropic range is a 400, not a clamp', () => {
    expect(() => build({ temperature: 1.5 })).toThrow(expect.objectContaining({ status: 400, extra: expect.objectContaining({ param: 'temperature' }) }));
  });

  test('reasoning_effort → thinking with a budget inside max_tokens', () => {
    expect(build({ reasoning_effort: 'low' })).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 2048 }, max_tokens: 2048 + 4096 });
    expect(build({ reasoning_effort: 'high', max_completion_tokens: 5000 })).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 4999 }, max_tokens: 5000 });
    expect(build({ reasoning_effort: 'none' }).thinking).toBeUndefined();
    expect(() => build({ reasoning_effort: 'low', max_tokens: 1000 })).toThrow(expect.objectContaining({ extra: expect.objectContaining({ param: 'max_tokens' }) }));
  });
});

describe('toAnthropicRequest: tools', () => {
  test('function tools → input_schema; no tool_choice sent for auto', () => {
    const out = build({ tools: [weather, { type: 'function', function: { name: 'now' } }] });
    expect(out.tools).toEqual([
      { name: 'get_weather', description: 'weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(out.tool_choice).toBeUndefined();
  });

  test.each([
    ['auto', { type: 'auto' }, false],
    ['none', { type: 'none' }, true],
    ['required', { type: 'any' }, true],
    [{ type: 'function', function: { name: 'get_weather' } }, { type: 'tool', name: 'get_weather' }, true],
  ] as const)('tool_choice %j → %j', (choice, expected, sent) => {
    const out = build({ tools: [weather], tool_choice: choice as ChatRequest['tool_choice'] });
    if (sent) expect(out.tool_choice).toEqual(expected);
    else expect(out.tool_choice).toBeUndefined();
  });

  test('parallel_tool_calls false → disable_parallel_tool_use', () => {
    expect(build({ tools: [weather], parallel_tool_calls: false }).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(build({ tools: [weather], tool_choice: 'required', parallel_tool_calls: false }).tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
  });

  test('tools whose parameters are not an object schema, custom tools, and tool_choice without tools are 400s', () => {
    expect(() => build({ tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'string' } } }] })).toThrow(
      expect.objectContaining({ extra: expect.objectContaining({ param: 'tools[0].function.parameters.type' }) }),
    );
    expect(() => build({ tools: [{ type: 'custom', custom: { name: 'c' } }] })).toThrow(/function tools/);
    expect(() => build({ tool_choice: 'required' })).toThrow(expect.objectContaining({ extra: expect.objectContaining({ param: 'tool_choice' }) }));
  });
});

describe('toAnthropicRequest: response_format via a forced tool', () => {
  test('json_object forces the json_response tool', () => {
    const out = build({ response_format: { type: 'json_object' } });
    expect(out.tools).toEqual([{ name: 'json_response', description: 'Respond with a JSON object.', input_schema: { type: 'object' } }]);
    expect(out.tool_choice).toEqual({ type: 'tool', name: 'json_response' });
  });

  test('json_schema uses the schema name; non-object schemas are wrapped under value', () => {
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
    const out = build({ response_format: { type: 'json_schema', json_schema: { name: 'person', schema } } });
    expect(out.tools?.[0]).toMatchObject({ name: 'person', input_schema: schema });
    expect(out.tool_choice).toEqual({ type: 'tool', name: 'person' });
    const list = build({ response_format: { type: 'json_schema', json_schema: { name: 'tags', schema: { type: 'array', items: { type: 'string' } } } } });
    expect((list.tools?.[0] as Tool | undefined)?.input_schema).toEqual({ type: 'object', properties: { value: { type: 'array', items: { type: 'string' } } }, required: ['value'] });
  });

  test('with user tools the model must call one of them or answer in JSON; with thinking the tool is not forced', () => {
    const out = build({ tools: [weather], response_format: { type: 'json_object' } });
    expect(out.tools?.map((t) => (t as Tool).name)).toEqual(['get_weather', 'json_response']);
    expect(out.tool_choice).toEqual({ type: 'any' });
    expect(build({ reasoning_effort: 'low', response_format: { type: 'json_object' } }).tool_choice).toEqual({ type: 'auto' });
  });

  test('response_format text is no change', () => {
    expect(build({ response_format: { type: 'text' } }).tools).toBeUndefined();
  });
});

import { describe, expect, test } from 'vitest';
import type { ChatRequest, Deployment } from 'switchyard';
import { toCohereRequest } from '../../../../plugins/providers/cohere/request.ts';

const target: Deployment = { id: 'cohere/command-a-03-2025', group: 'g', provider: 'cohere', model: 'command-a-03-2025' };
const base: ChatRequest = { model: 'alias', messages: [{ role: 'user', content: 'hi' }] };
const req = (extra: Partial<ChatRequest>): ChatRequest => ({ ...base, ...extra });
const fails = (extra: Partial<ChatRequest>, param: string) =>
  expect(() => toCohereRequest(req(extra), target)).toThrow(expect.objectContaining({ status: 400, extra: expect.objectContaining({ param }) }));

describe('toCohereRequest', () => {
  test('the deployment names the model; nothing unasked is added', () => {
    expect(toCohereRequest(base, target)).toEqual({ model: 'command-a-03-2025', messages: [{ role: 'user', content: 'hi' }] });
  });

  test('renames and nulls: top_p → p, stop string → list, max_completion_tokens wins, null means unset', () => {
    const out = toCohereRequest(
      req({ temperature: 0, top_p: 0.5, seed: 3, presence_penalty: 0.4, frequency_penalty: null, stop: 'x', max_tokens: 9, max_completion_tokens: 5, stream: true }),
      target,
    );
    expect(out).toMatchObject({ temperature: 0, p: 0.5, seed: 3, presence_penalty: 0.4, stop_sequences: ['x'], max_tokens: 5, stream: true });
    expect(out).not.toHaveProperty('frequency_penalty');
    expect(toCohereRequest(req({ stop: ['a', 'b'], max_tokens: 9 }), target)).toMatchObject({ stop_sequences: ['a', 'b'], max_tokens: 9 });
  });

  test("penalties outside Cohere's documented ranges are a 400 naming the OpenAI param", () => {
    fails({ presence_penalty: -0.5 }, 'presence_penalty');
    fails({ frequency_penalty: 1.5 }, 'frequency_penalty');
  });

  test("top_p: 1 (OpenAI's default) is left out like an unset top_p; other bounds clamp into Cohere's 0.01–0.99", () => {
    expect(toCohereRequest(req({ top_p: 1 }), target)).not.toHaveProperty('p');
    expect(toCohereRequest(req({ top_p: 0.995 }), target)).toMatchObject({ p: 0.99 });
    expect(toCohereRequest(req({ top_p: 0 }), target)).toMatchObject({ p: 0.01 });
    expect(toCohereRequest(req({ top_p: 0.005 }), target)).toMatchObject({ p: 0.01 });
    expect(toCohereRequest(req({ top_p: 0.01 }), target)).toMatchObject({ p: 0.01 });
    expect(toCohereRequest(req({ top_p: 0.99 }), target)).toMatchObject({ p: 0.99 });
    fails({ top_p: 1.5 }, 'top_p');
    fails({ top_p: -0.1 }, 'top_p');
  });

  test('tools: parameters default to an empty object schema; all strict → strict_tools', () => {
    const out = toCohereRequest(
      req({
        tools: [
          { type: 'function', function: { name: 'a', description: 'A', parameters: { type: 'object', properties: { x: { type: 'string' } } }, strict: true } },
          { type: 'function', function: { name: 'b', strict: true } },
        ],
      }),
      target,
    );
    expect(out.tools).toEqual([
      { type: 'function', function: { name: 'a', description: 'A', parameters: { type: 'object', properties: { x: { type: 'string' } } } } },
      { type: 'function', function: { name: 'b', parameters: { type: 'object', properties: {} } } },
    ]);
    expect(out.strict_tools).toBe(true);
    expect(out).not.toHaveProperty('tool_choice');
  });

  test('tool_choice: auto → unset, none → NONE, required → REQUIRED, named → that tool only + REQUIRED', () => {
    const tools: ChatRequest['tools'] = [
      { type: 'function', function: { name: 'a' } },
      { type: 'function', function: { name: 'b' } },
    ];
    expect(toCohereRequest(req({ tools, tool_choice: 'auto' }), target)).not.toHaveProperty('tool_choice');
    expect(toCohereRequest(req({ tools, tool_choice: 'none' }), target).tool_choice).toBe('NONE');
    expect(toCohereRequest(req({ tools, tool_choice: 'required' }), target).tool_choice).toBe('REQUIRED');
    const named = toCohereRequest(req({ tools, tool_choice: { type: 'function', function: { name: 'b' } } }), target);
    expect(named.tool_choice).toBe('REQUIRED');
    expect(named.tools?.map((t) => t.function?.name)).toEqual(['b']);
    fails({ tools, tool_choice: { type: 'function', function: { name: 'zzz' } } }, 'tool_choice');
    fails({ tool_choice: 'required' }, 'tool_choice');
    expect(toCohereRequest(req({ tool_choice: 'none' }), target)).not.toHaveProperty('tool_choice');
    fails({ tools: [{ type: 'custom', custom: { name: 'c' } }] }, 'tools[0].type');
  });

  test('response_format: text → unset, json_object, json_schema → json_object with the schema', () => {
    expect(toCohereRequest(req({ response_format: { type: 'text' } }), target)).not.toHaveProperty('response_format');
    expect(toCohereRequest(req({ response_format: { type: 'json_object' } }), target).response_format).toEqual({ type: 'json_object' });
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    expect(toCohereRequest(req({ response_format: { type: 'json_schema', json_schema: { name: 'n', schema } } }), target).response_format).toEqual({
      type: 'json_object',
      json_schema: schema,
    });
  });
});

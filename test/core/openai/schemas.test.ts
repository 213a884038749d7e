import { describe, expect, test } from 'vitest';
import { GatewayError } from 'switchyard';
import { validateRequest } from '../../../core/openai/schemas.ts';

function rejection(op: 'chat' | 'completions' | 'embeddings', body: unknown): { param: string | null; message: string } {
  try {
    validateRequest(op, body);
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    expect(err.status).toBe(400);
    const e = err.toBody().error;
    return { param: e.param, message: e.message };
  }
  throw new Error('expected a rejection');
}

const user = [{ role: 'user', content: 'hi' }];

describe('request validation names the field', () => {
  test.each([
    [{ messages: user }, 'model', /'model' is required/],
    [{ model: 'm' }, 'messages', /'messages' is required/],
    [{ model: 'm', messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role', /must be one of .*"user"/],
    [{ model: 'm', messages: user, temperature: 'hot' }, 'temperature', /number/],
    [{ model: 'm', messages: user, temperature: 3 }, 'temperature', /<= 2/],
    [{ model: 'm', messages: user, n: 0 }, 'n', />= 1/],
    [{ model: 'm', messages: user, stream: 'yes' }, 'stream', /boolean/],
    [{ model: 'm', messages: user, tools: [{ type: 'function', function: { name: 'has space' } }] }, 'tools[0].function.name', /pattern/],
  ])('chat %#', (body, param, message) => {
    const r = rejection('chat', body);
    expect(r.param).toBe(param);
    expect(r.message).toMatch(message);
  });

  test('a bad role lists every accepted role, whatever else the message lacks', () => {
    const all = `must be one of "system", "developer", "user", "assistant", "tool", "function"`;
    for (const message of [{ role: 'robot', content: 'x' }, { role: 'robot' }, { role: 'Tool', content: 'x' }]) {
      const r = rejection('chat', { model: 'm', messages: [...user, message] });
      expect(r).toMatchObject({ param: 'messages[1].role', message: `'messages[1].role' ${all}` });
    }
  });

  test('not an object', () => {
    expect(rejection('chat', [1, 2]).message).toMatch(/JSON object/);
  });

  test('accepts what SDKs send, nulls included', () => {
    const body = {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      ],
      temperature: null,
      max_tokens: null,
      stream: false,
      stream_options: null,
      response_format: { type: 'json_schema', json_schema: { name: 's', schema: { type: 'object' } } },
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
    };
    expect(validateRequest('chat', body)).toBe(body);
  });

  test('embeddings and completions', () => {
    expect(rejection('embeddings', { model: 'e' }).param).toBe('input');
    expect(validateRequest('embeddings', { model: 'e', input: ['a', 'b'], dimensions: 8 })).toBeTruthy();
    expect(rejection('completions', { model: 'c' }).param).toBe('prompt');
  });
});

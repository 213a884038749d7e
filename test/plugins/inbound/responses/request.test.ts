import { describe, expect, test } from 'vitest';
import { GatewayError } from 'switchyard';
import { validateRequest } from '../../../../core/openai/schemas.ts';
import { previousResponseIdOf, responsesToChat, type ConversationItem } from '../../../../plugins/inbound/responses/index.ts';
import { counterIds } from './helpers.ts';

const base = { model: 'claude-sonnet-4' };
const translate = (body: Record<string, unknown>, history?: ConversationItem[]) => responsesToChat({ ...base, ...body }, history, counterIds());

/** The 400 a body gets: its param and code. */
function refusal(body: unknown): { status: number; type: string; param: string | undefined; code: string | undefined } {
  try {
    responsesToChat(body, [], counterIds());
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    const e = err as GatewayError;
    return { status: e.status, type: e.type, param: e.extra.param, code: e.extra.code };
  }
  throw new Error('expected a 400');
}

describe('input', () => {
  test('a string is one user message; the echo has the defaults a Response shows', () => {
    const out = translate({ input: 'Hi' });
    expect(out.chat).toEqual({ model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'Hi' }] });
    expect(out.inputItems).toEqual([{ id: 'msg_1', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'Hi' }] }]);
    expect(out.echo).toEqual({
      model: 'claude-sonnet-4',
      instructions: null,
      tools: [],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      temperature: null,
      top_p: null,
      max_output_tokens: null,
      text: { format: { type: 'text' } },
      reasoning: { effort: null, summary: null },
      metadata: {},
      store: true,
      previous_response_id: null,
      truncation: 'disabled',
      background: false,
    });
  });

  test('instructions → a leading system message', () => {
    expect(translate({ instructions: 'Be brief.', input: 'Hi' }).chat.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
  });

  test('message items of every role and part type', () => {
    const out = translate({
      input: [
        { role: 'system', content: 'sys' },
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'dev 1' }, { type: 'input_text', text: 'dev 2' }] },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'look' },
            { type: 'input_image', image_url: 'https://x/cat.png', detail: 'high' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'auto' },
            { type: 'input_file', file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' },
          ],
        },
        { type: 'message', role: 'assistant', id: 'msg_old', status: 'completed', content: [{ type: 'output_text', text: 'It is ', annotations: [] }, { type: 'output_text', text: 'a cat.', annotations: [] }] },
        { role: 'assistant', content: 'plain' },
        { role: 'user', content: [{ type: 'input_text', text: 'thanks' }] },
      ],
    });
    expect(out.chat.messages).toEqual([
      { role: 'system', content: 'sys' },
      { role: 'system', content: [{ type: 'text', text: 'dev 1' }, { type: 'text', text: 'dev 2' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'https://x/cat.png', detail: 'high' } },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' } },
        ],
      },
      { role: 'assistant', content: 'It is a cat.' },
      { role: 'assistant', content: 'plain' },
      { role: 'user', content: 'thanks' },
    ]);
    expect(out.inputItems.map((i) => i.id)).toEqual(['msg_1', 'msg_2', 'msg_3', 'msg_old', 'msg_4', 'msg_5']);
    expect(out.inputItems[4]).toEqual({ id: 'msg_4', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'plain', annotations: [] }] });
    expect(validateRequest('chat', out.chat)).toBe(out.chat);
  });

  test('consecutive function calls → one assistant message with several tool calls, joined to the text before them; outputs → tool messages', () => {
    const out = translate({
      input: [
        { role: 'user', content: 'weather in Paris and Rome?' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
        { type: 'function_call', call_id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', id: 'fc_given', call_id: 'call_b', name: 'weather', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'call_a', output: '18C' },
        { type: 'function_call_output', call_id: 'call_b', output: [{ type: 'input_text', text: '21' }, { type: 'input_text', text: 'C' }] },
        { type: 'function_call', call_id: 'call_c', name: 'now', arguments: '' },
        { type: 'function_call_output', call_id: 'call_c', output: '' },
      ],
    });
    expect(out.chat.messages).toEqual([
      { role: 'user', content: 'weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '18C' },
      { role: 'tool', tool_call_id: 'call_b', content: [{ type: 'text', text: '21' }, { type: 'text', text: 'C' }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_c', type: 'function', function: { name: 'now', arguments: '' } }] },
      { role: 'tool', tool_call_id: 'call_c', content: '' },
    ]);
    expect(out.inputItems.slice(2, 5)).toEqual([
      { id: 'fc_3', type: 'function_call', status: 'completed', call_id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}' },
      { id: 'fc_given', type: 'function_call', status: 'completed', call_id: 'call_b', name: 'weather', arguments: '{"city":"Rome"}' },
      { id: 'fco_4', type: 'function_call_output', status: 'completed', call_id: 'call_a', output: '18C' },
    ]);
    expect(validateRequest('chat', out.chat)).toBe(out.chat);
  });

  test('reasoning items replayed from an OpenAI response are dropped', () => {
    const out = translate({ input: [{ type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'xyz' }, { role: 'user', content: 'go on' }] });
    expect(out.chat.messages).toEqual([{ role: 'user', content: 'go on' }]);
    expect(out.inputItems).toHaveLength(1);
  });

  test('history (previous_response_id) follows the instructions and precedes the input', () => {
    const history: ConversationItem[] = [
      { id: 'msg_a', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'weather?' }] },
      { id: 'fc_a', type: 'function_call', status: 'completed', call_id: 'call_1', name: 'weather', arguments: '{}' },
    ];
    const out = translate({ instructions: 'new rules', previous_response_id: 'resp_prev', input: [{ type: 'function_call_output', call_id: 'call_1', output: 'sunny' }] }, history);
    expect(out.chat.messages).toEqual([
      { role: 'system', content: 'new rules' },
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
    ]);
    // Only this request's input is listed and stored as new.
    expect(out.inputItems).toEqual([{ id: 'fco_1', type: 'function_call_output', status: 'completed', call_id: 'call_1', output: 'sunny' }]);
    expect(out.echo.previous_response_id).toBe('resp_prev');
  });
});

describe('settings', () => {
  const weather = { type: 'function', name: 'weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true };
  const now = { type: 'function', name: 'now' };

  test('function tools, tool_choice and parallel_tool_calls', () => {
    const out = translate({ input: 'x', tools: [weather, now], tool_choice: { type: 'function', name: 'weather' }, parallel_tool_calls: false });
    expect(out.chat.tools).toEqual([
      { type: 'function', function: { name: 'weather', description: 'Weather now', parameters: weather.parameters, strict: true } },
      { type: 'function', function: { name: 'now' } },
    ]);
    expect(out.chat.tool_choice).toEqual({ type: 'function', function: { name: 'weather' } });
    expect(out.chat.parallel_tool_calls).toBe(false);
    expect(out.echo.tools).toEqual([
      { type: 'function', name: 'weather', description: 'Weather now', parameters: weather.parameters, strict: true },
      { type: 'function', name: 'now', description: null, parameters: null, strict: null },
    ]);
    expect(out.echo.tool_choice).toEqual({ type: 'function', name: 'weather' });
    expect(out.echo.parallel_tool_calls).toBe(false);
    expect(validateRequest('chat', out.chat)).toBe(out.chat);
  });

  test.each(['none', 'auto', 'required'] as const)('tool_choice %s is kept', (mode) => {
    expect(translate({ input: 'x', tools: [now], tool_choice: mode }).chat.tool_choice).toBe(mode);
  });

  test('allowed_tools: only the allowed tools are sent, with its mode', () => {
    const out = translate({ input: 'x', tools: [weather, now], tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'now' }] } });
    expect(out.chat.tools).toEqual([{ type: 'function', function: { name: 'now' } }]);
    expect(out.chat.tool_choice).toBe('required');
    expect(out.echo.tool_choice).toEqual({ type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'now' }] });
  });

  test('without tools, tool_choice auto/none and parallel_tool_calls are left out', () => {
    const out = translate({ input: 'x', tools: [], tool_choice: 'none', parallel_tool_calls: true });
    expect(out.chat).toEqual({ model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'x' }] });
    expect(out.echo.tool_choice).toBe('none');
  });

  test('sampling, limits, format, reasoning, end user and streaming', () => {
    const out = translate({
      input: 'x',
      temperature: 0.2,
      top_p: 0.9,
      max_output_tokens: 500,
      reasoning: { effort: 'high', summary: 'auto' },
      metadata: { team: 'search' },
      user: 'u-1',
      stream: true,
      store: false,
      text: { format: { type: 'json_object' }, verbosity: 'low' },
    });
    expect(out.chat).toEqual({
      model: 'claude-sonnet-4',
      messages: [{ role: 'user', content: 'x' }],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 500,
      response_format: { type: 'json_object' },
      reasoning_effort: 'high',
      user: 'u-1',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(out.echo).toMatchObject({ temperature: 0.2, top_p: 0.9, max_output_tokens: 500, reasoning: { effort: 'high', summary: 'auto' }, metadata: { team: 'search' }, user: 'u-1', store: false, text: { format: { type: 'json_object' } } });
  });

  test('text.format json_schema → response_format json_schema; text → left out', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
    const out = translate({ input: 'x', text: { format: { type: 'json_schema', name: 'answer', schema, strict: true, description: 'An answer' } } });
    expect(out.chat.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'answer', schema, strict: true, description: 'An answer' } });
    expect(out.echo.text).toEqual({ format: { type: 'json_schema', name: 'answer', schema, strict: true, description: 'An answer' } });
    expect(validateRequest('chat', out.chat)).toBe(out.chat);
    expect(translate({ input: 'x', text: { format: { type: 'text' } } }).chat.response_format).toBeUndefined();
  });

  test('safety_identifier → user (it wins over user); both are echoed', () => {
    const out = translate({ input: 'x', user: 'old', safety_identifier: 'hashed-1' });
    expect(out.chat.user).toBe('hashed-1');
    expect(out.echo).toMatchObject({ user: 'old', safety_identifier: 'hashed-1' });
  });

  test('nulls count as absent, as the SDKs send them', () => {
    const out = translate({ input: 'x', instructions: null, temperature: null, tools: null, tool_choice: null, text: null, reasoning: null, metadata: null, background: null, conversation: null, prompt: null, previous_response_id: null });
    expect(out.chat).toEqual({ model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'x' }] });
  });

  test('previousResponseIdOf reads and checks the id', () => {
    expect(previousResponseIdOf({ previous_response_id: 'resp_1' })).toBe('resp_1');
    expect(previousResponseIdOf({})).toBeUndefined();
    expect(() => previousResponseIdOf({ previous_response_id: 7 })).toThrow(GatewayError);
  });
});

describe('400s name the parameter', () => {
  const ok = { model: 'm', input: 'x' };
  test.each([
    ['a body that is not an object', 'nope', 'body', 'invalid_value'],
    ['no model', { input: 'x' }, 'model', 'invalid_value'],
    ['an empty model', { model: '', input: 'x' }, 'model', 'invalid_value'],
    ['no input at all', { model: 'm' }, 'input', 'invalid_value'],
    ['input of the wrong type', { model: 'm', input: 5 }, 'input', 'invalid_value'],
    ['an item that is not an object', { model: 'm', input: ['x'] }, 'input[0]', 'invalid_value'],
    ['an unknown role', { model: 'm', input: [{ role: 'tool', content: 'x' }] }, 'input[0].role', 'invalid_value'],
    ['a computer call output item', { model: 'm', input: [{ type: 'computer_call_output', call_id: 'c', output: {} }] }, 'input[0].type', 'unsupported_parameter'],
    ['an item reference', { model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type', 'unsupported_parameter'],
    ['an audio part', { model: 'm', input: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }, 'input[0].content[0].type', 'unsupported_parameter'],
    ['an image in a system message', { model: 'm', input: [{ role: 'system', content: [{ type: 'input_image', image_url: 'u' }] }] }, 'input[0].content[0].type', 'invalid_value'],
    ['output_text in a user message', { model: 'm', input: [{ role: 'user', content: [{ type: 'output_text', text: 'x' }] }] }, 'input[0].content[0].type', 'invalid_value'],
    ['an image in an assistant message', { model: 'm', input: [{ role: 'assistant', content: [{ type: 'input_image', image_url: 'u' }] }] }, 'input[0].content[0].type', 'invalid_value'],
    ['an image by file_id', { model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] }] }, 'input[0].content[0].file_id', 'unsupported_parameter'],
    ['an image without url', { model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', detail: 'auto' }] }] }, 'input[0].content[0].image_url', 'invalid_value'],
    ['a file by file_id', { model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] }] }, 'input[0].content[0].file_id', 'unsupported_parameter'],
    ['a file by url', { model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', file_url: 'https://x/a.pdf' }] }] }, 'input[0].content[0].file_url', 'unsupported_parameter'],
    ['a text part without text', { model: 'm', input: [{ role: 'user', content: [{ type: 'input_text' }] }] }, 'input[0].content[0].text', 'invalid_value'],
    ['a function call without call_id', { model: 'm', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id', 'invalid_value'],
    ['a function call without arguments', { model: 'm', input: [{ type: 'function_call', call_id: 'c', name: 'f' }] }, 'input[0].arguments', 'invalid_value'],
    ['a function call output without output', { model: 'm', input: [{ type: 'function_call_output', call_id: 'c' }] }, 'input[0].output', 'invalid_value'],
    ['an image in a function call output', { model: 'm', input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image', image_url: 'u' }] }] }, 'input[0].output[0].type', 'unsupported_parameter'],
    ['the web_search tool', { ...ok, tools: [{ type: 'web_search' }] }, 'tools[0].type', 'unsupported_parameter'],
    ['the file_search tool', { ...ok, tools: [{ type: 'function', name: 'f' }, { type: 'file_search', vector_store_ids: [] }] }, 'tools[1].type', 'unsupported_parameter'],
    ['the code_interpreter tool', { ...ok, tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] }, 'tools[0].type', 'unsupported_parameter'],
    ['an mcp tool', { ...ok, tools: [{ type: 'mcp', server_label: 's' }] }, 'tools[0].type', 'unsupported_parameter'],
    ['computer use', { ...ok, tools: [{ type: 'computer_use_preview' }] }, 'tools[0].type', 'unsupported_parameter'],
    ['image generation', { ...ok, tools: [{ type: 'image_generation' }] }, 'tools[0].type', 'unsupported_parameter'],
    ['a function tool without name', { ...ok, tools: [{ type: 'function' }] }, 'tools[0].name', 'invalid_value'],
    ['tool parameters that are not an object', { ...ok, tools: [{ type: 'function', name: 'f', parameters: 'x' }] }, 'tools[0].parameters', 'invalid_value'],
    ['a built-in tool_choice', { ...ok, tools: [{ type: 'function', name: 'f' }], tool_choice: { type: 'web_search_preview' } }, 'tool_choice', 'unsupported_parameter'],
    ['an unknown tool_choice mode', { ...ok, tools: [{ type: 'function', name: 'f' }], tool_choice: 'any' }, 'tool_choice', 'invalid_value'],
    ['tool_choice required without tools', { ...ok, tool_choice: 'required' }, 'tool_choice', 'invalid_value'],
    ['tool_choice naming a tool not given', { ...ok, tools: [{ type: 'function', name: 'f' }], tool_choice: { type: 'function', name: 'g' } }, 'tool_choice.name', 'invalid_value'],
    ['parallel_tool_calls not a boolean', { ...ok, parallel_tool_calls: 'yes' }, 'parallel_tool_calls', 'invalid_value'],
    ['background mode', { ...ok, background: true }, 'background', 'unsupported_parameter'],
    ['a conversation', { ...ok, conversation: 'conv_1' }, 'conversation', 'unsupported_parameter'],
    ['a stored prompt', { ...ok, prompt: { id: 'pmpt_1' } }, 'prompt', 'unsupported_parameter'],
    ['temperature out of range', { ...ok, temperature: 3 }, 'temperature', 'invalid_value'],
    ['top_p out of range', { ...ok, top_p: 1.5 }, 'top_p', 'invalid_value'],
    ['max_output_tokens below 1', { ...ok, max_output_tokens: 0 }, 'max_output_tokens', 'invalid_value'],
    ['max_output_tokens not an integer', { ...ok, max_output_tokens: 1.5 }, 'max_output_tokens', 'invalid_value'],
    ['an unknown text format', { ...ok, text: { format: { type: 'grammar' } } }, 'text.format.type', 'invalid_value'],
    ['a json_schema format without name', { ...ok, text: { format: { type: 'json_schema', schema: {} } } }, 'text.format.name', 'invalid_value'],
    ['a json_schema format without schema', { ...ok, text: { format: { type: 'json_schema', name: 'n' } } }, 'text.format.schema', 'invalid_value'],
    ['an unknown reasoning effort', { ...ok, reasoning: { effort: 'extreme' } }, 'reasoning.effort', 'invalid_value'],
    ['metadata with a number', { ...ok, metadata: { n: 1 } }, 'metadata.n', 'invalid_value'],
    ['metadata with 17 keys', { ...ok, metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }, 'metadata', 'invalid_value'],
    ['stream not a boolean', { ...ok, stream: 'true' }, 'stream', 'invalid_value'],
    ['store not a boolean', { ...ok, store: 1 }, 'store', 'invalid_value'],
    ['user not a string', { ...ok, user: 5 }, 'user', 'invalid_value'],
    ['previous_response_id not a string', { ...ok, previous_response_id: 5 }, 'previous_response_id', 'invalid_value'],
  ])('%s', (_name, body, param, code) => {
    expect(refusal(body)).toEqual({ status: 400, type: 'invalid_request_error', param, code });
  });
});

import { describe, expect, test } from 'vitest';
import type { ChatRequest } from 'switchyard';
import { validateRequest } from '../../../../core/openai/schemas.ts';
import { messagesToChat } from '../../../../plugins/inbound/messages/request.ts';

const base = { model: 'claude-sonnet-4-5', max_tokens: 1024 };
const user = (content: unknown) => ({ ...base, messages: [{ role: 'user', content }] });

describe('messagesToChat: the minimal request', () => {
  test('model, max_tokens and a string turn map one to one; nothing else is added', () => {
    expect(messagesToChat(user('Hello'))).toEqual({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }] });
  });

  test('the body is not modified', () => {
    const body = { ...base, system: [{ type: 'text', text: 'S', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] };
    const copy = structuredClone(body);
    messagesToChat(body);
    expect(body).toEqual(copy);
  });
});

describe('messagesToChat: system', () => {
  test('a string → a leading system message', () => {
    expect(messagesToChat({ ...user('Hi'), system: 'Be brief.' }).messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
  });

  test('text blocks → one system message, joined by a blank line, cache_control dropped', () => {
    const body = {
      ...user('Hi'),
      system: [
        { type: 'text', text: 'You are a coding agent.' },
        { type: 'text', text: 'Project rules.', cache_control: { type: 'ephemeral', ttl: '1h' } },
      ],
    };
    expect(messagesToChat(body).messages[0]).toEqual({ role: 'system', content: 'You are a coding agent.\n\nProject rules.' });
  });

  test('an empty system (string or no blocks) adds no message', () => {
    expect(messagesToChat({ ...user('Hi'), system: '' }).messages).toEqual([{ role: 'user', content: 'Hi' }]);
    expect(messagesToChat({ ...user('Hi'), system: [] }).messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  test('a system turn inside messages (newer SDKs allow it) stays in place', () => {
    const body = { ...base, messages: [{ role: 'user', content: 'a' }, { role: 'system', content: [{ type: 'text', text: 'mid' }] }, { role: 'user', content: 'b' }] };
    expect(messagesToChat(body).messages).toEqual([
      { role: 'user', content: 'a' },
      { role: 'system', content: 'mid' },
      { role: 'user', content: 'b' },
    ]);
  });
});

describe('messagesToChat: user content blocks', () => {
  test('text blocks → text parts (cache_control dropped)', () => {
    expect(messagesToChat(user([{ type: 'text', text: 'one' }, { type: 'text', text: 'two', cache_control: { type: 'ephemeral' } }])).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] },
    ]);
  });

  test('a base64 image → a data URL, a url image → the url', () => {
    const out = messagesToChat(
      user([
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        { type: 'text', text: 'What are these?' },
      ]),
    );
    expect(out.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          { type: 'text', text: 'What are these?' },
        ],
      },
    ]);
  });

  test('documents: plain text → text, base64 PDF → a file part, content source → its blocks', () => {
    const out = messagesToChat(
      user([
        { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words' } },
        { type: 'document', title: 'report.pdf', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
        { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi1=' } },
        { type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'chunk' }] } },
        { type: 'document', source: { type: 'content', content: 'whole' } },
      ]),
    );
    expect(out.messages[0]?.content).toEqual([
      { type: 'text', text: 'plain words' },
      { type: 'file', file: { filename: 'report.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
      { type: 'file', file: { filename: 'document.pdf', file_data: 'data:application/pdf;base64,JVBERi1=' } },
      { type: 'text', text: 'chunk' },
      { type: 'text', text: 'whole' },
    ]);
  });

  test('thinking blocks are dropped wherever they appear', () => {
    const out = messagesToChat(user([{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'redacted_thinking', data: 'x' }, { type: 'text', text: 'hi' }]));
    expect(out.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
  });
});

describe('messagesToChat: tools in history', () => {
  const history = {
    ...base,
    messages: [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'two lookups', signature: 'sig' },
          { type: 'text', text: 'Checking ' },
          { type: 'text', text: 'both.' },
          { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_01B', name: 'get_weather', input: { city: 'Rome', unit: 'c', nested: { a: [1, 'ü'] } } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Also, thanks.' },
          { type: 'tool_result', tool_use_id: 'toolu_01A', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'toolu_01B', content: [{ type: 'text', text: 'rain' }, { type: 'text', text: '12°C' }] },
        ],
      },
    ],
  };

  test('assistant tool_use → tool_calls with the same ids and JSON arguments; text joined; thinking dropped', () => {
    expect(messagesToChat(history).messages[1]).toEqual({
      role: 'assistant',
      content: 'Checking both.',
      tool_calls: [
        { id: 'toolu_01A', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'toolu_01B', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome","unit":"c","nested":{"a":[1,"ü"]}}' } },
      ],
    });
  });

  test('tool results → tool messages in order, before the user text of the same turn', () => {
    expect(messagesToChat(history).messages.slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'toolu_01A', content: '18°C' },
      { role: 'tool', tool_call_id: 'toolu_01B', content: 'rain\n\n12°C' },
      { role: 'user', content: [{ type: 'text', text: 'Also, thanks.' }] },
    ]);
  });

  test('a turn of tool results only adds no user message; empty content is an empty result', () => {
    const out = messagesToChat({
      ...base,
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'noop', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1' }] },
      ],
    });
    expect(out.messages).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'noop', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 't1', content: '' },
    ]);
  });

  test('is_error is said in the tool message text', () => {
    const out = messagesToChat(user([{ type: 'tool_result', tool_use_id: 't1', is_error: true, content: 'file not found' }]));
    expect(out.messages).toEqual([{ role: 'tool', tool_call_id: 't1', content: 'Error: file not found' }]);
  });

  test('an image inside a tool result moves to the user message after the tool messages, ahead of the turn text', () => {
    const out = messagesToChat(
      user([
        { type: 'text', text: 'Describe it.' },
        {
          type: 'tool_result',
          tool_use_id: 't1',
          content: [
            { type: 'text', text: 'screenshot taken' },
            { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/' } },
          ],
        },
      ]),
    );
    expect(out.messages).toEqual([
      { role: 'tool', tool_call_id: 't1', content: 'screenshot taken' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/' } },
          { type: 'text', text: 'Describe it.' },
        ],
      },
    ]);
  });

  test('an assistant string turn and a text-only assistant turn → string content', () => {
    const out = messagesToChat({
      ...base,
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'c' },
        { role: 'assistant', content: [{ type: 'text', text: 'prefill' }] },
      ],
    });
    expect(out.messages.slice(1)).toEqual([
      { role: 'assistant', content: 'b' },
      { role: 'user', content: 'c' },
      { role: 'assistant', content: 'prefill' },
    ]);
  });
});

describe('messagesToChat: options', () => {
  const tool = { name: 'get_weather', description: 'Current weather', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

  test('tools → function tools (input_schema as parameters; description and strict kept; cache_control dropped)', () => {
    const out = messagesToChat({ ...user('x'), tools: [tool, { name: 'noop', input_schema: { type: 'object' }, strict: true, cache_control: { type: 'ephemeral' }, type: 'custom' }] });
    expect(out.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Current weather', parameters: tool.input_schema } },
      { type: 'function', function: { name: 'noop', parameters: { type: 'object' }, strict: true } },
    ]);
  });

  test.each([
    [{ type: 'auto' }, { tool_choice: 'auto' }],
    [{ type: 'any' }, { tool_choice: 'required' }],
    [{ type: 'tool', name: 'get_weather' }, { tool_choice: { type: 'function', function: { name: 'get_weather' } } }],
    [{ type: 'none' }, { tool_choice: 'none' }],
    [{ type: 'auto', disable_parallel_tool_use: true }, { tool_choice: 'auto', parallel_tool_calls: false }],
    [{ type: 'any', disable_parallel_tool_use: true }, { tool_choice: 'required', parallel_tool_calls: false }],
    [{ type: 'tool', name: 'get_weather', disable_parallel_tool_use: true }, { tool_choice: { type: 'function', function: { name: 'get_weather' } }, parallel_tool_calls: false }],
    [{ type: 'auto', disable_parallel_tool_use: false }, { tool_choice: 'auto' }],
  ])('tool_choice %j → %j', (choice, expected) => {
    const out = messagesToChat({ ...user('x'), tools: [tool], tool_choice: choice });
    expect({ tool_choice: out.tool_choice, parallel_tool_calls: out.parallel_tool_calls }).toEqual({ parallel_tool_calls: undefined, ...expected });
  });

  test('without tools, tool_choice auto/none and an empty tools list are left out', () => {
    expect(messagesToChat({ ...user('x'), tools: [], tool_choice: { type: 'auto' } })).toEqual(messagesToChat(user('x')));
    expect(messagesToChat({ ...user('x'), tool_choice: { type: 'none' } })).toEqual(messagesToChat(user('x')));
  });

  test('sampling, stop sequences and metadata.user_id; top_k and thinking dropped', () => {
    const out = messagesToChat({
      ...user('x'),
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['\n\nHuman:', 'END'],
      metadata: { user_id: 'user-42' },
      thinking: { type: 'enabled', budget_tokens: 2048 },
      service_tier: 'auto',
    });
    expect(out).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'x' }],
      temperature: 0.3,
      top_p: 0.9,
      stop: ['\n\nHuman:', 'END'],
      user: 'user-42',
    } satisfies ChatRequest);
  });

  test('stream: true asks for usage in the stream; stream: false adds nothing', () => {
    expect(messagesToChat({ ...user('x'), stream: true })).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(messagesToChat({ ...user('x'), stream: false })).toEqual(messagesToChat(user('x')));
  });

  test('output_config.format → response_format json_schema; effort dropped', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(messagesToChat({ ...user('x'), output_config: { format: { type: 'json_schema', schema }, effort: 'high' } }).response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'output', schema },
    });
  });

  test('null optional fields count as absent', () => {
    expect(messagesToChat({ ...user('x'), temperature: null, top_p: null, top_k: null, stop_sequences: null, metadata: { user_id: null }, tools: null, tool_choice: null })).toEqual(
      messagesToChat(user('x')),
    );
  });
});

describe('messagesToChat: 400 naming the field', () => {
  test.each([
    ['no model', { max_tokens: 1, messages: [] }, 'model'],
    ['model not a string', { ...base, model: 7, messages: [] }, 'model'],
    ['empty model', { ...base, model: '', messages: [] }, 'model'],
    ['no max_tokens', { model: 'm', messages: [{ role: 'user', content: 'x' }] }, 'max_tokens'],
    ['max_tokens null', { ...user('x'), max_tokens: null }, 'max_tokens'],
    ['max_tokens zero', { ...user('x'), max_tokens: 0 }, 'max_tokens'],
    ['max_tokens fractional', { ...user('x'), max_tokens: 1.5 }, 'max_tokens'],
    ['max_tokens a string', { ...user('x'), max_tokens: '100' }, 'max_tokens'],
    ['no messages', { ...base }, 'messages'],
    ['messages not an array', { ...base, messages: {} }, 'messages'],
    ['empty messages', { ...base, messages: [] }, 'messages'],
    ['message not an object', { ...base, messages: ['hi'] }, 'messages[0]'],
    ['unknown role', { ...base, messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].role'],
    ['no content', { ...base, messages: [{ role: 'user' }] }, 'messages[0].content'],
    ['content a number', { ...base, messages: [{ role: 'user', content: 5 }] }, 'messages[0].content'],
    ['block without type', user([{ text: 'x' }]), 'messages[0].content[0].type'],
    ['text block without text', user([{ type: 'text' }]), 'messages[0].content[0].text'],
    ['unknown block type', user([{ type: 'search_result', source: 's', title: 't', content: [] }]), 'messages[0].content[0].type'],
    ['server tool block', { ...base, messages: [{ role: 'assistant', content: [{ type: 'server_tool_use', id: 's', name: 'web_search', input: {} }] }] }, 'messages[0].content[0].type'],
    ['image without source', user([{ type: 'image' }]), 'messages[0].content[0].source'],
    ['image file source', user([{ type: 'image', source: { type: 'file', file_id: 'file_1' } }]), 'messages[0].content[0].source.type'],
    ['image base64 without media_type', user([{ type: 'image', source: { type: 'base64', data: 'x' } }]), 'messages[0].content[0].source.media_type'],
    ['image url without url', user([{ type: 'image', source: { type: 'url' } }]), 'messages[0].content[0].source.url'],
    ['document url source', user([{ type: 'document', source: { type: 'url', url: 'https://x/y.pdf' } }]), 'messages[0].content[0].source.type'],
    ['tool_use in a user turn', user([{ type: 'tool_use', id: 't', name: 'n', input: {} }]), 'messages[0].content[0].type'],
    ['tool_result in an assistant turn', { ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 't' }] }] }, 'messages[0].content[0].type'],
    ['image in an assistant turn', { ...base, messages: [{ role: 'assistant', content: [{ type: 'image', source: { type: 'url', url: 'u' } }] }] }, 'messages[0].content[0].type'],
    ['tool_use without id', { ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_use', name: 'n', input: {} }] }] }, 'messages[0].content[0].id'],
    ['tool_use without name', { ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', input: {} }] }] }, 'messages[0].content[0].name'],
    ['tool_use input not an object', { ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input: '{}' }] }] }, 'messages[0].content[0].input'],
    ['tool_result without tool_use_id', user([{ type: 'tool_result', content: 'x' }]), 'messages[0].content[0].tool_use_id'],
    ['tool_result is_error not boolean', user([{ type: 'tool_result', tool_use_id: 't', is_error: 'yes' }]), 'messages[0].content[0].is_error'],
    ['tool_result bad inner block', user([{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'tool_reference', tool_name: 'x' }] }]), 'messages[0].content[0].content[0].type'],
    ['system a number', { ...user('x'), system: 1 }, 'system'],
    ['system block not text', { ...user('x'), system: [{ type: 'image', source: {} }] }, 'system[0].type'],
    ['tools not an array', { ...user('x'), tools: {} }, 'tools'],
    ['tool without name', { ...user('x'), tools: [{ input_schema: { type: 'object' } }] }, 'tools[0].name'],
    ['tool without input_schema', { ...user('x'), tools: [{ name: 'n' }] }, 'tools[0].input_schema'],
    ['server tool', { ...user('x'), tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools[0].type'],
    ['tool_choice unknown type', { ...user('x'), tools: [{ name: 'n', input_schema: { type: 'object' } }], tool_choice: { type: 'function' } }, 'tool_choice.type'],
    ['tool_choice tool without name', { ...user('x'), tools: [{ name: 'n', input_schema: { type: 'object' } }], tool_choice: { type: 'tool' } }, 'tool_choice.name'],
    ['tool_choice any without tools', { ...user('x'), tool_choice: { type: 'any' } }, 'tool_choice.type'],
    ['temperature above 1', { ...user('x'), temperature: 1.5 }, 'temperature'],
    ['temperature a string', { ...user('x'), temperature: '0.5' }, 'temperature'],
    ['top_p negative', { ...user('x'), top_p: -0.1 }, 'top_p'],
    ['top_k fractional', { ...user('x'), top_k: 2.5 }, 'top_k'],
    ['stop_sequences a string', { ...user('x'), stop_sequences: 'END' }, 'stop_sequences'],
    ['five stop sequences', { ...user('x'), stop_sequences: ['a', 'b', 'c', 'd', 'e'] }, 'stop_sequences'],
    ['stop sequence not a string', { ...user('x'), stop_sequences: ['a', 3] }, 'stop_sequences[1]'],
    ['metadata not an object', { ...user('x'), metadata: 'u' }, 'metadata'],
    ['user_id not a string', { ...user('x'), metadata: { user_id: 5 } }, 'metadata.user_id'],
    ['stream not a boolean', { ...user('x'), stream: 'yes' }, 'stream'],
    ['output format not json_schema', { ...user('x'), output_config: { format: { type: 'xml' } } }, 'output_config.format.type'],
    ['output format without schema', { ...user('x'), output_config: { format: { type: 'json_schema' } } }, 'output_config.format.schema'],
    ['MCP servers', { ...user('x'), mcp_servers: [{ type: 'url', url: 'https://mcp', name: 'm' }] }, 'mcp_servers'],
    ['a container', { ...user('x'), container: 'container_1' }, 'container'],
    ['second message bad', { ...base, messages: [{ role: 'user', content: 'ok' }, { role: 'assistant', content: [{ type: 'text', text: 1 }] }] }, 'messages[1].content[0].text'],
  ])('%s → param %s', (_name, body, param) => {
    expect(() => messagesToChat(body)).toThrow(expect.objectContaining({ status: 400, type: 'invalid_request_error', extra: expect.objectContaining({ param }) }));
  });

  test('codes: malformed input is invalid_value, Anthropic-only input is unsupported_parameter', () => {
    expect(() => messagesToChat({ ...user('x'), max_tokens: 0 })).toThrow(expect.objectContaining({ extra: expect.objectContaining({ code: 'invalid_value' }) }));
    expect(() => messagesToChat({ ...user('x'), tools: [{ type: 'bash_20250124', name: 'bash' }] })).toThrow(
      expect.objectContaining({ extra: expect.objectContaining({ code: 'unsupported_parameter', param: 'tools[0].type' }) }),
    );
  });

  test('a body that is not an object → 400 without param', () => {
    for (const body of [null, 'x', [], 3]) {
      expect(() => messagesToChat(body)).toThrow(expect.objectContaining({ status: 400, type: 'invalid_request_error', message: 'request body must be a JSON object' }));
    }
  });

  test('the message names the field and does not echo a huge client value whole', () => {
    const huge = 'x'.repeat(10_000);
    expect(() => messagesToChat(user([{ type: huge }]))).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^'messages\[0\]\.content\[0\]\.type': content block 'x{256}…\(cut, 10000 chars\)' is not supported here$/) }),
    );
    expect(() => messagesToChat(user([{ type: huge }]))).toThrow(expect.objectContaining({ message: expect.stringMatching(/^[\s\S]{1,1500}$/) }));
  });
});

test('a request using every mapping is a valid canonical chat request (the core schema accepts it)', () => {
  const out = messagesToChat({
    ...base,
    stream: true,
    system: [{ type: 'text', text: 'S' }],
    temperature: 0.5,
    top_p: 0.5,
    top_k: 5,
    stop_sequences: ['END'],
    metadata: { user_id: 'u' },
    output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
    tools: [{ name: 'read_file', input_schema: { type: 'object' } }],
    tool_choice: { type: 'tool', name: 'read_file', disable_parallel_tool_use: true },
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA==' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBE' } },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'ok' }, { type: 'tool_use', id: 't', name: 'read_file', input: { p: 1 } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', is_error: true, content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] }] },
    ],
  });
  expect(validateRequest('chat', out)).toBe(out);
});

import Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent, ToolUseBlock } from '@anthropic-ai/sdk/resources/messages';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import inboundMessages from '../../plugins/inbound/messages/index.ts';
import bedrock from '../../plugins/providers/bedrock/index.ts';
import gemini from '../../plugins/providers/gemini/index.ts';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockAwsCredentials, startMockBedrock } from '../helpers/mock-upstream/bedrock.ts';
import { mockGeminiKey, startMockGemini } from '../helpers/mock-upstream/gemini.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import type { Handler, MockServer, RecordedRequest } from '../helpers/mock-upstream/server.ts';

/*
 * The @anthropic-ai/sdk's messages.create and messages.stream with tools over Gemini and Bedrock
 * (strict mocks), and over an OpenAI-wire upstream whose parallel tool calls arrive split
 * mid-token and interleaved: each tool_use block's final `input` is the upstream's arguments, and
 * the `partial_json` of each block concatenates to exactly the upstream's argument text.
 */
type Json = Record<string, unknown>;
const key = 'sy-messages-more-providers';
let geminiUp: MockServer;
let bedrockUp: MockServer;
let openaiUp: MockServer;
let gw: RunningGateway;
let client: Anthropic;

beforeAll(async () => {
  [geminiUp, bedrockUp, openaiUp] = await Promise.all([startMockGemini({ chunkSize: 3 }), startMockBedrock({ chunkSize: 3, writeSize: 11 }), startMockOpenAI()]);
  gw = await startTestGateway(
    defineConfig({
      plugins: [
        gemini({ apiKey: mockGeminiKey, baseURL: geminiUp.url }),
        bedrock({ ...mockAwsCredentials, region: 'us-east-1', baseURL: bedrockUp.url }),
        openai({ apiKey: mockOpenAIKey, baseURL: `${openaiUp.url}/v1` }),
        masterKey({ key }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1 }),
        inboundMessages(),
      ],
      models: [
        { name: 'claude-on-gemini', deployments: [{ provider: 'gemini', model: 'gemini-2.0-flash' }], maxAttempts: 1 },
        { name: 'claude-on-bedrock', deployments: [{ provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20241022-v2:0' }], maxAttempts: 1 },
        { name: 'claude-on-gpt', deployments: [{ provider: 'openai', model: 'gpt-4o' }], maxAttempts: 1 },
      ],
    }),
  );
  client = new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
});

afterAll(async () => {
  await gw.close(1000);
  await Promise.all([geminiUp.close(), bedrockUp.close(), openaiUp.close()]);
});

beforeEach(() => {
  geminiUp.reset();
  bedrockUp.reset();
  openaiUp.reset();
});

const weatherTool = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

/** Runs a stream to its end: the final message, and each block's concatenated partial_json by index. */
async function streamed(params: Anthropic.MessageStreamParams): Promise<{ message: Anthropic.Message; partial: Map<number, string>; events: RawMessageStreamEvent[] }> {
  const stream = client.messages.stream(params);
  const partial = new Map<number, string>();
  const events: RawMessageStreamEvent[] = [];
  stream.on('streamEvent', (event) => {
    events.push(event);
    if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') {
      partial.set(event.index, (partial.get(event.index) ?? '') + event.delta.partial_json);
    }
  });
  return { message: await stream.finalMessage(), partial, events };
}

const toolUses = (message: Anthropic.Message): ToolUseBlock[] => message.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');

describe('@anthropic-ai/sdk over Gemini', () => {
  test('messages.create: two parallel function calls → two tool_use blocks whose inputs are the upstream args', async () => {
    const message = await client.messages.create({ model: 'claude-on-gemini', max_tokens: 200, tools: [weatherTool], messages: [{ role: 'user', content: 'weather in parallel please' }] });
    expect(message.stop_reason).toBe('tool_use');
    expect(toolUses(message).map((b) => [b.name, b.input])).toEqual([
      ['get_weather', { city: 'Paris' }],
      ['get_weather', { city: 'Tokyo' }],
    ]);
    const ids = toolUses(message).map((b) => b.id);
    expect(new Set(ids).size).toBe(2);
    const sent = (geminiUp.requests[0] as RecordedRequest).json as Json;
    expect(sent.tools).toEqual([{ functionDeclarations: [expect.objectContaining({ name: 'get_weather' })] }]);
  });

  test('messages.stream: the same calls, each block streamed whole in turn; partial_json is exactly the arguments', async () => {
    const { message, partial, events } = await streamed({ model: 'claude-on-gemini', max_tokens: 200, tools: [weatherTool], messages: [{ role: 'user', content: 'weather in parallel please' }] });
    const uses = toolUses(message);
    expect(uses.map((b) => b.input)).toEqual([{ city: 'Paris' }, { city: 'Tokyo' }]);
    for (const [i, block] of message.content.entries()) {
      if (block.type === 'tool_use') expect(partial.get(i)).toBe(JSON.stringify(block.input));
    }
    const starts = events.filter((e) => e.type === 'content_block_start').map((e) => (e as { index: number }).index);
    expect(starts).toEqual(starts.map((_, i) => i));
    expect(message.stop_reason).toBe('tool_use');
  });

  test('a tool_result round trip: Gemini gets the functionCall turn and its functionResponse; the answer is text', async () => {
    const first = await client.messages.create({ model: 'claude-on-gemini', max_tokens: 200, tools: [weatherTool], messages: [{ role: 'user', content: 'weather in Paris?' }] });
    const use = toolUses(first)[0] as ToolUseBlock;
    geminiUp.reset();
    const { message } = await streamed({
      model: 'claude-on-gemini',
      max_tokens: 200,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'sunny' }] },
      ],
    });
    expect(message.content).toHaveLength(1);
    expect(message.content[0]).toMatchObject({ type: 'text', text: expect.stringMatching(/^tool result: .*sunny/) });
    const contents = ((geminiUp.requests[0] as RecordedRequest).json as { contents: { role: string; parts: Json[] }[] }).contents;
    expect(contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    expect(contents[1]?.parts[0]).toMatchObject({ functionCall: { name: 'get_weather', args: { city: 'Paris' } } });
    expect(contents[2]?.parts[0]).toMatchObject({ functionResponse: { name: 'get_weather' } });
  });
});

describe('@anthropic-ai/sdk over Bedrock (Converse)', () => {
  test('messages.create with a tool: tool_use with the upstream input', async () => {
    const message = await client.messages.create({ model: 'claude-on-bedrock', max_tokens: 200, tools: [weatherTool], messages: [{ role: 'user', content: 'weather in Paris?' }] });
    expect(message.stop_reason).toBe('tool_use');
    expect(toolUses(message).map((b) => b.input)).toEqual([{ city: 'Paris' }]);
  });

  test('messages.stream with a tool: input fragments of 3 characters concatenate to the upstream input exactly', async () => {
    const { message, partial } = await streamed({ model: 'claude-on-bedrock', max_tokens: 200, tools: [weatherTool], messages: [{ role: 'user', content: 'weather in Paris?' }] });
    const index = message.content.findIndex((b) => b.type === 'tool_use');
    expect((message.content[index] as ToolUseBlock).input).toEqual({ city: 'Paris' });
    expect(partial.get(index)).toBe(JSON.stringify({ city: 'Paris' }));
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });
});

/** OpenAI chat chunks for a scripted answer. */
function sse(deltas: Json[], finish: string): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const base = { id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o' };
    for (const delta of deltas) res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`);
    res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] })}\n\n`);
    res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 40, completion_tokens: 30, total_tokens: 70 } })}\n\n`);
    res.end('data: [DONE]\n\n');
  };
}

describe('@anthropic-ai/sdk over an OpenAI-wire upstream with interleaved parallel calls', () => {
  // Upstream argument texts, spaced as the upstream wrote them (not as JSON.stringify would).
  const argsA = '{"city": "Zürich", "unit": "celsius"}';
  const argsB = '{ "city" : "Kyōto" }';
  const call = (index: number, fields: Json): Json => ({ tool_calls: [{ index, ...fields }] });

  test('fragments split mid-token (inside a non-ASCII value and inside a key) and interleaved, with text in the first tool chunk', async () => {
    openaiUp.override(
      sse(
        [
          { role: 'assistant', content: '' },
          { content: 'Checking ', tool_calls: [{ index: 0, id: 'call_A', type: 'function', function: { name: 'get_weather', arguments: argsA.slice(0, 7) } }] },
          call(1, { id: 'call_B', type: 'function', function: { name: 'get_weather', arguments: argsB.slice(0, 4) } }),
          call(0, { function: { arguments: argsA.slice(7, 13) } }),
          call(1, { function: { arguments: argsB.slice(4, 16) } }),
          call(0, { function: { arguments: argsA.slice(13, 22) } }),
          call(1, { function: { arguments: argsB.slice(16) } }),
          call(0, { function: { arguments: argsA.slice(22) } }),
        ],
        'tool_calls',
      ),
      1,
    );
    const { message, partial, events } = await streamed({ model: 'claude-on-gpt', max_tokens: 200, tools: [weatherTool], messages: [{ role: 'user', content: 'two cities' }] });
    expect(message.content.map((b) => b.type)).toEqual(['text', 'tool_use', 'tool_use']);
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Checking ' });
    expect(message.content.slice(1)).toEqual([
      { type: 'tool_use', id: 'call_A', name: 'get_weather', input: JSON.parse(argsA) },
      { type: 'tool_use', id: 'call_B', name: 'get_weather', input: JSON.parse(argsB) },
    ]);
    expect(partial.get(1)).toBe(argsA);
    expect(partial.get(2)).toBe(argsB);
    // Blocks never interleave: each block's events lie between its start and stop.
    let open: number | undefined;
    for (const e of events) {
      if (e.type === 'content_block_start') {
        expect(open).toBeUndefined();
        open = e.index;
      } else if (e.type === 'content_block_delta') expect(e.index).toBe(open);
      else if (e.type === 'content_block_stop') {
        expect(e.index).toBe(open);
        open = undefined;
      }
    }
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 40, output_tokens: 30 });
  });

  test('empty arguments: the tool_use block has input {}', async () => {
    openaiUp.override(sse([{ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_E', type: 'function', function: { name: 'get_weather', arguments: '' } }] }], 'tool_calls'), 1);
    const { message, partial } = await streamed({ model: 'claude-on-gpt', max_tokens: 200, tools: [weatherTool], messages: [{ role: 'user', content: 'no args' }] });
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_E', name: 'get_weather', input: {} }]);
    expect(partial.get(0) ?? '').toBe('');
  });
});

import { describe, expect, test } from 'vitest';
import type { ChatRequest, Deployment } from 'switchyard';
import { toGenerateContent } from '../../../../plugins/providers/gemini/request.ts';
import { checkGenerate } from '../../../helpers/mock-upstream/gemini-checks.ts';

const target: Deployment = { id: 'gemini/gemini-2.0-flash', group: 'g', provider: 'gemini', model: 'gemini-2.0-flash' };
const translate = (req: Omit<ChatRequest, 'model'>) => toGenerateContent({ model: 'gemini-2.0-flash', ...req } as ChatRequest, target, undefined);

describe('messages → contents and systemInstruction', () => {
  test('every system and developer message joins the one system instruction; roles are user/model', () => {
    const body = translate({
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi' },
        { role: 'developer', content: [{ type: 'text', text: 'use French' }] },
        { role: 'assistant', content: 'bonjour' },
        { role: 'user', content: 'again' },
      ],
    });
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'be brief' }, { text: 'use French' }] });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'hi' }] },
      { role: 'model', parts: [{ text: 'bonjour' }] },
      { role: 'user', parts: [{ text: 'again' }] },
    ]);
    expect(checkGenerate(body as unknown as Record<string, unknown>)).toBeUndefined();
  });

  test('empty content is left out and adjacent turns of one role merge', () => {
    const body = translate({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: '' },
        { role: 'user', content: [{ type: 'text', text: '' }, { type: 'text', text: 'b' }] },
      ],
    });
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }]);
  });

  test('a request of system text only is asked as a user turn; nothing at all is a 400', () => {
    expect(translate({ messages: [{ role: 'system', content: 'say hi' }] }).contents).toEqual([{ role: 'user', parts: [{ text: 'say hi' }] }]);
    expect(() => translate({ messages: [{ role: 'user', content: '' }] })).toThrow(expect.objectContaining({ status: 400, extra: expect.objectContaining({ param: 'messages' }) }));
  });

  test('images: data: URLs go inline, http URLs by reference with a MIME type from the extension', () => {
    const body = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.webp?size=2' } },
            { type: 'image_url', image_url: { url: 'https://example.com/photo' } },
          ],
        },
      ],
    });
    expect(body.contents[0]?.parts).toEqual([
      { text: 'what is this?' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp?size=2' } },
      { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/photo' } },
    ]);
    expect(() => translate({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }] })).toThrow(
      expect.objectContaining({ extra: expect.objectContaining({ param: 'messages[0].content[0].image_url.url' }) }),
    );
  });

  test('tool calls in history become functionCall parts, results functionResponse parts named after the call', () => {
    const body = translate({
      messages: [
        { role: 'user', content: 'weather in Paris and Tokyo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
        { role: 'tool', tool_call_id: 'call_b', content: '{"time":"12:00"}' },
      ],
    });
    expect(body.contents.slice(1)).toEqual([
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { name: 'get_time', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { output: 'sunny' } } }, { functionResponse: { name: 'get_time', response: { time: '12:00' } } }] },
    ]);
    expect(checkGenerate(body as unknown as Record<string, unknown>)).toBeUndefined();
  });

  test('a tool result for an unknown call id, or arguments that are not a JSON object, is a 400 naming the param', () => {
    expect(() => translate({ messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'nope', content: 'r' }] })).toThrow(
      expect.objectContaining({ status: 400, extra: expect.objectContaining({ param: 'messages[1].tool_call_id' }) }),
    );
    const bad = { id: 'c', type: 'function' as const, function: { name: 'f', arguments: '[1]' } };
    expect(() => translate({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', tool_calls: [bad] }] })).toThrow(
      expect.objectContaining({ extra: expect.objectContaining({ param: 'messages[1].tool_calls[0].function.arguments' }) }),
    );
  });
});

describe('params → generationConfig', () => {
  test('renames, stop, n, max tokens and reasoning effort', () => {
    const body = translate({
      messages: [{ role: 'user', content: 'x' }],
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: 0.1,
      max_completion_tokens: 100,
      stop: 'END',
      n: 2,
      reasoning_effort: 'low',
    });
    expect(body.generationConfig).toEqual({
      temperature: 0.2,
      topP: 0.9,
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: 0.1,
      maxOutputTokens: 100,
      stopSequences: ['END'],
      candidateCount: 2,
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    });
    expect(translate({ messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'none' }).generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 0 } });
    expect(translate({ messages: [{ role: 'user', content: 'x' }], n: 1 }).generationConfig).toBeUndefined();
  });

  test('json_object → responseMimeType; json_schema → responseSchema in Gemini’s subset', () => {
    expect(translate({ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } }).generationConfig).toEqual({ responseMimeType: 'application/json' });
    const body = translate({
      messages: [{ role: 'user', content: 'x' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'r', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false } },
      },
    });
    expect(body.generationConfig).toEqual({ responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { a: { type: 'STRING' } }, required: ['a'] } });
    expect(checkGenerate(body as unknown as Record<string, unknown>)).toBeUndefined();
  });
});

describe('tools and tool_choice', () => {
  const tools: ChatRequest['tools'] = [
    { type: 'function', function: { name: 'get_weather', description: 'weather', parameters: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { city: { type: 'string' } }, additionalProperties: false } } },
    { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } },
  ];

  test('function declarations with cleaned schemas; a parameterless function has no parameters', () => {
    const body = translate({ messages: [{ role: 'user', content: 'x' }], tools });
    expect(body.tools).toEqual([
      { functionDeclarations: [{ name: 'get_weather', description: 'weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } } }, { name: 'now' }] },
    ]);
    expect(checkGenerate(body as unknown as Record<string, unknown>)).toBeUndefined();
  });

  test.each([
    ['auto', { mode: 'AUTO' }],
    ['none', { mode: 'NONE' }],
    ['required', { mode: 'ANY' }],
    [{ type: 'function', function: { name: 'now' } }, { mode: 'ANY', allowedFunctionNames: ['now'] }],
  ] as const)('tool_choice %j → %j', (choice, expected) => {
    const body = translate({ messages: [{ role: 'user', content: 'x' }], tools, tool_choice: choice as ChatRequest['tool_choice'] });
    expect(body.toolConfig).toEqual({ functionCallingConfig: expected });
    expect(checkGenerate(body as unknown as Record<string, unknown>)).toBeUndefined();
  });

  test('a custom (non-function) tool is a 400', () => {
    const custom = [{ type: 'custom', custom: { name: 'grammar' } }] as unknown as ChatRequest['tools'];
    expect(() => translate({ messages: [{ role: 'user', content: 'x' }], tools: custom })).toThrow(expect.objectContaining({ extra: expect.objectContaining({ param: 'tools[0].type' }) }));
  });

  test('safety settings come from the plugin, or from the deployment options', () => {
    const req = { model: 'm', messages: [{ role: 'user', content: 'x' }] } as ChatRequest;
    const fromPlugin = toGenerateContent(req, target, [{ category: 'HARM_CATEGORY_HARASSMENT' as never, threshold: 'BLOCK_NONE' as never }]);
    expect(fromPlugin.safetySettings).toEqual([{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }]);
    const fromDeployment = toGenerateContent(req, { ...target, options: { safetySettings: [] } }, [{ category: 'X' as never }]);
    expect(fromDeployment.safetySettings).toBeUndefined();
  });
});

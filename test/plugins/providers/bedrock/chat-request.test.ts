import { describe, expect, test } from 'vitest';
import { GatewayError, type ChatRequest } from 'switchyard';
import { toConverse } from '../../../../plugins/providers/bedrock/chat-request.ts';

const req = (r: Omit<ChatRequest, 'model'>): ChatRequest => ({ model: 'm', ...r }) as ChatRequest;

function rejects(r: Omit<ChatRequest, 'model'>): GatewayError {
  try {
    toConverse(req(r));
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error('expected a 400');
}

describe('OpenAI → Converse request', () => {
  test('multiple system and developer messages become system blocks, in order; blank ones are dropped', () => {
    const out = toConverse(
      req({
        messages: [
          { role: 'system', content: 'one' },
          { role: 'user', content: 'hi' },
          { role: 'system', content: [{ type: 'text', text: 'two' }, { type: 'text', text: ' ' }] },
          { role: 'developer', content: 'three' },
        ],
      }),
    );
    expect(out.system).toEqual([{ text: 'one' }, { text: 'two' }, { text: 'three' }]);
    expect(out.messages).toEqual([{ role: 'user', content: [{ text: 'hi' }] }]);
  });

  test('empty content: blank user text is dropped, consecutive turns merge, null assistant content is fine', () => {
    const out = toConverse(
      req({
        messages: [
          { role: 'user', content: 'a' },
          { role: 'user', content: '' },
          { role: 'assistant', content: '' },
          { role: 'user', content: [{ type: 'text', text: 'b' }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '' } }] },
          { role: 'tool', tool_call_id: 't1', content: '' },
          { role: 'user', content: 'c' },
        ],
      }),
    );
    expect(out.messages).toEqual([
      { role: 'user', content: [{ text: 'a' }, { text: 'b' }] },
      // A tool call with no arguments sends an empty object.
      { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'f', input: {} } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: '(no output)' }] } }, { text: 'c' }] },
    ]);
    // Converse refuses tool blocks without a toolConfig: the tool the history used is declared.
    expect(out.toolConfig).toEqual({ tools: [{ toolSpec: { name: 'f', inputSchema: { json: { type: 'object', properties: {} } } } }] });
  });

  test('a conversation that is empty, or starts with the assistant, is a 400', () => {
    expect(rejects({ messages: [{ role: 'system', content: 's' }, { role: 'user', content: '  ' }] }).extra.param).toBe('messages');
    expect(rejects({ messages: [{ role: 'assistant', content: 'hello' }, { role: 'user', content: 'hi' }] }).message).toMatch(/start with a user message/);
  });

  test('images: data: URLs inline (jpg → jpeg); http URLs and other formats are 400s naming the part', () => {
    const out = toConverse(req({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpg;base64,QUJD' } }] }] }));
    expect(out.messages[0]?.content[0]).toEqual({ image: { format: 'jpeg', source: { bytes: 'QUJD' } } });
    const http = rejects({ messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: 'http://x/y.png' } }] }] });
    expect(http.extra.param).toBe('messages[0].content[1].image_url.url');
    expect(rejects({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,QUJD' } }] }] }).message).toMatch(/bmp/);
    expect(rejects({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }] }).extra.param).toBe('messages[0].content[0].type');
  });

  test('tool call arguments that are not a JSON object are a 400 naming them', () => {
    const err = rejects({
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '[1,2]' } }] },
      ],
    });
    expect(err.extra.param).toBe('messages[1].tool_calls[0].function.arguments');
  });

  test('tool_choice: auto / required / named / none', () => {
    const tools = [{ type: 'function' as const, function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } } } } }];
    const base = { messages: [{ role: 'user' as const, content: 'x' }], tools };
    expect(toConverse(req({ ...base, tool_choice: 'auto' })).toolConfig?.toolChoice).toEqual({ auto: {} });
    expect(toConverse(req({ ...base, tool_choice: 'required' })).toolConfig?.toolChoice).toEqual({ any: {} });
    expect(toConverse(req({ ...base, tool_choice: { type: 'function', function: { name: 'f' } } })).toolConfig?.toolChoice).toEqual({ tool: { name: 'f' } });
    expect(toConverse(req({ ...base, tool_choice: 'none' })).toolConfig).toBeUndefined();
    expect(toConverse(req(base)).toolConfig).toEqual({ tools: [{ toolSpec: { name: 'f', inputSchema: { json: tools[0]!.function.parameters } } }] });
  });

  test('response_format json_schema adds the forced json_response tool with the schema', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    const out = toConverse(req({ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'r', schema } } }));
    expect(out.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'json_response', description: expect.any(String), inputSchema: { json: schema } } }],
      toolChoice: { any: {} },
    });
  });

  test('max_completion_tokens wins over max_tokens; stop as a string; nothing set → no inferenceConfig', () => {
    const out = toConverse(req({ messages: [{ role: 'user', content: 'x' }], max_tokens: 5, max_completion_tokens: 9, stop: 'END' }));
    expect(out.inferenceConfig).toEqual({ maxTokens: 9, stopSequences: ['END'] });
    expect(toConverse(req({ messages: [{ role: 'user', content: 'x' }] })).inferenceConfig).toBeUndefined();
  });
});

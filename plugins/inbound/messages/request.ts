import { invalidParam, invalidRequest, type ChatRequest } from 'switchyard';
import { notTranslatable } from './content.ts';
import { arrayAt, isObject, objectAt, oneOf, optionalBoolean, optionalNumber, optionalString, stringAt, type JsonObject } from './fields.ts';
import { chatMessages, systemMessage } from './messages.ts';
import { chatToolChoice, chatTools } from './tools.ts';

/**
 * A Messages API body → the canonical chat request, for deployments that do not speak Anthropic
 * natively. Validates as it goes: bad input is a 400 `invalid_request_error` whose `param` is the
 * field path. Pure; the body is not modified.
 *
 * Dropped on purpose (no chat equivalent, and leaving them out does not change what is asked):
 * `cache_control` anywhere, `top_k`, `thinking` and `output_config.effort` (the chat model
 * reasons, or not, as it is configured), thinking blocks in history, and fields that only tune
 * Anthropic's service (`service_tier`, `inference_geo`, `speed`, `context_management`, …).
 *
 * @example
 * messagesToChat({ model: 'claude-sonnet-4', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }] })
 * // → { model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 1024 }
 */
export function messagesToChat(body: unknown): ChatRequest {
  if (!isObject(body)) throw invalidRequest('request body must be a JSON object');
  const model = stringAt(body.model, 'model');
  if (model === '') throw invalidParam('model', "'model' must not be empty");
  const maxTokens = integerAt(body.max_tokens, 'max_tokens', 1, true) as number;
  const messages = chatMessages(body.messages);
  const system = systemMessage(body.system, 'system');
  refuseAnthropicOnly(body);
  const tools = body.tools === undefined || body.tools === null ? [] : chatTools(body.tools);
  const temperature = optionalNumber(body.temperature, 'temperature', 0, 1);
  const topP = optionalNumber(body.top_p, 'top_p', 0, 1);
  // Validated like Anthropic does, then dropped: chat has no top-k.
  integerAt(body.top_k, 'top_k', 0, false);
  const stop = stopSequences(body.stop_sequences);
  const user = userId(body.metadata);
  const stream = optionalBoolean(body.stream, 'stream') === true;
  const responseFormat = outputFormat(body.output_config);
  return {
    model,
    messages: system === undefined ? messages : [system, ...messages],
    max_tokens: maxTokens,
    ...(temperature === undefined ? {} : { temperature }),
    ...(topP === undefined ? {} : { top_p: topP }),
    ...(stop === undefined ? {} : { stop }),
    ...(tools.length === 0 ? {} : { tools }),
    ...chatToolChoice(body.tool_choice, tools.length > 0),
    ...(responseFormat === undefined ? {} : { response_format: responseFormat }),
    ...(user === undefined ? {} : { user }),
    // The translated stream reports usage only if the upstream sends it: always ask.
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

function integerAt(value: unknown, param: string, min: number, required: boolean): number | undefined {
  if (value === undefined || (value === null && !required)) {
    if (required) throw invalidParam(param, `'${param}' is required`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidParam(param, `'${param}' must be an integer`);
  if (value < min) throw invalidParam(param, `'${param}' must be at least ${min}`);
  return value;
}

/** Chat's `stop` takes at most four sequences (OpenAI's limit, which the core enforces). */
const maxStopSequences = 4;

function stopSequences(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = arrayAt(value, 'stop_sequences').map((s, i) => stringAt(s, `stop_sequences[${i}]`));
  if (list.length > maxStopSequences) {
    throw notTranslatable('stop_sequences', `at most ${maxStopSequences} stop sequences are supported on this model`);
  }
  return list.length === 0 ? undefined : list;
}

function userId(metadata: unknown): string | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  return optionalString(objectAt(metadata, 'metadata').user_id, 'metadata.user_id');
}

/** `output_config.format` (structured output) → `response_format: json_schema`. */
function outputFormat(config: unknown): ChatRequest['response_format'] {
  if (config === undefined || config === null) return undefined;
  const format = objectAt(config, 'output_config').format;
  if (format === undefined || format === null) return undefined;
  const f = objectAt(format, 'output_config.format');
  oneOf(f.type, ['json_schema'], 'output_config.format.type');
  return { type: 'json_schema', json_schema: { name: 'output', schema: objectAt(f.schema, 'output_config.format.schema') } };
}

/** Fields that ask Anthropic itself to do something (run MCP servers, a code container): no chat model can. */
function refuseAnthropicOnly(body: JsonObject): void {
  if (Array.isArray(body.mcp_servers) && body.mcp_servers.length > 0) {
    throw notTranslatable('mcp_servers', 'MCP connectors are only available on Anthropic deployments');
  }
  if (body.container !== undefined && body.container !== null) {
    throw notTranslatable('container', 'containers are only available on Anthropic deployments');
  }
}

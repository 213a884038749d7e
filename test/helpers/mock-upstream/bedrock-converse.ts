/**
 * The Converse part of the Bedrock mock: request validation with Bedrock's rules and messages,
 * and deterministic answers built from the request. Shapes follow the Converse API reference and
 * the `@aws-sdk/client-bedrock-runtime` types.
 */
type Json = Record<string, unknown>;

export class ValidationError extends Error {}

const topLevel = new Set([
  'messages',
  'system',
  'inferenceConfig',
  'toolConfig',
  'guardrailConfig',
  'additionalModelRequestFields',
  'promptVariables',
  'additionalModelResponseFieldPaths',
  'requestMetadata',
  'performanceConfig',
  'serviceTier',
  'outputConfig',
]);
const blockKinds = new Set(['text', 'image', 'toolUse', 'toolResult', 'reasoningContent', 'cachePoint', 'document', 'guardContent']);
const inferenceKeys = new Set(['maxTokens', 'temperature', 'topP', 'stopSequences']);
const imageFormats = new Set(['png', 'jpeg', 'gif', 'webp']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function unknownKeys(value: Json, allowed: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) throw new ValidationError(`Malformed input request: ${path}: extraneous key [${key}] is not permitted, please reformat your input and try again.`);
  }
}

function checkBlock(block: unknown, role: string, path: string): string {
  if (!isObject(block)) throw new ValidationError(`${path} must be an object`);
  const kinds = Object.keys(block);
  if (kinds.length !== 1 || !blockKinds.has(kinds[0] as string)) {
    throw new ValidationError(`Malformed input request: ${path}: a ContentBlock must set exactly one of ${[...blockKinds].join(', ')}; got [${kinds.join(', ')}]`);
  }
  const kind = kinds[0] as string;
  const value = block[kind];
  if (kind === 'text') {
    if (typeof value !== 'string') throw new ValidationError(`${path}.text must be a string`);
    if (value.trim() === '') throw new ValidationError(`The text field in the ContentBlock object at ${path} is blank. Add text to the text field, and try again.`);
  } else if (kind === 'image') {
    if (role !== 'user') throw new ValidationError(`${path}: images are only allowed in user messages.`);
    if (!isObject(value)) throw new ValidationError(`${path}.image must be an object`);
    unknownKeys(value, new Set(['format', 'source']), `${path}.image`);
    if (!imageFormats.has(String(value.format))) {
      throw new ValidationError(`1 validation error detected: Value '${String(value.format)}' at '${path}.image.format' failed to satisfy constraint: Member must satisfy enum value set: [png, jpeg, gif, webp]`);
    }
    const bytes = isObject(value.source) ? value.source.bytes : undefined;
    if (typeof bytes !== 'string' || bytes === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(bytes)) throw new ValidationError(`${path}.image.source.bytes must be base64`);
  } else if (kind === 'toolUse') {
    if (role !== 'assistant') throw new ValidationError(`${path}: toolUse blocks are only allowed in assistant messages.`);
    if (!isObject(value)) throw new ValidationError(`${path}.toolUse must be an object`);
    unknownKeys(value, new Set(['toolUseId', 'name', 'input']), `${path}.toolUse`);
    if (typeof value.toolUseId !== 'string' || typeof value.name !== 'string' || !isObject(value.input)) {
      throw new ValidationError(`${path}.toolUse needs toolUseId, name and an object input`);
    }
  } else if (kind === 'toolResult') {
    if (role !== 'user') throw new ValidationError(`${path}: toolResult blocks are only allowed in user messages.`);
    if (!isObject(value)) throw new ValidationError(`${path}.toolResult must be an object`);
    unknownKeys(value, new Set(['toolUseId', 'content', 'status']), `${path}.toolResult`);
    if (typeof value.toolUseId !== 'string' || !Array.isArray(value.content) || value.content.length === 0) {
      throw new ValidationError(`${path}.toolResult needs toolUseId and content`);
    }
    (value.content as unknown[]).forEach((c, k) => {
      if (!isObject(c) || Object.keys(c).length !== 1 || !['text', 'json', 'image'].includes(Object.keys(c)[0] as string)) {
        throw new ValidationError(`${path}.toolResult.content.${k} must set one of text, json, image`);
      }
      if (typeof c.text === 'string' && c.text.trim() === '') throw new ValidationError(`The text field in ${path}.toolResult.content.${k} is blank.`);
    });
  }
  return kind;
}

/** Throws ValidationError with Bedrock's wording for what Converse refuses. */
export function validateConverse(body: unknown, modelId: string): Json {
  if (!isObject(body)) throw new ValidationError('Malformed input request: body must be a JSON object.');
  unknownKeys(body, topLevel, '#');
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new ValidationError('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
  }
  let usesTools = false;
  let pendingToolUses: string[] = [];
  (messages as unknown[]).forEach((m, i) => {
    if (!isObject(m)) throw new ValidationError(`messages.${i} must be an object`);
    unknownKeys(m, new Set(['role', 'content']), `messages.${i}`);
    if (m.role !== 'user' && m.role !== 'assistant') {
      throw new ValidationError(`1 validation error detected: Value '${String(m.role)}' at 'messages.${i + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`);
    }
    if (i === 0 && m.role !== 'user') throw new ValidationError('A conversation must start with a user message. Try again with a conversation that starts with a user message.');
    if (i > 0 && (messages[i - 1] as Json).role === m.role) {
      throw new ValidationError('A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.');
    }
    if (!Array.isArray(m.content) || m.content.length === 0) throw new ValidationError(`The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`);
    const results: string[] = [];
    const uses: string[] = [];
    (m.content as unknown[]).forEach((block, j) => {
      const kind = checkBlock(block, m.role as string, `messages.${i}.content.${j}`);
      if (kind === 'toolUse') uses.push(String(((block as Json).toolUse as Json).toolUseId));
      if (kind === 'toolResult') results.push(String(((block as Json).toolResult as Json).toolUseId));
    });
    if (uses.length > 0 || results.length > 0) usesTools = true;
    if (m.role === 'user') {
      for (const id of results) {
        if (!pendingToolUses.includes(id)) throw new ValidationError(`messages.${i}.content: toolResult '${id}' does not answer a toolUse of the previous assistant turn.`);
      }
      const unanswered = pendingToolUses.filter((id) => !results.includes(id));
      if (unanswered.length > 0) throw new ValidationError(`Expected toolResult blocks at messages.${i}.content for the following Ids: ${unanswered.join(', ')}`);
      pendingToolUses = [];
    } else {
      pendingToolUses = uses;
    }
  });
  if (body.system !== undefined) {
    if (!Array.isArray(body.system)) throw new ValidationError('system must be a list');
    (body.system as unknown[]).forEach((b, k) => {
      if (!isObject(b) || typeof b.text !== 'string' || Object.keys(b).length !== 1) throw new ValidationError(`system.${k} must be a text block`);
      if (b.text.trim() === '') throw new ValidationError(`The text field in the SystemContentBlock object at system.${k} is blank.`);
    });
  }
  if (body.inferenceConfig !== undefined) checkInference(body.inferenceConfig);
  if (body.toolConfig !== undefined) checkTools(body.toolConfig, modelId);
  else if (usesTools) throw new ValidationError('The toolConfig field must be defined when using toolUse and toolResult content blocks.');
  return body;
}

function checkInference(config: unknown): void {
  if (!isObject(config)) throw new ValidationError('inferenceConfig must be an object');
  unknownKeys(config, inferenceKeys, 'inferenceConfig');
  const { maxTokens, temperature, topP, stopSequences } = config;
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || (maxTokens as number) < 1)) throw new ValidationError('inferenceConfig.maxTokens must be an integer >= 1');
  for (const [name, v] of [['temperature', temperature], ['topP', topP]] as const) {
    if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1)) {
      throw new ValidationError(`1 validation error detected: Value '${String(v)}' at 'inferenceConfig.${name}' failed to satisfy constraint: Member must have value less than or equal to 1`);
    }
  }
  if (stopSequences !== undefined && (!Array.isArray(stopSequences) || stopSequences.some((s) => typeof s !== 'string'))) {
    throw new ValidationError('inferenceConfig.stopSequences must be a list of strings');
  }
}

function checkTools(config: unknown, modelId: string): void {
  if (!isObject(config)) throw new ValidationError('toolConfig must be an object');
  unknownKeys(config, new Set(['tools', 'toolChoice']), 'toolConfig');
  if (!Array.isArray(config.tools) || config.tools.length === 0) throw new ValidationError('toolConfig.tools must list at least one tool');
  const names = (config.tools as unknown[]).map((t, k) => {
    const spec = isObject(t) ? t.toolSpec : undefined;
    if (!isObject(t) || Object.keys(t).length !== 1 || !isObject(spec)) throw new ValidationError(`toolConfig.tools.${k} must set toolSpec`);
    unknownKeys(spec, new Set(['name', 'description', 'inputSchema', 'strict']), `toolConfig.tools.${k}.toolSpec`);
    if (typeof spec.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(spec.name)) {
      throw new ValidationError(`1 validation error detected: Value at 'toolConfig.tools.${k + 1}.member.toolSpec.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+`);
    }
    const schema = isObject(spec.inputSchema) ? spec.inputSchema.json : undefined;
    if (!isObject(spec.inputSchema) || !isObject(schema) || schema.type !== 'object') {
      throw new ValidationError(`toolConfig.tools.${k}.toolSpec.inputSchema.json must be a JSON schema of type object`);
    }
    return spec.name;
  });
  if (new Set(names).size !== names.length) throw new ValidationError('toolConfig.tools: tool names must be unique');
  const choice = config.toolChoice;
  if (choice === undefined) return;
  if (!isObject(choice) || Object.keys(choice).length !== 1 || !['auto', 'any', 'tool'].includes(Object.keys(choice)[0] as string)) {
    throw new ValidationError('toolConfig.toolChoice must set exactly one of auto, any, tool');
  }
  if (isObject(choice.tool)) {
    if (!/anthropic\.claude|amazon\.nova/.test(modelId)) {
      throw new ValidationError("This model doesn't support the toolConfig.toolChoice.tool field. Remove toolConfig.toolChoice.tool and try again.");
    }
    if (!names.includes(String(choice.tool.name))) throw new ValidationError(`toolConfig.toolChoice.tool.name '${String(choice.tool.name)}' is not one of the tools`);
  }
}

// ---- answers ----

export interface Answer {
  readonly blocks: Json[];
  readonly stopReason: string;
  readonly usage: { inputTokens: number; outputTokens: number; totalTokens: number; cacheReadInputTokens?: number };
}

function textOf(content: Json[]): string {
  return content
    .map((b) => {
      if (typeof b.text === 'string') return b.text;
      if (isObject(b.image)) return `[image ${String(b.image.format)}]`;
      return '';
    })
    .filter((t) => t !== '')
    .join(' ');
}

/** Values for a tool's input from its schema: a city for weather tools, the prompt for strings. */
function toolInput(schema: Json, prompt: string): Json {
  const props = schema.properties;
  if (!isObject(props)) return { echo: prompt };
  const out: Json = {};
  for (const [name, p] of Object.entries(props)) {
    const type = isObject(p) ? p.type : undefined;
    out[name] = name === 'city' ? 'Paris' : type === 'number' || type === 'integer' ? 42 : type === 'boolean' ? true : prompt;
  }
  return out;
}

/**
 * Deterministic answers: `echo: <last user text>` (images described as `[image png]`); a tool
 * call when toolChoice demands one or the user says "weather"; `tool result: …` after a tool
 * result; reasoning first when the user says "think"; a guardrail stop for "forbidden".
 */
export function answerConverse(body: Json, modelId: string): Answer {
  const messages = body.messages as Json[];
  const last = messages[messages.length - 1] as Json;
  const lastContent = last.content as Json[];
  const toolResult = lastContent.find((b) => isObject(b.toolResult))?.toolResult as Json | undefined;
  const prompt = textOf(lastContent);
  const inputTokens = Math.ceil(JSON.stringify([body.system ?? [], messages]).length / 4);
  const usage = (out: number) => ({ inputTokens, outputTokens: out, totalTokens: inputTokens + out, ...(/claude/.test(modelId) ? { cacheReadInputTokens: 0 } : {}) });
  if (/forbidden/i.test(prompt)) {
    return { blocks: [{ text: 'Sorry, the model cannot answer this question.' }], stopReason: 'guardrail_intervened', usage: usage(9) };
  }
  const blocks: Json[] = [];
  if (/\bthink\b/i.test(prompt)) blocks.push({ reasoningContent: { reasoningText: { text: 'Let me think about "' + prompt + '".', signature: 'c2lnbmF0dXJl' } } });
  const tools = isObject(body.toolConfig) ? ((body.toolConfig.tools as Json[]).map((t) => t.toolSpec) as Json[]) : [];
  const choice = isObject(body.toolConfig) ? (body.toolConfig.toolChoice as Json | undefined) : undefined;
  const forced = choice !== undefined && ('any' in choice || 'tool' in choice);
  if (tools.length > 0 && toolResult === undefined && (forced || /weather/i.test(prompt))) {
    const named = isObject(choice?.tool) ? String(choice.tool.name) : undefined;
    const spec =
      tools.find((t) => t.name === named) ??
      (/weather/i.test(prompt) ? tools.find((t) => /weather/.test(String(t.name))) : undefined) ??
      (tools[0] as Json);
    const input = toolInput((spec.inputSchema as Json).json as Json, prompt);
    blocks.push({ toolUse: { toolUseId: `tooluse_${String(spec.name)}_${messages.length}`, name: spec.name, input } });
    return { blocks, stopReason: 'tool_use', usage: usage(12) };
  }
  let text = toolResult !== undefined ? `tool result: ${textOf(toolResult.content as Json[])}` : `echo: ${prompt}`;
  let stopReason = 'end_turn';
  const config = (body.inferenceConfig ?? {}) as { maxTokens?: number; stopSequences?: string[] };
  for (const stop of config.stopSequences ?? []) {
    const at = text.indexOf(stop);
    if (at >= 0) {
      text = text.slice(0, at);
      stopReason = 'stop_sequence';
    }
  }
  if (config.maxTokens !== undefined && text.length > config.maxTokens * 4) {
    text = text.slice(0, config.maxTokens * 4);
    stopReason = 'max_tokens';
  }
  blocks.push({ text });
  return { blocks, stopReason, usage: usage(Math.ceil(text.length / 4)) };
}

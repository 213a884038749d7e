import type { InferenceConfiguration, SystemContentBlock, Tool, ToolChoice, ToolConfiguration, ToolInputSchema } from '@aws-sdk/client-bedrock-runtime';
import {
  invalidParam,
  invalidRequest,
  toolArgumentsObject,
  type ChatCompletionContentPart,
  type ChatCompletionMessageParam,
  type ChatRequest,
} from 'switchyard';
import type { ConverseWireRequest, WireContentBlock, WireMessage } from './wire.ts';

type Json = ToolInputSchema.JsonMember['json'];

/** The tool a JSON `response_format` is forced through; its input comes back as `message.content`. */
export const jsonToolName = 'json_response';

/** Bedrock rejects a blank tool result; an empty one says so in words. */
const emptyToolResult = '(no output)';

const imageFormats: Readonly<Record<string, 'png' | 'jpeg' | 'gif' | 'webp'>> = { png: 'png', jpeg: 'jpeg', jpg: 'jpeg', gif: 'gif', webp: 'webp' };

/** Whether this request asks for JSON, which the adapter answers through the forced tool. */
export function wantsJson(req: ChatRequest): boolean {
  const type = req.response_format?.type;
  return type === 'json_object' || type === 'json_schema';
}

/**
 * OpenAI chat request → Converse request. System and developer messages become `system` blocks;
 * tool results become `toolResult` blocks of a user turn; consecutive turns of one role are
 * merged, since Converse requires user and assistant to alternate, starting with the user.
 */
export function toConverse(req: ChatRequest): ConverseWireRequest {
  const system: SystemContentBlock[] = [];
  const messages: WireMessage[] = [];
  const historyTools = new Set<string>();
  const push = (role: WireMessage['role'], content: WireContentBlock[]): void => {
    if (content.length === 0) return;
    const last = messages[messages.length - 1];
    if (last?.role === role) last.content.push(...content);
    else messages.push({ role, content });
  };
  req.messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer':
        for (const text of texts(m.content, i)) if (text.trim() !== '') system.push({ text });
        return;
      case 'user':
        return push('user', userBlocks(m.content, i));
      case 'assistant':
        return push('assistant', assistantBlocks(m, i, historyTools));
      case 'tool': {
        const content = texts(m.content, i).filter((t) => t.trim() !== '');
        const blocks = (content.length === 0 ? [emptyToolResult] : content).map((text) => ({ text }));
        return push('user', [{ toolResult: { toolUseId: m.tool_call_id, content: blocks } }]);
      }
      default:
        throw invalidParam(`messages[${i}].role`, `role '${m.role}' is not supported by Bedrock; send tool results with role 'tool'`);
    }
  });
  if (messages.length === 0) throw invalidRequest('Bedrock needs at least one user message with content', 'messages');
  if (messages[0]?.role !== 'user') {
    throw invalidParam('messages', 'Bedrock requires the conversation (after system messages) to start with a user message');
  }
  const out: ConverseWireRequest = { messages };
  if (system.length > 0) out.system = system;
  const inference = inferenceConfig(req);
  if (inference !== undefined) out.inferenceConfig = inference;
  const toolConfig = toolConfiguration(req, historyTools);
  if (toolConfig !== undefined) out.toolConfig = toolConfig;
  return out;
}

function texts(content: string | readonly { type: string; text?: string }[] | null | undefined, i: number): string[] {
  if (content == null) return [];
  if (typeof content === 'string') return [content];
  return content.map((part, j) => {
    if (part.type === 'text' || part.type === 'refusal') return String(part.text ?? (part as { refusal?: string }).refusal ?? '');
    throw invalidParam(`messages[${i}].content[${j}].type`, `content part '${part.type}' is not supported here by Bedrock`);
  });
}

function userBlocks(content: string | readonly ChatCompletionContentPart[], i: number): WireContentBlock[] {
  if (typeof content === 'string') return content.trim() === '' ? [] : [{ text: content }];
  const out: WireContentBlock[] = [];
  content.forEach((part, j) => {
    if (part.type === 'text') {
      if (part.text.trim() !== '') out.push({ text: part.text });
    } else if (part.type === 'image_url') {
      out.push(imageBlock(part.image_url.url, `messages[${i}].content[${j}].image_url.url`));
    } else {
      throw invalidParam(`messages[${i}].content[${j}].type`, `content part '${part.type}' is not supported by Bedrock`);
    }
  });
  return out;
}

/** `data:image/png;base64,…` → an inline image block; Converse cannot fetch http URLs. */
function imageBlock(url: string, param: string): WireContentBlock {
  const match = /^data:image\/([a-z]+);base64,/i.exec(url);
  if (match === null) {
    throw invalidParam(param, 'Bedrock accepts images only as base64 data: URLs (data:image/png;base64,…), not links it would fetch');
  }
  const format = imageFormats[(match[1] as string).toLowerCase()];
  if (format === undefined) throw invalidParam(param, `image format '${match[1] as string}' is not supported by Bedrock (png, jpeg, gif, webp)`);
  return { image: { format, source: { bytes: url.slice(match[0].length) } } };
}

type AssistantMessage = Extract<ChatCompletionMessageParam, { role: 'assistant' }>;

function assistantBlocks(m: AssistantMessage, i: number, historyTools: Set<string>): WireContentBlock[] {
  const out: WireContentBlock[] = [];
  for (const text of texts(m.content, i)) if (text.trim() !== '') out.push({ text });
  (m.tool_calls ?? []).forEach((call, j) => {
    if (call.type !== 'function') throw invalidParam(`messages[${i}].tool_calls[${j}].type`, `tool call type '${call.type}' is not supported by Bedrock`);
    historyTools.add(call.function.name);
    out.push({ toolUse: { toolUseId: call.id, name: call.function.name, input: toolArgumentsObject(call.function.arguments, `messages[${i}].tool_calls[${j}].function.arguments`) as Json } });
  });
  return out;
}


function inferenceConfig(req: ChatRequest): InferenceConfiguration | undefined {
  const config: InferenceConfiguration = {};
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (maxTokens != null) config.maxTokens = maxTokens;
  if (req.temperature != null) config.temperature = req.temperature;
  if (req.top_p != null) config.topP = req.top_p;
  if (req.stop != null) config.stopSequences = typeof req.stop === 'string' ? [req.stop] : [...req.stop];
  return Object.keys(config).length === 0 ? undefined : config;
}

const anyObject: Json = { type: 'object', properties: {} };

/**
 * `tools` → `toolConfig.tools[].toolSpec`; `tool_choice` auto/required/named → auto/any/tool;
 * `none` leaves tools out. Converse refuses toolUse/toolResult blocks without a `toolConfig`, so
 * a history with tool calls keeps (or, if the client sent none, declares) the tools it used.
 * JSON mode adds the forced `json_response` tool.
 */
function toolConfiguration(req: ChatRequest, historyTools: ReadonlySet<string>): ToolConfiguration | undefined {
  const choice = req.tool_choice;
  let tools: Tool[] = (req.tools ?? []).map((t, i) => {
    if (t.type !== 'function') throw invalidParam(`tools[${i}].type`, `tool type '${t.type}' is not supported by Bedrock`);
    const fn = t.function;
    return {
      toolSpec: {
        name: fn.name,
        ...(fn.description === undefined ? {} : { description: fn.description }),
        inputSchema: { json: (fn.parameters as Json | undefined) ?? anyObject },
      },
    };
  });
  if (choice === 'none' && historyTools.size === 0) tools = [];
  if (tools.length === 0 && historyTools.size > 0) {
    tools = [...historyTools].map((name) => ({ toolSpec: { name, inputSchema: { json: anyObject } } }));
  }
  let toolChoice: ToolChoice | undefined;
  if (choice === 'required') toolChoice = { any: {} };
  else if (choice === 'auto') toolChoice = { auto: {} };
  else if (typeof choice === 'object' && choice.type === 'function') toolChoice = { tool: { name: choice.function.name } };
  else if (typeof choice === 'object') throw invalidParam('tool_choice', `tool_choice type '${choice.type}' is not supported by Bedrock`);
  if (wantsJson(req)) {
    const format = req.response_format;
    const schema = format?.type === 'json_schema' ? (format.json_schema.schema as Json | undefined) : undefined;
    const description =
      (format?.type === 'json_schema' ? format.json_schema.description : undefined) ?? 'Give your answer as the input of this tool, a JSON object.';
    tools.push({ toolSpec: { name: jsonToolName, description, inputSchema: { json: schema ?? { type: 'object' } } } });
    // `any` forces a tool call and, unlike a named choice, is accepted by most Converse models.
    if (toolChoice === undefined || 'auto' in toolChoice) toolChoice = { any: {} };
  }
  if (tools.length === 0) return undefined;
  return toolChoice === undefined ? { tools } : { tools, toolChoice };
}

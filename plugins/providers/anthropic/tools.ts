import type { Tool, ToolChoice } from '@anthropic-ai/sdk/resources/messages';
import { invalidParam, type ChatCompletionTool, type ChatRequest } from 'switchyard';
import { cacheControlOf } from './content.ts';
import { jsonToolName } from './types.ts';

/**
 * `response_format` as Anthropic documents it for JSON output: a tool whose input schema is the
 * wanted schema, forced with `tool_choice`; its input is the answer, unwrapped into `content`.
 */
export interface JsonMode {
  readonly tool: Tool;
  /** The schema is not an object (tool inputs must be), so it sits under `value`. */
  readonly wrapped: boolean;
}

const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;

export function jsonModeOf(req: ChatRequest): JsonMode | undefined {
  const format = req.response_format;
  if (format === undefined || format === null || format.type === 'text') return undefined;
  if (format.type === 'json_object') {
    return { wrapped: false, tool: { name: jsonToolName, description: 'Respond with a JSON object.', input_schema: { type: 'object' } } };
  }
  const spec = format.json_schema;
  const schema = (spec.schema ?? { type: 'object' }) as Record<string, unknown>;
  const wrapped = schema.type !== 'object';
  const name = toolNamePattern.test(spec.name) ? spec.name : jsonToolName;
  const input_schema: Tool.InputSchema = wrapped
    ? { type: 'object', properties: { value: schema }, required: ['value'] }
    : { ...schema, type: 'object' };
  const description = spec.description ?? 'Respond with JSON that matches this schema.';
  return { wrapped, tool: { name, description, input_schema } };
}

/** OpenAI function tools → Anthropic tools (`parameters` → `input_schema`, `cache_control` kept). */
export function toTools(tools: readonly ChatCompletionTool[]): Tool[] {
  return tools.map((t, i) => {
    const param = `tools[${i}]`;
    if (t.type !== 'function') throw invalidParam(`${param}.type`, 'only function tools are supported by Anthropic');
    const fn = t.function;
    const params = (fn.parameters ?? {}) as Record<string, unknown>;
    if (params.type !== undefined && params.type !== 'object') {
      throw invalidParam(`${param}.function.parameters.type`, "Anthropic tool parameters must be a JSON schema of type 'object'");
    }
    const input_schema: Tool.InputSchema = { properties: {}, ...params, type: 'object' };
    const tool: Tool = { name: fn.name, input_schema };
    if (fn.description !== undefined) tool.description = fn.description;
    const cache = cacheControlOf(t, param);
    if (cache !== undefined) tool.cache_control = cache;
    return tool;
  });
}

export interface ToolsPart {
  tools?: Tool[];
  tool_choice?: ToolChoice;
}

/**
 * `tools`, `tool_choice` and `parallel_tool_calls`, with the JSON-mode tool folded in. Anthropic
 * refuses forced tool use while thinking, so with `reasoning_effort` the JSON tool is offered,
 * not forced.
 */
export function toToolsPart(req: ChatRequest, json: JsonMode | undefined, thinking: boolean): ToolsPart {
  const choice = req.tool_choice;
  const named = typeof choice === 'object' && choice !== null ? choice : undefined;
  if (named !== undefined && named.type !== 'function') {
    throw invalidParam('tool_choice', `tool_choice of type '${named.type}' is not supported by Anthropic`);
  }
  const userTools = choice === 'none' && json !== undefined ? [] : toTools(req.tools ?? []);
  const noParallel = req.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  if (json !== undefined) {
    if (userTools.some((t) => t.name === json.tool.name)) {
      throw invalidParam('response_format', `a tool is already named '${json.tool.name}', the name the JSON answer uses`);
    }
    const tools = [...userTools, json.tool];
    if (named !== undefined) return { tools, tool_choice: { type: 'tool', name: named.function.name, ...noParallel } };
    if (thinking) return { tools, tool_choice: { type: 'auto', ...noParallel } };
    if (userTools.length === 0) return { tools, tool_choice: { type: 'tool', name: json.tool.name, ...noParallel } };
    // Either a user tool or the JSON answer: whichever the model picks, the client gets a valid reply.
    return { tools, tool_choice: { type: 'any', ...noParallel } };
  }
  if (userTools.length === 0) {
    if (choice === 'required' || named !== undefined) throw invalidParam('tool_choice', 'tool_choice needs tools');
    return {};
  }
  if (choice === 'none') return { tools: userTools, tool_choice: { type: 'none' } };
  if (choice === 'required') return { tools: userTools, tool_choice: { type: 'any', ...noParallel } };
  if (named !== undefined) return { tools: userTools, tool_choice: { type: 'tool', name: named.function.name, ...noParallel } };
  return req.parallel_tool_calls === false ? { tools: userTools, tool_choice: { type: 'auto', disable_parallel_tool_use: true } } : { tools: userTools };
}

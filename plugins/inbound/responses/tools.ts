import { invalidParam, type ChatCompletionTool, type ChatCompletionToolChoiceOption } from 'switchyard';
import { arrayAt, isAbsent, objectAt, oneOf, optionalBoolean, optionalString, stringAt } from './fields.ts';
import type { FunctionTool, ResponsesRequestEcho } from './types.ts';
import { notTranslated } from './unsupported.ts';

/** What the tools part of a Responses body becomes: chat fields, and the settings to echo. */
export interface ToolsPart {
  readonly chat: {
    tools?: ChatCompletionTool[];
    tool_choice?: ChatCompletionToolChoiceOption;
    parallel_tool_calls?: boolean;
  };
  readonly echo: Pick<ResponsesRequestEcho, 'tools' | 'tool_choice' | 'parallel_tool_calls'>;
}

/**
 * `tools` (function tools only; built-in tools are OpenAI's and refused), `tool_choice` and
 * `parallel_tool_calls`. `tool_choice: {type: 'allowed_tools'}` is honoured by sending only the
 * allowed tools. Without tools, `auto`/`none` and `parallel_tool_calls` are left out (chat
 * servers reject them alone); `required` or a named function without tools is a 400.
 */
export function toolsPart(body: Record<string, unknown>): ToolsPart {
  const tools = isAbsent(body.tools) ? [] : arrayAt(body.tools, 'tools').map((t, i) => functionTool(t, `tools[${i}]`));
  const choice = toolChoice(body.tool_choice, tools);
  const parallel = optionalBoolean(body.parallel_tool_calls, 'parallel_tool_calls');
  const sent = choice.allowed === undefined ? tools : tools.filter((t) => choice.allowed?.has(t.name));
  const chat: ToolsPart['chat'] = {};
  if (sent.length > 0) {
    chat.tools = sent.map(toChatTool);
    if (choice.chat !== undefined) chat.tool_choice = choice.chat;
    if (parallel !== undefined) chat.parallel_tool_calls = parallel;
  } else if (choice.chat === 'required' || typeof choice.chat === 'object') {
    throw invalidParam('tool_choice', 'tool_choice requires at least one function tool');
  }
  return { chat, echo: { tools, tool_choice: choice.echo, parallel_tool_calls: parallel ?? true } };
}

function functionTool(raw: unknown, param: string): FunctionTool {
  const tool = objectAt(raw, param);
  const type = stringAt(tool.type, `${param}.type`);
  if (type !== 'function') throw notTranslated(`${param}.type`, `the built-in tool '${type}'`);
  const parameters = isAbsent(tool.parameters) ? null : objectAt(tool.parameters, `${param}.parameters`);
  return {
    type: 'function',
    name: stringAt(tool.name, `${param}.name`),
    description: optionalString(tool.description, `${param}.description`) ?? null,
    parameters,
    strict: optionalBoolean(tool.strict, `${param}.strict`) ?? null,
  };
}

function toChatTool(tool: FunctionTool): ChatCompletionTool {
  const fn: Extract<ChatCompletionTool, { type: 'function' }>['function'] = { name: tool.name };
  if (tool.description !== null && tool.description !== undefined) fn.description = tool.description;
  if (tool.parameters !== null) fn.parameters = tool.parameters;
  if (tool.strict !== null) fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

interface Choice {
  readonly chat: ChatCompletionToolChoiceOption | undefined;
  readonly echo: ResponsesRequestEcho['tool_choice'];
  /** Names of the tools `allowed_tools` lets through. */
  readonly allowed?: ReadonlySet<string>;
}

function toolChoice(raw: unknown, tools: readonly FunctionTool[]): Choice {
  if (isAbsent(raw)) return { chat: undefined, echo: 'auto' };
  if (typeof raw === 'string') {
    const mode = oneOf(raw, ['none', 'auto', 'required'] as const, 'tool_choice');
    return { chat: mode, echo: mode };
  }
  const choice = objectAt(raw, 'tool_choice');
  const type = stringAt(choice.type, 'tool_choice.type');
  if (type === 'function') {
    const name = stringAt(choice.name, 'tool_choice.name');
    if (!tools.some((t) => t.name === name)) throw invalidParam('tool_choice.name', `tool_choice names '${name}', which is not among the function tools`);
    return { chat: { type: 'function', function: { name } }, echo: { type: 'function', name } };
  }
  if (type === 'allowed_tools') {
    const mode = oneOf(choice.mode, ['auto', 'required'] as const, 'tool_choice.mode');
    const allowed = new Set(
      arrayAt(choice.tools, 'tool_choice.tools').map((t, i) => {
        const ref = objectAt(t, `tool_choice.tools[${i}]`);
        if (ref.type !== 'function') throw notTranslated(`tool_choice.tools[${i}].type`, `allowing the built-in tool '${String(ref.type)}'`);
        return stringAt(ref.name, `tool_choice.tools[${i}].name`);
      }),
    );
    const tools = [...allowed].map((name) => ({ type: 'function' as const, name }));
    return { chat: mode, echo: { type: 'allowed_tools', mode, tools }, allowed };
  }
  throw notTranslated('tool_choice', `tool_choice of type '${type}'`);
}

import {
  cutEcho,
  invalidParam,
  type ChatCompletionContentPart,
  type ChatCompletionMessageParam,
  type ChatCompletionMessageToolCall,
} from 'switchyard';
import { blockType, mediaParts, notTranslatable, textOf } from './content.ts';
import { arrayAt, objectAt, oneOf, optionalBoolean, stringAt, type JsonObject } from './fields.ts';

type ToolMessage = Extract<ChatCompletionMessageParam, { role: 'tool' }>;

/**
 * Separator between text blocks that were written as separate pieces (system blocks, the parts
 * of one tool result). An assistant's own text blocks are joined with nothing: Anthropic splits
 * one answer into several blocks (around citations), and they read as one text.
 */
const pieceSeparator = '\n\n';

/** Prefix that tells a chat model a tool result is an error (chat has no `is_error`). */
export const toolErrorPrefix = 'Error: ';

/** `system`: a string or text blocks → one system message (none when empty). */
export function systemMessage(system: unknown, param: string): ChatCompletionMessageParam | undefined {
  if (system === undefined || system === null) return undefined;
  const text = typeof system === 'string' ? system : textBlocks(arrayAt(system, param), param);
  return text === '' ? undefined : { role: 'system', content: text };
}

function textBlocks(blocks: unknown[], param: string): string {
  return blocks
    .map((b, i) => {
      const block = objectAt(b, `${param}[${i}]`);
      oneOf(block.type, ['text'], `${param}[${i}].type`);
      return textOf(block, `${param}[${i}]`);
    })
    .join(pieceSeparator);
}

/** Every Messages turn → chat messages, in order (a user turn may become several). */
export function chatMessages(messages: unknown, param = 'messages'): ChatCompletionMessageParam[] {
  const list = arrayAt(messages, param);
  if (list.length === 0) throw invalidParam(param, `'${param}' must hold at least one message`);
  return list.flatMap((m, i) => turn(objectAt(m, `${param}[${i}]`), `${param}[${i}]`));
}

function turn(message: JsonObject, param: string): ChatCompletionMessageParam[] {
  const role = oneOf(message.role, ['user', 'assistant', 'system'], `${param}.role`);
  const content = message.content;
  if (content === undefined) throw invalidParam(`${param}.content`, `'${param}.content' is required`);
  if (typeof content !== 'string' && !Array.isArray(content)) {
    throw invalidParam(`${param}.content`, `'${param}.content' must be a string or an array of content blocks`);
  }
  const blocks = typeof content === 'string' ? undefined : content.map((b, i) => objectAt(b, `${param}.content[${i}]`));
  switch (role) {
    case 'system': {
      const system = systemMessage(content, `${param}.content`);
      return system === undefined ? [] : [system];
    }
    case 'assistant':
      return [blocks === undefined ? { role: 'assistant', content: content as string } : assistantTurn(blocks, `${param}.content`)];
    case 'user':
      return blocks === undefined ? [{ role: 'user', content: content as string }] : userTurn(blocks, `${param}.content`);
  }
}

/**
 * A user turn's tool results become `tool` messages first, in their order, then one user
 * message with the rest. Chat tool messages carry text only, so images and documents inside a
 * tool result move to that user message, ahead of the turn's own content.
 */
function userTurn(blocks: JsonObject[], param: string): ChatCompletionMessageParam[] {
  const toolMessages: ToolMessage[] = [];
  const toolMedia: ChatCompletionContentPart[] = [];
  const parts: ChatCompletionContentPart[] = [];
  blocks.forEach((block, i) => {
    const at = `${param}[${i}]`;
    const type = blockType(block, at);
    if (type === 'tool_result') {
      const result = toolResult(block, at);
      toolMessages.push(result.message);
      toolMedia.push(...result.media);
    } else if (type === 'thinking' || type === 'redacted_thinking') {
      // Thinking is the model's own; a chat model cannot take it back (see README).
    } else if (type === 'tool_use') {
      throw notTranslatable(`${at}.type`, "'tool_use' blocks belong in assistant messages");
    } else {
      parts.push(...mediaParts(block, at));
    }
  });
  const rest = [...toolMedia, ...parts];
  if (rest.length === 0 && toolMessages.length > 0) return toolMessages;
  return [...toolMessages, { role: 'user', content: rest }];
}

function toolResult(block: JsonObject, param: string): { message: ToolMessage; media: ChatCompletionContentPart[] } {
  const id = stringAt(block.tool_use_id, `${param}.tool_use_id`);
  const isError = optionalBoolean(block.is_error, `${param}.is_error`) === true;
  const texts: string[] = [];
  const media: ChatCompletionContentPart[] = [];
  const content = block.content;
  if (typeof content === 'string') texts.push(content);
  else if (content !== undefined && content !== null) {
    arrayAt(content, `${param}.content`).forEach((b, i) => {
      const at = `${param}.content[${i}]`;
      for (const part of mediaParts(objectAt(b, at), at)) {
        if (part.type === 'text') texts.push(part.text);
        else media.push(part);
      }
    });
  }
  const text = texts.join(pieceSeparator);
  return { message: { role: 'tool', tool_call_id: id, content: isError ? toolErrorPrefix + text : text }, media };
}

/** Text blocks → `content`, tool_use blocks → `tool_calls` with the same ids; thinking dropped. */
function assistantTurn(blocks: JsonObject[], param: string): ChatCompletionMessageParam {
  let text = '';
  const toolCalls: ChatCompletionMessageToolCall[] = [];
  blocks.forEach((block, i) => {
    const at = `${param}[${i}]`;
    const type = blockType(block, at);
    switch (type) {
      case 'text':
        text += textOf(block, at);
        break;
      case 'tool_use':
        toolCalls.push({
          id: stringAt(block.id, `${at}.id`),
          type: 'function',
          function: { name: stringAt(block.name, `${at}.name`), arguments: JSON.stringify(objectAt(block.input, `${at}.input`)) },
        });
        break;
      case 'thinking':
      case 'redacted_thinking':
        break;
      default:
        throw notTranslatable(`${at}.type`, `content block '${cutEcho(type)}' is not supported in assistant messages here`);
    }
  });
  if (toolCalls.length === 0) return { role: 'assistant', content: text };
  return { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls };
}

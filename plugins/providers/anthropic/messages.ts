import type { ContentBlockParam, MessageParam, TextBlockParam, ToolResultBlockParam, ToolUseBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { invalidParam, toolArgumentsObject, type ChatCompletionMessageParam, type ChatCompletionMessageToolCall } from 'switchyard';
import { cacheControlOf, textBlock, userPartBlock } from './content.ts';

type Role = 'user' | 'assistant';
interface Turn {
  role: Role;
  content: ContentBlockParam[];
}

/** The conversation in Anthropic's terms: a top-level system prompt and alternating turns. */
export interface AnthropicConversation {
  readonly system: string | TextBlockParam[] | undefined;
  readonly messages: MessageParam[];
}

/**
 * OpenAI messages → Anthropic's `system` and `messages`. System and developer messages, wherever
 * they are, go to `system` in order; tool results become `tool_result` blocks in a user turn; and
 * consecutive messages of one role are merged, because Anthropic requires alternating roles.
 */
export function toConversation(messages: readonly ChatCompletionMessageParam[]): AnthropicConversation {
  const system: TextBlockParam[] = [];
  const turns: Turn[] = [];
  for (const [i, m] of messages.entries()) {
    const param = `messages[${i}]`;
    if (m.role === 'system' || m.role === 'developer') {
      system.push(...withMessageCache(m, param, systemBlocks(m.content, param)));
      continue;
    }
    const role: Role = m.role === 'assistant' ? 'assistant' : 'user';
    const blocks = withMessageCache(m, param, blocksOf(m, param));
    if (blocks.length === 0) continue;
    const last = turns[turns.length - 1];
    if (last !== undefined && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  }
  if (turns.length === 0) throw invalidParam('messages', 'Anthropic needs at least one user message with non-empty content');
  if (turns[0]?.role !== 'user') {
    throw invalidParam('messages', 'Anthropic needs the first non-system message to be a user message');
  }
  return { system: systemOf(system), messages: turns.map(compact) };
}

function blocksOf(m: Exclude<ChatCompletionMessageParam, { role: 'system' | 'developer' }>, param: string): ContentBlockParam[] {
  switch (m.role) {
    case 'user': {
      if (typeof m.content === 'string') return present(textBlock(m.content, undefined));
      return m.content.flatMap((part, j) => present(userPartBlock(part, `${param}.content[${j}]`)));
    }
    case 'assistant': {
      const blocks: ContentBlockParam[] = [];
      if (typeof m.content === 'string') blocks.push(...present(textBlock(m.content, undefined)));
      else if (Array.isArray(m.content)) {
        for (const [j, part] of m.content.entries()) {
          const text = part.type === 'text' ? part.text : part.refusal;
          blocks.push(...present(textBlock(text, cacheControlOf(part, `${param}.content[${j}]`))));
        }
      }
      for (const [j, call] of (m.tool_calls ?? []).entries()) blocks.push(toolUse(call, `${param}.tool_calls[${j}]`));
      if (m.function_call != null) throw invalidParam(`${param}.function_call`, "'function_call' is deprecated; send 'tool_calls'");
      return blocks;
    }
    case 'tool':
      return [toolResult(m.tool_call_id, m.content, param)];
    case 'function':
      throw invalidParam(`${param}.role`, "the deprecated 'function' role is not supported; use 'tool'");
  }
}

function systemBlocks(content: string | readonly { type: 'text'; text: string }[], param: string): TextBlockParam[] {
  if (typeof content === 'string') return present(textBlock(content, undefined));
  return content.flatMap((part, j) => present(textBlock(part.text, cacheControlOf(part, `${param}.content[${j}]`))));
}

/** Message-level `cache_control` marks the message's last block, as Anthropic caches up to a block. */
function withMessageCache<B extends ContentBlockParam>(m: object, param: string, blocks: B[]): B[] {
  const cache = cacheControlOf(m, param);
  const last = blocks[blocks.length - 1];
  if (cache === undefined || last === undefined) return blocks;
  blocks[blocks.length - 1] = { ...last, cache_control: cache };
  return blocks;
}

function toolUse(call: ChatCompletionMessageToolCall, param: string): ToolUseBlockParam {
  if (call.type !== 'function') throw invalidParam(`${param}.type`, 'custom tool calls are not supported by Anthropic');
  return { type: 'tool_use', id: call.id, name: call.function.name, input: toolArgumentsObject(call.function.arguments, `${param}.function.arguments`) };
}


function toolResult(id: string, content: string | readonly { type: 'text'; text: string }[], param: string): ToolResultBlockParam {
  const block: ToolResultBlockParam = { type: 'tool_result', tool_use_id: id };
  if (typeof content === 'string') {
    // An empty result is sent without content: Anthropic rejects empty text.
    if (content !== '') block.content = content;
    return block;
  }
  const parts = content.flatMap((part, j) => present(textBlock(part.text, cacheControlOf(part, `${param}.content[${j}]`))));
  if (parts.length > 0) block.content = parts;
  return block;
}

function systemOf(blocks: TextBlockParam[]): string | TextBlockParam[] | undefined {
  if (blocks.length === 0) return undefined;
  // Blocks are only needed to carry cache_control; otherwise one string is the documented form.
  if (blocks.some((b) => b.cache_control != null)) return blocks;
  return blocks.map((b) => b.text).join('\n\n');
}

/** A turn of one plain text block is sent as a string, the API's simplest form. */
function compact(turn: Turn): MessageParam {
  const only = turn.content.length === 1 ? turn.content[0] : undefined;
  if (only?.type === 'text' && only.cache_control == null && only.citations == null) return { role: turn.role, content: only.text };
  return { role: turn.role, content: turn.content };
}

function present<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}

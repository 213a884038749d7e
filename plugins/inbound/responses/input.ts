import { invalidParam } from 'switchyard';
import { arrayAt, isAbsent, isObject, objectAt, oneOf, optionalString, stringAt, type JsonObject } from './fields.ts';
import type {
  ConversationItem,
  NewId,
  ResponseFunctionToolCallItem,
  ResponseFunctionToolCallOutputItem,
  ResponseInputMessageItem,
  ResponseOutputMessage,
  ResponseOutputText,
} from './types.ts';
import { notTranslated } from './unsupported.ts';

type InputPart = ResponseInputMessageItem['content'][number];
type OutputPart = ResponseOutputMessage['content'][number];
type ToolOutputPart = Exclude<ResponseFunctionToolCallOutputItem['output'], string>[number];

const roles = ['user', 'system', 'developer', 'assistant'] as const;
const imageDetails = new Set(['low', 'high', 'auto']);

/**
 * `input` (a string or a list of items) → normalised conversation items with ids, as OpenAI's
 * `input_items` lists them: a string becomes one user message with an `input_text` part.
 * `reasoning` items (replayed from an OpenAI response) are dropped: their content is encrypted
 * for OpenAI and means nothing to another provider.
 */
export function normaliseInput(input: unknown, newId: NewId): ConversationItem[] {
  if (isAbsent(input)) return [];
  if (typeof input === 'string') {
    return [{ id: newId('msg'), type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: input }] }];
  }
  const items: ConversationItem[] = [];
  arrayAt(input, 'input').forEach((raw, i) => {
    const item = normaliseItem(raw, `input[${i}]`, newId);
    if (item !== undefined) items.push(item);
  });
  return items;
}

function normaliseItem(raw: unknown, param: string, newId: NewId): ConversationItem | undefined {
  const item = objectAt(raw, param);
  // An item without a type is the "easy" message form `{role, content}`.
  const type = isAbsent(item.type) ? 'message' : stringAt(item.type, `${param}.type`);
  switch (type) {
    case 'message':
      return message(item, param, newId);
    case 'function_call':
      return functionCall(item, param, newId);
    case 'function_call_output':
      return functionCallOutput(item, param, newId);
    case 'reasoning':
      return undefined;
    case 'item_reference':
      throw notTranslated(`${param}.type`, "an 'item_reference' input item");
    default:
      throw notTranslated(`${param}.type`, `an input item of type '${type}'`);
  }
}

function message(item: JsonObject, param: string, newId: NewId): ConversationItem {
  const role = oneOf(item.role, roles, `${param}.role`);
  const id = optionalString(item.id, `${param}.id`) ?? newId('msg');
  const raw = item.content;
  const parts = typeof raw === 'string' ? [{ type: role === 'assistant' ? 'output_text' : 'input_text', text: raw }] : arrayAt(raw, `${param}.content`);
  if (role === 'assistant') {
    const content = parts.map((p, j) => outputPart(p, `${param}.content[${j}]`));
    return { id, type: 'message', role, status: 'completed', content };
  }
  const content = parts.map((p, j) => inputPart(p, `${param}.content[${j}]`, role !== 'user'));
  return { id, type: 'message', role, status: 'completed', content };
}

/** A part of a user, system or developer message. System prompts are text only in chat. */
function inputPart(raw: unknown, param: string, textOnly: boolean): InputPart {
  const part = objectAt(raw, param);
  const type = stringAt(part.type, `${param}.type`);
  if (type === 'input_text') return { type, text: stringAt(part.text, `${param}.text`) };
  if (textOnly) throw invalidParam(`${param}.type`, `system and developer messages carry only 'input_text' parts, not '${type}'`);
  switch (type) {
    case 'input_image':
      return image(part, param);
    case 'input_file':
      return file(part, param);
    case 'output_text':
      throw invalidParam(`${param}.type`, "'output_text' parts belong to assistant messages; use 'input_text'");
    default:
      throw notTranslated(`${param}.type`, `a content part of type '${type}'`);
  }
}

function image(part: JsonObject, param: string): InputPart {
  if (!isAbsent(part.file_id)) throw notTranslated(`${param}.file_id`, 'an image given by file_id');
  const url = stringAt(part.image_url, `${param}.image_url`);
  const detail = optionalString(part.detail, `${param}.detail`);
  // `original` has no chat equivalent; the provider's default applies.
  return { type: 'input_image', image_url: url, detail: detail !== undefined && imageDetails.has(detail) ? (detail as 'low' | 'high' | 'auto') : 'auto' };
}

/** Files inline only: a `file_id` or `file_url` would need OpenAI's file storage or a fetch. */
function file(part: JsonObject, param: string): InputPart {
  if (!isAbsent(part.file_id)) throw notTranslated(`${param}.file_id`, 'a file given by file_id');
  if (!isAbsent(part.file_url)) throw notTranslated(`${param}.file_url`, 'a file given by file_url');
  const data = stringAt(part.file_data, `${param}.file_data`);
  const filename = optionalString(part.filename, `${param}.filename`);
  return filename === undefined ? { type: 'input_file', file_data: data } : { type: 'input_file', file_data: data, filename };
}

/** A part of an assistant message: what an earlier response said. */
function outputPart(raw: unknown, param: string): OutputPart {
  const part = objectAt(raw, param);
  const type = stringAt(part.type, `${param}.type`);
  switch (type) {
    case 'output_text':
    case 'input_text':
      return { type: 'output_text', text: stringAt(part.text, `${param}.text`), annotations: annotationsOf(part.annotations) };
    case 'refusal':
      return { type: 'refusal', refusal: stringAt(part.refusal, `${param}.refusal`) };
    default:
      throw invalidParam(`${param}.type`, `assistant messages carry 'output_text' or 'refusal' parts, not '${type}'`);
  }
}

function annotationsOf(raw: unknown): ResponseOutputText['annotations'] {
  return Array.isArray(raw) ? (raw.filter(isObject) as unknown as ResponseOutputText['annotations']) : [];
}

function functionCall(item: JsonObject, param: string, newId: NewId): ResponseFunctionToolCallItem {
  return {
    id: optionalString(item.id, `${param}.id`) ?? newId('fc'),
    type: 'function_call',
    status: 'completed',
    call_id: stringAt(item.call_id, `${param}.call_id`),
    name: stringAt(item.name, `${param}.name`),
    arguments: stringAt(item.arguments, `${param}.arguments`),
  };
}

function functionCallOutput(item: JsonObject, param: string, newId: NewId): ResponseFunctionToolCallOutputItem {
  const raw = item.output;
  const output = typeof raw === 'string' ? raw : arrayAt(raw, `${param}.output`).map((p, j) => toolOutputPart(p, `${param}.output[${j}]`));
  return {
    id: optionalString(item.id, `${param}.id`) ?? newId('fco'),
    type: 'function_call_output',
    status: 'completed',
    call_id: stringAt(item.call_id, `${param}.call_id`),
    output,
  };
}

/** Chat tool messages are text only, so a tool's output may be text parts only. */
function toolOutputPart(raw: unknown, param: string): ToolOutputPart {
  const part = objectAt(raw, param);
  const type = stringAt(part.type, `${param}.type`);
  if (type !== 'input_text') throw notTranslated(`${param}.type`, `a function_call_output part of type '${type}'`);
  return { type, text: stringAt(part.text, `${param}.text`) };
}

import { invalidParam, toolArgumentsObject, type ChatCompletionContentPart, type ChatCompletionMessageParam } from 'switchyard';
import type { Content, Part } from './types.ts';

export interface GeminiConversation {
  contents: Content[];
  systemInstruction?: Content;
}

/**
 * OpenAI messages → Gemini `contents` and `systemInstruction`.
 * - system and developer messages, wherever they stand, become parts of the one system instruction;
 * - `assistant` is Gemini's `model`; tool results are `user` turns with `functionResponse` parts,
 *   named after the earlier call they answer (Gemini has no call ids);
 * - adjacent turns of the same role are merged (parallel tool results must share one turn);
 * - empty text is left out, since Gemini rejects empty parts.
 */
export function toConversation(messages: readonly ChatCompletionMessageParam[]): GeminiConversation {
  const system: Part[] = [];
  const contents: Content[] = [];
  const callNames = new Map<string, string>();
  const push = (role: 'user' | 'model', parts: Part[]): void => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last?.role === role) (last.parts as Part[]).push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push(...textParts(m.content));
        return;
      case 'user':
        push('user', userParts(m.content, i));
        return;
      case 'assistant': {
        const parts = typeof m.content === 'string' || m.content == null ? textParts(m.content ?? '') : assistantParts(m.content);
        for (const [k, call] of (m.tool_calls ?? []).entries()) {
          if (call.type !== 'function') throw invalidParam(`messages[${i}].tool_calls[${k}].type`, `Gemini supports function tool calls only`);
          callNames.set(call.id, call.function.name);
          parts.push({ functionCall: { name: call.function.name, args: toolArgumentsObject(call.function.arguments, `messages[${i}].tool_calls[${k}].function.arguments`) } });
        }
        push('model', parts);
        return;
      }
      case 'tool': {
        const name = callNames.get(m.tool_call_id);
        if (name === undefined) {
          throw invalidParam(`messages[${i}].tool_call_id`, `tool_call_id '${m.tool_call_id}' answers no earlier assistant tool call`);
        }
        push('user', [{ functionResponse: { name, response: toolResponse(textOf(m.content)) } }]);
        return;
      }
      case 'function':
        push('user', [{ functionResponse: { name: m.name, response: toolResponse(m.content ?? '') } }]);
        return;
      default: {
        const role: never = m;
        throw invalidParam(`messages[${i}].role`, `unknown role '${String((role as { role: unknown }).role)}'`);
      }
    }
  });

  // Gemini needs at least one turn; a request made of system text alone is asked as a user turn.
  if (contents.length === 0 && system.length > 0) return { contents: [{ role: 'user', parts: system }] };
  if (contents.length === 0) throw invalidParam('messages', 'Gemini needs at least one message with content');
  return system.length > 0 ? { contents, systemInstruction: { parts: system } } : { contents };
}

type TextLike = string | readonly { type: string; text?: string; refusal?: string }[] | null | undefined;

function textOf(content: TextLike): string {
  if (typeof content === 'string') return content;
  return (content ?? []).map((p) => p.text ?? p.refusal ?? '').join('');
}

function textParts(content: TextLike): Part[] {
  if (typeof content === 'string' || content == null) return content ? [{ text: content }] : [];
  return content.flatMap((p) => (p.text ? [{ text: p.text }] : []));
}

function assistantParts(content: readonly { type: string; text?: string; refusal?: string }[]): Part[] {
  return content.flatMap((p) => {
    const text = p.type === 'refusal' ? p.refusal : p.text;
    return text ? [{ text }] : [];
  });
}

function userParts(content: string | readonly ChatCompletionContentPart[], i: number): Part[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  return content.flatMap((part, k): Part[] => {
    const param = `messages[${i}].content[${k}]`;
    switch (part.type) {
      case 'text':
        return part.text === '' ? [] : [{ text: part.text }];
      case 'image_url':
        return [mediaPart(part.image_url.url, `${param}.image_url.url`)];
      case 'input_audio':
        return [{ inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data } }];
      case 'file': {
        const data = part.file.file_data;
        if (data === undefined) throw invalidParam(`${param}.file`, 'Gemini needs the file inline (file_data as a data: URL); file_id is not supported');
        return [mediaPart(data, `${param}.file.file_data`)];
      }
      default:
        throw invalidParam(`${param}.type`, `content part type '${(part as { type: string }).type}' is not supported by Gemini`);
    }
  });
}

const dataUrl = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;
const mimeByExtension: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  mp3: 'audio/mp3',
  wav: 'audio/wav',
  mp4: 'video/mp4',
};

/**
 * A data: URL travels inline (`inlineData`); an http(s) URL is passed by reference
 * (`fileData`), its MIME type guessed from the extension, `image/jpeg` when there is none.
 */
export function mediaPart(url: string, param: string): Part {
  const inline = dataUrl.exec(url);
  if (inline) return { inlineData: { mimeType: inline[1] as string, data: inline[2] as string } };
  if (!/^https?:\/\//i.test(url)) throw invalidParam(param, 'expected a data: URL with base64 content or an http(s) URL');
  const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  return { fileData: { mimeType: (ext && mimeByExtension[ext]) || 'image/jpeg', fileUri: url } };
}


/**
 * `functionResponse.response` must be a JSON object. A result that is one is sent as it is;
 * anything else is wrapped as `{ output }`, the key Gemini's documentation uses.
 */
function toolResponse(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Plain text result.
  }
  return { output: text };
}

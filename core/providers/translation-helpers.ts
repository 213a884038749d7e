import { invalidParam } from '../errors.ts';
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionDelta,
  ChatCompletionMessageToolCall,
  CreateEmbeddingResponse,
  EmbeddingRequest,
  Usage,
} from '../openai/types.ts';

/**
 * Tool-call arguments as the object most providers want: OpenAI sends a JSON string, where an
 * empty string means "no arguments". Anything but a JSON object is the client's error (400).
 */
export function toolArgumentsObject(args: string, param: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw invalidParam(param, 'tool call arguments are not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidParam(param, 'tool call arguments must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** OpenAI's base64 embedding: the float32 array's little-endian bytes. */
export function floatsToBase64(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i] as number, i * 4);
  return bytes.toString('base64');
}

/**
 * Translated providers return floats; a client that asked for `encoding_format: 'base64'` (the
 * `openai` SDK does by default) gets them encoded as OpenAI would. The SDK types the field as
 * number[] only; on the wire it is a string.
 */
export function encodeEmbeddings(response: CreateEmbeddingResponse, format: EmbeddingRequest['encoding_format']): CreateEmbeddingResponse {
  if (format !== 'base64') return response;
  return {
    ...response,
    data: response.data.map((d) =>
      Array.isArray(d.embedding) ? { ...d, embedding: floatsToBase64(d.embedding) as unknown as number[] } : d,
    ),
  };
}

/** What a translated provider answered in its one choice (the core fans out `n`). */
export interface AssistantAnswer {
  readonly content: string | null;
  /** Thinking text, as `reasoning_content`; left out when undefined. */
  readonly reasoning?: string | undefined;
  readonly toolCalls: ChatCompletionMessageToolCall[];
}

/** A chat completion with one assistant choice, in the shape every translated provider returns. */
export function singleChoiceCompletion(
  id: string,
  model: string,
  answer: AssistantAnswer,
  finish: ChatCompletionChoice['finish_reason'],
  usage: Usage | undefined,
): ChatCompletion {
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.content,
          refusal: null,
          ...(answer.toolCalls.length > 0 ? { tool_calls: answer.toolCalls } : {}),
          ...(answer.reasoning === undefined ? {} : { reasoning_content: answer.reasoning }),
        },
        logprobs: null,
        finish_reason: finish,
      },
    ],
    ...(usage === undefined ? {} : { usage }),
  };
}

/** The ids every chunk of one translated stream repeats. */
export interface ChunkIds {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

/** A stream chunk with one choice (index 0) carrying `delta`. */
export function singleChoiceChunk(
  ids: ChunkIds,
  delta: ChatCompletionDelta,
  finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null,
): ChatCompletionChunk {
  return {
    id: ids.id,
    object: 'chat.completion.chunk',
    created: ids.created,
    model: ids.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
}

/** The last chunk of a stream with `stream_options.include_usage`: no choices, the usage. */
export function usageChunk(ids: ChunkIds, usage: Usage): ChatCompletionChunk {
  return { id: ids.id, object: 'chat.completion.chunk', created: ids.created, model: ids.model, choices: [], usage };
}

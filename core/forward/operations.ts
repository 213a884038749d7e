/**
 * Model calls the gateway forwards as they are: the client's body (JSON or a multipart upload)
 * goes to the provider's URL for the operation with only `model` changed, and the answer (JSON or
 * audio bytes) comes back as it arrives. Each is routed by `model` and runs the stages a chat call
 * runs (auth, route, call, log), but no `transform.*` or cache stage: nothing is translated, and
 * nothing is held whole.
 */
export type ForwardOperation = 'images' | 'speech' | 'transcriptions' | 'moderations' | 'rerank';

/**
 * Client API formats a provider may speak natively (design/inbound.md §1, §2): Anthropic's Messages
 * API (`messages`) and OpenAI's Responses API (`responses`). A provider that lists one in its
 * `forwards` gets the client's body of that format passed through, only `model` changed, and its
 * answer relayed as it arrives; every other provider gets the format translated onto chat.
 */
export type NativeOperation = 'messages' | 'responses';

/** Every forwarded operation, in the order `/docs` lists them. */
export const forwardOperations: readonly ForwardOperation[] = Object.freeze(['images', 'speech', 'transcriptions', 'moderations', 'rerank']);

/** What a forwarded operation offers, as named in the 400 for a provider without it. */
export const forwardOperationNames: Readonly<Record<ForwardOperation | NativeOperation, string>> = Object.freeze({
  images: 'images',
  speech: 'audio speech',
  transcriptions: 'audio transcriptions',
  moderations: 'moderations',
  rerank: 'rerank',
  messages: "Anthropic's Messages API",
  responses: "OpenAI's Responses API",
});

/** One forwarded route: where the client calls it, and where the provider serves it. */
export interface ForwardRoute {
  readonly operation: ForwardOperation;
  /** The client's paths (with and without `/v1`). */
  readonly paths: readonly string[];
  /** The upstream path under the provider's base URL (`/images/generations`). */
  readonly upstreamPath: string;
  /** How the client's body arrives. */
  readonly body: 'json' | 'multipart';
  /** One line for `/openapi.json` and `/docs`. */
  readonly summary: string;
  /** What the route offers, when its operation's name says too much (`image edits`): named in a 400. */
  readonly name?: string;
}

/**
 * The upstream paths of the forwarded JSON routes: the ones a provider may serve by translation
 * (`ProviderDefinition.forwardTranslations`), its body read whole before the call anyway.
 */
export type TranslatableForwardPath = '/images/generations' | '/audio/speech' | '/moderations' | '/rerank';

const both = (path: string): readonly string[] => Object.freeze([path, `/v1${path}`]);

/** The forwarded routes (design/inbound.md §3). Files and batches are not among them, on purpose. */
export const forwardRoutes: readonly ForwardRoute[] = Object.freeze([
  { operation: 'images', paths: both('/images/generations'), upstreamPath: '/images/generations', body: 'json', summary: 'Create images (forwarded to the provider)' },
  { operation: 'images', paths: both('/images/edits'), upstreamPath: '/images/edits', body: 'multipart', summary: 'Edit images: multipart upload (forwarded)', name: 'image edits' },
  { operation: 'speech', paths: both('/audio/speech'), upstreamPath: '/audio/speech', body: 'json', summary: 'Text to speech: audio bytes streamed as they arrive (forwarded)' },
  { operation: 'transcriptions', paths: both('/audio/transcriptions'), upstreamPath: '/audio/transcriptions', body: 'multipart', summary: 'Transcribe audio: multipart upload (forwarded)' },
  { operation: 'transcriptions', paths: both('/audio/translations'), upstreamPath: '/audio/translations', body: 'multipart', summary: 'Translate audio to English: multipart upload (forwarded)', name: 'audio translations' },
  { operation: 'moderations', paths: both('/moderations'), upstreamPath: '/moderations', body: 'json', summary: 'Classify text or images for policy violations (forwarded)' },
  { operation: 'rerank', paths: Object.freeze(['/rerank', '/v1/rerank', '/v2/rerank']), upstreamPath: '/rerank', body: 'json', summary: "Rerank documents for a query, in Cohere's shape (forwarded)" },
] satisfies ForwardRoute[]);

/** Whether a context operation is a forwarded one. */
export function isForwardOperation(operation: string): operation is ForwardOperation {
  return (forwardOperations as readonly string[]).includes(operation);
}

import { Type, type TSchema } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { cutEcho } from '../echo.ts';
import { invalidParam, invalidRequest } from '../errors.ts';
import { pointerToPath } from '../validation.ts';
import type { CanonicalRequest, Operation } from './types.ts';

/**
 * Request schemas: what OpenAI itself rejects, so a bad request fails here with a 400 naming the
 * field instead of after a paid upstream round trip. Unknown fields pass through (providers have
 * their own extensions), and `null` is accepted wherever OpenAI accepts it, since SDKs send it.
 */
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Num = (minimum: number, maximum: number) => Type.Optional(Nullable(Type.Number({ minimum, maximum })));
const PositiveInt = () => Type.Optional(Nullable(Type.Integer({ minimum: 1 })));

const TextPart = Type.Object({ type: Type.Literal('text'), text: Type.String() });
const ImagePart = Type.Object({
  type: Type.Literal('image_url'),
  image_url: Type.Object({ url: Type.String({ minLength: 1 }), detail: Type.Optional(Type.String()) }),
});
// Audio, file and refusal parts, and whatever comes next: typed, passed on for the provider to judge.
const OtherPart = Type.Object({ type: Type.String({ pattern: '^(?!text$|image_url$).+' }) });
const ContentPart = Type.Union([TextPart, ImagePart, OtherPart]);
const Content = Type.Union([Type.String(), Type.Array(ContentPart)]);

const ToolCall = Type.Object({
  id: Type.String(),
  type: Type.String(),
  function: Type.Optional(Type.Object({ name: Type.String(), arguments: Type.String() })),
});

/** Every role a chat message may have; the Message union below has one branch per role (or pair). */
const messageRoles: ReadonlySet<unknown> = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);
const rolesList = [...messageRoles].map((r) => JSON.stringify(r)).join(', ');

const Message = Type.Union([
  Type.Object({ role: Type.Union([Type.Literal('system'), Type.Literal('developer')]), content: Content }),
  Type.Object({ role: Type.Literal('user'), content: Content }),
  Type.Object({
    role: Type.Literal('assistant'),
    content: Type.Optional(Nullable(Content)),
    tool_calls: Type.Optional(Nullable(Type.Array(ToolCall))),
  }),
  Type.Object({ role: Type.Literal('tool'), content: Content, tool_call_id: Type.String() }),
  Type.Object({ role: Type.Literal('function'), content: Nullable(Type.String()), name: Type.String() }),
]);

const FunctionTool = Type.Object({
  type: Type.Literal('function'),
  function: Type.Object({
    name: Type.String({ pattern: '^[a-zA-Z0-9_-]{1,64}$' }),
    description: Type.Optional(Type.String()),
    parameters: Type.Optional(Type.Object({})),
    strict: Type.Optional(Nullable(Type.Boolean())),
  }),
});

const ToolChoice = Type.Union([
  Type.Literal('none'),
  Type.Literal('auto'),
  Type.Literal('required'),
  Type.Object({ type: Type.Literal('function'), function: Type.Object({ name: Type.String() }) }),
  Type.Object({ type: Type.String({ pattern: '^(?!function$).+' }) }),
]);

const ResponseFormat = Type.Union([
  Type.Object({ type: Type.Union([Type.Literal('text'), Type.Literal('json_object')]) }),
  Type.Object({
    type: Type.Literal('json_schema'),
    json_schema: Type.Object({
      name: Type.String({ pattern: '^[a-zA-Z0-9_-]{1,64}$' }),
      schema: Type.Optional(Type.Object({})),
      strict: Type.Optional(Nullable(Type.Boolean())),
      description: Type.Optional(Type.String()),
    }),
  }),
]);

const Stop = Type.Optional(Nullable(Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 4 })])));
const StreamOptions = Type.Optional(Nullable(Type.Object({ include_usage: Type.Optional(Type.Boolean()) })));
const Model = Type.String({ minLength: 1 });

export const ChatRequestSchema = Type.Object({
  model: Model,
  messages: Type.Array(Message, { minItems: 1 }),
  temperature: Num(0, 2),
  top_p: Num(0, 1),
  n: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 128 }))),
  max_tokens: PositiveInt(),
  max_completion_tokens: PositiveInt(),
  presence_penalty: Num(-2, 2),
  frequency_penalty: Num(-2, 2),
  logit_bias: Type.Optional(Nullable(Type.Record(Type.String(), Type.Number({ minimum: -100, maximum: 100 })))),
  logprobs: Type.Optional(Nullable(Type.Boolean())),
  top_logprobs: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 20 }))),
  stop: Stop,
  seed: Type.Optional(Nullable(Type.Integer())),
  stream: Type.Optional(Nullable(Type.Boolean())),
  stream_options: StreamOptions,
  tools: Type.Optional(Type.Array(Type.Union([FunctionTool, Type.Object({ type: Type.String({ pattern: '^(?!function$).+' }) })]))),
  tool_choice: Type.Optional(ToolChoice),
  parallel_tool_calls: Type.Optional(Type.Boolean()),
  response_format: Type.Optional(ResponseFormat),
  user: Type.Optional(Type.String()),
});

const Prompt = Type.Union([
  Type.String(),
  Type.Array(Type.String(), { minItems: 1 }),
  Type.Array(Type.Integer(), { minItems: 1 }),
  Type.Array(Type.Array(Type.Integer(), { minItems: 1 }), { minItems: 1 }),
]);

export const CompletionRequestSchema = Type.Object({
  model: Model,
  prompt: Nullable(Prompt),
  temperature: Num(0, 2),
  top_p: Num(0, 1),
  n: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 128 }))),
  max_tokens: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
  presence_penalty: Num(-2, 2),
  frequency_penalty: Num(-2, 2),
  best_of: PositiveInt(),
  echo: Type.Optional(Nullable(Type.Boolean())),
  logprobs: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 5 }))),
  stop: Stop,
  seed: Type.Optional(Nullable(Type.Integer())),
  stream: Type.Optional(Nullable(Type.Boolean())),
  stream_options: StreamOptions,
  suffix: Type.Optional(Nullable(Type.String())),
  user: Type.Optional(Type.String()),
});

export const EmbeddingRequestSchema = Type.Object({
  model: Model,
  input: Type.Union([
    Type.String({ minLength: 1 }),
    Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 2048 }),
    Type.Array(Type.Integer(), { minItems: 1 }),
    Type.Array(Type.Array(Type.Integer(), { minItems: 1 }), { minItems: 1, maxItems: 2048 }),
  ]),
  encoding_format: Type.Optional(Type.Union([Type.Literal('float'), Type.Literal('base64')])),
  dimensions: Type.Optional(Type.Integer({ minimum: 1 })),
  user: Type.Optional(Type.String()),
});

export const requestSchemas: Readonly<Record<Operation, TSchema>> = Object.freeze({
  chat: ChatRequestSchema,
  completions: CompletionRequestSchema,
  embeddings: EmbeddingRequestSchema,
});

// The first error is enough for a 400, and cheaper to find than all of them.
const ajv = new Ajv({ allErrors: false, strict: false });
const validators = {
  chat: ajv.compile(ChatRequestSchema),
  completions: ajv.compile(CompletionRequestSchema),
  embeddings: ajv.compile(EmbeddingRequestSchema),
};

/** Checks a parsed body for `operation`; throws a 400 naming the offending field. */
export function validateRequest(operation: Operation, body: unknown): CanonicalRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidRequest('request body must be a JSON object');
  }
  const validate = validators[operation];
  if (validate(body)) return body as CanonicalRequest;
  // A bad role fails every branch of the Message union differently (a missing `tool_call_id`, one
  // literal), so ajv's errors never list all roles: name them here, on the failure path only.
  const badRole = unknownRole(body);
  if (badRole !== undefined) throw invalidParam(badRole, `'${badRole}' must be one of ${rolesList}`);
  const error = deepestError(validate.errors ?? []);
  if (error === undefined) throw invalidRequest('invalid request body');
  let path = pointerToPath(error.instancePath);
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    path = cutEcho(path === '' ? missing : `${path}.${missing}`);
    throw invalidParam(path, `'${path}' is required`);
  }
  // A path may hold a client's own key (`logit_bias.<key>`): echoed cut.
  path = cutEcho(path);
  throw invalidParam(path, `'${path}' ${describe(error, validate.errors ?? [])}`);
}

/** `messages[i].role` of the first message whose role is not a chat role, if any. */
function unknownRole(body: object): string | undefined {
  const messages = (body as { messages?: unknown }).messages;
  if (!Array.isArray(messages)) return undefined;
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    if (m !== null && typeof m === 'object' && !messageRoles.has((m as { role?: unknown }).role)) return `messages[${i}].role`;
  }
  return undefined;
}

/** ajv's message, except for literal choices, where the allowed values say more than "must be equal to constant". */
function describe(error: { instancePath: string; keyword: string; message?: string; params: unknown }, all: readonly typeof error[]): string {
  if (error.keyword !== 'const' && error.keyword !== 'enum') return error.message ?? 'is invalid';
  const allowed = new Set<string>();
  for (const e of all) {
    if (e.instancePath !== error.instancePath) continue;
    const params = e.params as { allowedValue?: unknown; allowedValues?: unknown[] };
    if (e.keyword === 'const') allowed.add(JSON.stringify(params.allowedValue));
    if (e.keyword === 'enum') for (const v of params.allowedValues ?? []) allowed.add(JSON.stringify(v));
  }
  return `must be one of ${[...allowed].join(', ')}`;
}

/** Among union branches, the error that got furthest into the value says most. */
function deepestError<E extends { instancePath: string; keyword: string }>(errors: readonly E[]): E | undefined {
  let best: E | undefined;
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    if (best === undefined || e.instancePath.length > best.instancePath.length) best = e;
  }
  return best ?? errors[0];
}

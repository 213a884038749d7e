import { forwardRoutes } from '../forward/operations.ts';
import { ChatRequestSchema, CompletionRequestSchema, EmbeddingRequestSchema } from '../openai/schemas.ts';
import type { ModelEntry } from './model-catalog.ts';
import type { RegisteredRoute } from './plugin-routes.ts';

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        message: { type: 'string' },
        type: { type: 'string' },
        param: { type: ['string', 'null'] },
        code: { type: ['string', 'null'] },
      },
    },
  },
};

const errorResponses = Object.fromEntries(
  [
    [400, 'Invalid request (the `param` field names the offending field)'],
    [401, 'Missing or invalid API key'],
    [402, 'Budget exceeded (`x-should-retry: false`)'],
    [403, 'Not allowed (blocked key, model not allowed, admin only)'],
    [404, 'Unknown model or route'],
    [413, 'Request body too large'],
    [429, 'Rate limited (see `Retry-After`)'],
    [502, 'The provider failed'],
    [503, 'No healthy deployment'],
    [504, 'The provider did not answer in time'],
  ].map(([status, description]) => [
    String(status),
    { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  ]),
);

/** Plain JSON Schema (TypeBox adds symbol keys, which JSON drops), with the served models as examples. */
function requestSchema(schema: object, models: readonly string[]): object {
  const plain = JSON.parse(JSON.stringify(schema)) as { properties: { model: Record<string, unknown> } };
  if (models.length > 0) plain.properties.model = { ...plain.properties.model, examples: models.slice(0, 50) };
  return plain;
}

function modelCall(summary: string, schemaRef: string, streams: boolean): object {
  return {
    post: {
      summary,
      security: [{ bearer: [] }],
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: schemaRef } } } },
      responses: {
        '200': {
          description: streams ? 'The answer; with `stream: true`, server-sent events ending in `data: [DONE]`' : 'The answer',
          content: streams ? { 'application/json': {}, 'text/event-stream': {} } : { 'application/json': {} },
        },
        ...errorResponses,
      },
    },
  };
}

/** The forwarded routes (images, audio, moderations, rerank), each once under its `/v1` or `/v2` path. */
function forwardPaths(): Record<string, object> {
  const paths: Record<string, object> = {};
  for (const route of forwardRoutes) {
    const type = route.body === 'json' ? 'application/json' : 'multipart/form-data';
    const answer = route.operation === 'speech' ? { 'audio/mpeg': {}, 'application/octet-stream': {} } : { 'application/json': {} };
    for (const path of route.paths.filter((p) => p.startsWith('/v'))) {
      paths[path] = {
        post: {
          summary: route.summary,
          tags: ['forwarded'],
          security: [{ bearer: [] }],
          requestBody: { required: true, content: { [type]: { schema: { type: 'object', required: ['model'], properties: { model: { type: 'string' } } } } } },
          responses: { '200': { description: "The provider's answer, passed through as it arrives (translated into this route's shape for Gemini's and Bedrock's equivalents)", content: answer }, ...errorResponses },
        },
      };
    }
  }
  return paths;
}

/** Plugin routes with a summary, by path (with `{param}` for koa's `:param`). */
function pluginPaths(routes: readonly RegisteredRoute[]): Record<string, Record<string, object>> {
  const paths: Record<string, Record<string, object>> = {};
  for (const { plugin, route } of routes) {
    if (route.summary === undefined) continue;
    for (const path of typeof route.path === 'string' ? [route.path] : route.path) {
      // The `/v1`-less twin of a route is documented once, as for the core's routes.
      if (!path.startsWith('/v1/') && (typeof route.path === 'string' ? [] : route.path).includes(`/v1${path}`)) continue;
      const openPath = path.replace(/:(\w+)/g, '{$1}').replace(/\*(\w+)/g, '{$1}');
      const params = [...openPath.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
      (paths[openPath] ??= {})[route.method.toLowerCase()] = {
        summary: route.summary,
        tags: [route.tag ?? plugin],
        ...(route.auth === 'none' ? {} : { security: [{ bearer: [] }] }),
        ...(params.length > 0 ? { parameters: params } : {}),
        responses: { '200': { description: 'OK' }, ...errorResponses },
      };
    }
  }
  return paths;
}

/** The OpenAPI 3.1 document of the running gateway: its routes, and the models it serves. */
export function openApiDocument(models: readonly ModelEntry[], version: string, routes: readonly RegisteredRoute[] = []): object {
  const ids = models.map((m) => m.id);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchyard',
      version,
      description:
        'OpenAI-compatible LLM gateway. Every route also answers without the `/v1` prefix.\n\n' +
        `Models served: ${ids.length > 0 ? ids.map((id) => `\`${id}\``).join(', ') : 'any `provider/model`'}.`,
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: errorSchema,
        ChatRequest: requestSchema(ChatRequestSchema, ids),
        CompletionRequest: requestSchema(CompletionRequestSchema, ids),
        EmbeddingRequest: requestSchema(EmbeddingRequestSchema, ids),
      },
    },
    paths: {
      '/v1/chat/completions': modelCall('Chat completion', '#/components/schemas/ChatRequest', true),
      '/v1/completions': modelCall('Text completion (legacy)', '#/components/schemas/CompletionRequest', true),
      '/v1/embeddings': modelCall('Embeddings', '#/components/schemas/EmbeddingRequest', false),
      '/v1/models': { get: { summary: 'Models served', security: [{ bearer: [] }], responses: { '200': { description: 'A list of models' }, ...errorResponses } } },
      '/v1/models/{id}': {
        get: {
          summary: 'One model',
          security: [{ bearer: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'The model' }, ...errorResponses },
        },
      },
      '/health': { get: { summary: 'Liveness', responses: { '200': { description: 'Alive' } } } },
      '/health/readiness': { get: { summary: 'Readiness: plugins, providers, backends', responses: { '200': { description: 'Ready' }, '503': { description: 'Not ready' } } } },
      ...forwardPaths(),
      ...pluginPaths(routes),
    },
  };
}

import type { ServerResponse } from 'node:http';
import { mockOpenAIKey, startMockOpenAI } from './openai.ts';
import { sendJson, startMockServer, type MockServer, type RecordedRequest } from './server.ts';

/**
 * A strict mock of Azure OpenAI's data-plane inference API. It checks what Azure checks — the
 * `api-key` header or an Entra bearer token, the `api-version` query parameter, a known
 * deployment in the path (404 DeploymentNotFound otherwise) — then lets the strict OpenAI mock
 * judge and answer the body, and dresses the answer as Azure does: `prompt_filter_results` and
 * per-choice `content_filter_results`, and in streams a first chunk with empty `choices` that
 * carries only the prompt filter results (and, with `asyncFilter`, a last annotation chunk whose
 * choice has no `delta`). A prompt containing "forbidden topic" is refused with Azure's
 * content-filter 400 (`innererror.code: ResponsibleAIPolicyViolation`).
 */
export interface MockAzureOptions {
  readonly apiKey?: string;
  readonly bearerToken?: string;
  /** Deployment name → the model behind it. */
  readonly deployments?: Readonly<Record<string, string>>;
  /** Azure's asynchronous content filter: an extra annotation chunk at the end of each stream. */
  readonly asyncFilter?: boolean;
}

export interface AzureMock extends MockServer {
  /** The OpenAI mock that answers behind the Azure front. */
  readonly inner: MockServer;
}

export const mockAzureKey = 'az-mock-key-0123456789abcdef';
export const mockAzureToken = 'eyJ-mock-entra-token';
export const defaultAzureDeployments: Readonly<Record<string, string>> = {
  'prod-gpt4o': 'gpt-4o',
  'prod-embed': 'text-embedding-3-small',
  'prod-instruct': 'gpt-3.5-turbo-instruct',
};

const safe = { filtered: false, severity: 'safe' };
const filterResults = { hate: safe, self_harm: safe, sexual: safe, violence: safe };
const promptFilterResults = [{ prompt_index: 0, content_filter_results: { ...filterResults, jailbreak: { filtered: false, detected: false } } }];
const operations = new Set(['chat/completions', 'completions', 'embeddings']);

type Json = Record<string, unknown>;

function azureError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

function contentFilterRefusal(res: ServerResponse): void {
  sendJson(res, 400, {
    error: {
      message:
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
      type: null,
      param: 'prompt',
      code: 'content_filter',
      status: 400,
      innererror: {
        code: 'ResponsibleAIPolicyViolation',
        content_filter_result: { ...filterResults, violence: { filtered: true, severity: 'medium' } },
      },
    },
  });
}

/** Where the request is going: `/openai/deployments/{d}/{op}?api-version=…` or the v1 API `/openai/v1/{op}`. */
function parseTarget(req: RecordedRequest): { deployment: string | undefined; operation: string; version: string | null } | undefined {
  const url = new URL(req.url, 'http://mock');
  const dated = /^\/openai\/deployments\/([^/]+)\/(.+)$/.exec(url.pathname);
  if (dated) return { deployment: decodeURIComponent(dated[1] as string), operation: dated[2] as string, version: url.searchParams.get('api-version') };
  const v1 = /^\/openai\/v1\/(.+)$/.exec(url.pathname);
  if (v1) return { deployment: undefined, operation: v1[1] as string, version: 'v1' };
  return undefined;
}

/**
 * `/openai/v1/responses…` as Azure serves it: a create names its deployment in `model` (404
 * DeploymentNotFound otherwise) and is answered by the OpenAI mock's Responses API for the
 * deployment's model; retrievals (`GET`, `DELETE`, `input_items`) are relayed as they are.
 */
async function relayResponses(req: RecordedRequest, res: ServerResponse, operation: string, inner: string, deployments: Readonly<Record<string, string>>): Promise<void> {
  let body: string | undefined;
  if (req.method === 'POST') {
    const json = (req.json ?? {}) as Json;
    const model = deployments[typeof json.model === 'string' ? json.model : ''];
    if (model === undefined) return azureError(res, 404, 'DeploymentNotFound', 'The API deployment for this resource does not exist.');
    body = JSON.stringify({ ...json, model });
  }
  const query = new URL(req.url, 'http://mock').search;
  const answer = await fetch(`${inner}/${operation}${query}`, {
    method: req.method,
    headers: { authorization: `Bearer ${mockOpenAIKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body }),
  });
  res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
  res.end(Buffer.from(await answer.arrayBuffer()));
}

export async function startMockAzure(options: MockAzureOptions = {}): Promise<AzureMock> {
  const apiKey = options.apiKey ?? mockAzureKey;
  const bearer = options.bearerToken ?? mockAzureToken;
  const deployments = options.deployments ?? defaultAzureDeployments;
  const inner = await startMockOpenAI({ prefix: '', models: [...new Set(Object.values(deployments))] });

  const server = await startMockServer(async (req, res) => {
    const key = req.headers['api-key'];
    const auth = req.headers.authorization;
    if (key === undefined && auth === undefined) {
      return azureError(res, 401, '401', 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.');
    }
    if ((key !== undefined && key !== apiKey) || (key === undefined && auth !== `Bearer ${bearer}`)) {
      return azureError(res, 401, '401', 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.');
    }
    const target = parseTarget(req);
    // The Responses API lives on the v1 API only, the deployment named by the body's `model`.
    if (target?.version === 'v1' && /^responses(\/|$)/.test(target.operation)) return relayResponses(req, res, target.operation, inner.url, deployments);
    if (target === undefined || req.method !== 'POST' || !operations.has(target.operation)) return azureError(res, 404, '404', 'Resource not found');
    if (target.version === null) return azureError(res, 404, '404', 'Resource not found');
    if (target.version !== 'v1' && !/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(target.version)) {
      return azureError(res, 400, 'BadRequest', `API version not supported`);
    }
    const body = (req.json ?? {}) as Json;
    const deployment = target.deployment ?? (typeof body.model === 'string' ? body.model : '');
    const model = deployments[deployment];
    if (model === undefined) {
      return azureError(res, 404, 'DeploymentNotFound', 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.');
    }
    if (/forbidden topic/i.test(JSON.stringify(body.messages ?? body.prompt ?? ''))) return contentFilterRefusal(res);
    // The body's `model` is ignored by dated Azure URLs; the deployment decides.
    const upstream = await fetch(`${inner.url}/${target.operation}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${mockOpenAIKey}`, 'content-type': String(req.headers['content-type'] ?? '') },
      body: JSON.stringify({ ...body, model }),
    });
    if (body.stream !== true || !upstream.ok) {
      const answer = (await upstream.json()) as Json;
      if (upstream.ok && Array.isArray(answer.choices)) {
        answer.prompt_filter_results = promptFilterResults;
        for (const choice of answer.choices as Json[]) choice.content_filter_results = filterResults;
      }
      return sendJson(res, upstream.status, answer);
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(`data: ${JSON.stringify({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: promptFilterResults })}\n\n`);
    const text = await upstream.text();
    for (const frame of text.split('\n\n')) {
      const data = frame.replace(/^data: /, '');
      if (data === '' || data === '[DONE]') continue;
      const chunk = JSON.parse(data) as Json;
      for (const choice of chunk.choices as Json[]) if ((choice.delta as Json).content) choice.content_filter_results = filterResults;
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    }
    if (options.asyncFilter === true) {
      const annotation = { index: 0, finish_reason: null, content_filter_results: filterResults, content_filter_offsets: { check_offset: 0, start_offset: 0, end_offset: 20 } };
      res.write(`data: ${JSON.stringify({ id: '', object: '', created: 0, model: '', choices: [annotation] })}\n\n`);
    }
    res.end('data: [DONE]\n\n');
  });

  return {
    ...server,
    inner,
    async close() {
      await inner.close();
      await server.close();
    },
    reset() {
      inner.reset();
      server.reset();
    },
  };
}

import { forwardOperations, type Deployment, type RequestContext } from 'switchyard';

/** The label of a model name the gateway does not serve: one series for all of them. */
export const otherModel = 'other';

/**
 * Model calls: the operations whose route and log stages run (so the in-flight gauge taken in the
 * route stage is given back in the log stage), forwarded ones (images, audio, moderations,
 * rerank) included: they are counted, timed and priced as the others.
 */
export const modelCalls: ReadonlySet<RequestContext['operation']> = new Set(['chat', 'completions', 'embeddings', ...forwardOperations]);

/**
 * OTel GenAI `gen_ai.operation.name` of each model call; forwarded operations, which OTel does
 * not name, by their own name (five bounded values).
 */
const operationNames: Readonly<Record<string, string>> = {
  chat: 'chat',
  completions: 'text_completion',
  embeddings: 'embeddings',
  ...Object.fromEntries(forwardOperations.map((op) => [op, op])),
};
/** The canonical path of each model call, whichever spelling the client used (`/chat/completions`…). */
const operationRoutes: Readonly<Record<string, string>> = {
  chat: '/v1/chat/completions',
  completions: '/v1/completions',
  embeddings: '/v1/embeddings',
  // The one token-count route there is (Anthropic's Messages API).
  count_tokens: '/v1/messages/count_tokens',
};

/**
 * Turns what a request carries into bounded label values. Model labels only name models the
 * gateway serves: the config's model groups, and names outside them (`provider/model`, a bare
 * provider model) only once a deployment resolved from them answered, at most `maxDynamicModels`
 * of them. Any other name a client sends is `other`, so random names add no series.
 */
export class LabelResolver {
  readonly #groups: ReadonlySet<string>;
  readonly #dynamic = new Set<string>();
  readonly #maxDynamic: number;
  /** Status codes as strings, made once each (a handful of values). */
  readonly #statuses = new Map<number, string>();
  /** `/v1/<format>` of each inbound format (plugins' own names, a handful). */
  readonly #inboundRoutes = new Map<string, string>();

  constructor(groups: readonly string[], maxDynamicModels: number) {
    this.#groups = new Set(groups);
    this.#maxDynamic = maxDynamicModels;
  }

  /** The request model label: a served name, `other`, or '' when no model was read (an auth failure). */
  requestModel(ctx: RequestContext): string {
    const name = ctx.model;
    if (name === '') return '';
    if (this.#groups.has(name) || this.#dynamic.has(name)) return name;
    // A name outside the config is labelled once a deployment made from it answered: the provider
    // knew it. The routing plugin names such a deployment's group after the name the client sent.
    const answered = ctx.deployment;
    if (answered !== undefined && answered.group === name && this.#dynamic.size < this.#maxDynamic) {
      this.#dynamic.add(name);
      return name;
    }
    return otherModel;
  }

  /** The model a deployment sends upstream, as a label: only when the request model is labelled itself. */
  responseModel(requestModel: string, deployment: Deployment | undefined): string {
    if (deployment === undefined || requestModel === '') return '';
    return requestModel === otherModel ? otherModel : deployment.model;
  }

  /** The route label: the canonical path of the call, or of its inbound format (`/v1/messages`). */
  route(ctx: RequestContext): string {
    const inbound = ctx.inbound?.name;
    // A forwarded call: its upstream path under /v1 (`/v1/audio/translations`), one per route.
    const forward = ctx.forward?.route;
    if (forward !== undefined) return `/v1${forward.upstreamPath}`;
    if (inbound === undefined) return operationRoutes[ctx.operation] ?? '';
    let route = this.#inboundRoutes.get(inbound);
    if (route === undefined) {
      route = `/v1/${inbound}`;
      this.#inboundRoutes.set(inbound, route);
    }
    return route;
  }

  /** OTel's `gen_ai.operation.name`: `chat`, `text_completion` or `embeddings`. */
  operation(ctx: RequestContext): string {
    return operationNames[ctx.operation] ?? '';
  }

  status(code: number): string {
    let text = this.#statuses.get(code);
    if (text === undefined) {
      text = String(code);
      this.#statuses.set(code, text);
    }
    return text;
  }
}

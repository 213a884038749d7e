/**
 * One place a model can be served from: a provider, its upstream model name, and optional
 * per-deployment transport settings. Built once at start-up (or per request for
 * `provider/model` names) and never mutated.
 */
export interface Deployment {
  /** Stable id for logs, headers and shared state, e.g. `smart#0` or `openai/gpt-4o`. */
  readonly id: string;
  /** The model group (or requested name) this deployment serves. */
  readonly group: string;
  /** A registered provider id: `openai`, `anthropic`, `groq`… */
  readonly provider: string;
  /** The model name sent upstream. */
  readonly model: string;
  readonly baseURL?: string;
  readonly apiKey?: string;
  /** Extra headers sent upstream (e.g. OpenRouter's `HTTP-Referer`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Time to first byte allowed, in ms; also the longest gap between stream chunks. */
  readonly timeoutMs?: number;
  /** Drop params the provider cannot honour (logged) instead of answering 400. */
  readonly dropUnsupportedParams?: boolean;
  /** Provider-specific settings (Azure api-version, Bedrock region…), read by that provider only. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** What the route stage produces: where a request may go, in order of preference. */
export interface RoutePlan {
  /** The name the client asked for. */
  readonly model: string;
  /** Candidates in order: the group's deployments, then its fallback groups' deployments. */
  readonly deployments: readonly Deployment[];
  /** At most this many calls in all, retries and fallbacks included. */
  readonly maxAttempts: number;
}

/** One call to one deployment, kept on the context for headers and the log line. */
export interface Attempt {
  readonly deployment: Deployment;
  readonly startedAt: number;
  durationMs: number;
  outcome: 'ok' | 'error';
  status: number;
  error?: string;
}

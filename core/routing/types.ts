import type { Price } from '../pricing/types.ts';

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
  /** Longest wait for a connection, ms (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** Longest silence between body chunks, ms; defaults to `timeoutMs`. */
  readonly idleTimeoutMs?: number;
  /** Longest whole call, body included, ms. */
  readonly totalTimeoutMs?: number;
  /** Relative share of traffic for the `weighted` strategy (default 1). */
  readonly weight?: number;
  /** Priority tier: lower tiers are tried first (default 0). */
  readonly tier?: number;
  /** Capacity: requests per minute, tokens per minute, calls in flight. At capacity, skipped. */
  readonly rpm?: number;
  readonly tpm?: number;
  readonly maxConcurrent?: number;
  /** Context window in tokens, when known; overrides the built-in table. */
  readonly contextWindow?: number;
  /** This deployment's price, USD per million tokens; overrides every price table. */
  readonly price?: Price;
}

/** How a call strategy may retry one model group's deployments. */
export interface RetryPolicy {
  /** Retries of the same deployment after a retryable failure. */
  readonly retries?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Retries allowed per window as a share of requests (e.g. 0.2), plus `minRetries`. */
  readonly budgetRatio?: number;
  readonly minRetries?: number;
}

/** Per-request limits a call strategy enforces. */
export interface TimeoutPolicy {
  /** Default whole-request budget, ms, across attempts. */
  readonly requestMs?: number;
  /** Largest value the `x-switchyard-timeout` header may ask for, ms. */
  readonly maxRequestMs?: number;
}

/** What the route stage produces: where a request may go, in order of preference. */
export interface RoutePlan {
  /** The name the client asked for. */
  readonly model: string;
  /** Candidates in order: the group's deployments, then its fallback groups' deployments. */
  readonly deployments: readonly Deployment[];
  /** At most this many calls in all, retries and fallbacks included. */
  readonly maxAttempts: number;
  /** Deployments to use instead when the prompt does not fit (error, or estimated up front). */
  readonly contextWindowFallbacks?: readonly Deployment[];
  /** Deployments to use instead when a provider refuses the content. */
  readonly contentPolicyFallbacks?: readonly Deployment[];
  /** Retry policy of each group in the plan, by group name. */
  readonly retry?: Readonly<Record<string, RetryPolicy>>;
  readonly timeouts?: TimeoutPolicy;
  /** Half-open deployments whose one probe this request holds. */
  readonly probes?: readonly string[];
}

/** One call to one deployment, kept on the context for headers and the log line. */
export interface Attempt {
  readonly deployment: Deployment;
  readonly startedAt: number;
  durationMs: number;
  outcome: 'ok' | 'error';
  /** The status the gateway gives this attempt: 200, or what its failure maps to (502 for an upstream 500). */
  status: number;
  /**
   * The provider's own HTTP status when a failed attempt got an answer (500, 429…), which
   * metrics and traces report; unset on success and when no answer came (timeout, refused connection).
   */
  upstreamStatus?: number | undefined;
  error?: string;
}

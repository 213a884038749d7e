// First of all: a second copy of the core in one process must fail loudly (see single-copy.ts).
import './single-copy.ts';
import { cutEcho, echoLimit } from './echo.ts';

/** HTTP statuses the gateway answers with. A union, so a typo fails to compile. */
export type GatewayStatus = 400 | 401 | 402 | 403 | 404 | 405 | 408 | 409 | 413 | 415 | 422 | 429 | 431 | 499 | 500 | 502 | 503 | 504;

/**
 * Longest error message sent or logged. Messages built here cut the client text they quote to
 * `echoLimit`; this bounds the rest (a provider's message that quotes a huge model name back).
 */
export const messageLimit = 4 * echoLimit;

/** OpenAI's `error.type` values, plus the few a gateway needs. */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'service_unavailable_error'
  | 'server_error'
  /** 402 (or the configured status) when a key's or team's budget is spent: design/operator.md §5. */
  | 'budget_exceeded';

/** OpenAI's error envelope: what every error response body looks like. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface GatewayErrorExtra {
  /** Stable snake_case code, documented in the README. */
  readonly code?: string;
  /** The request field at fault, e.g. `messages[0].role`. */
  readonly param?: string;
  /** Seconds, sent as `Retry-After` on 429/503. */
  readonly retryAfterS?: number;
  /** The same wait in ms, when the provider said it more precisely (read by retry strategies). */
  readonly retryAfterMs?: number | undefined;
  /** The provider whose answer caused the error. */
  readonly provider?: string;
  /** Upstream HTTP status, when the error came from a provider. */
  readonly upstreamStatus?: number;
  readonly cause?: unknown;
}

/**
 * An error that is safe to show the client: its message never carries a key or an upstream secret.
 * Plugins throw these (through the factories below); anything else becomes a 500 without detail.
 *
 * @example
 * throw new GatewayError(403, 'permission_error', 'this key may not use gpt-4o', { code: 'model_not_allowed' });
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly status: GatewayStatus;
  readonly type: ErrorType;
  readonly extra: GatewayErrorExtra;

  constructor(status: GatewayStatus, type: ErrorType, message: string, extra: GatewayErrorExtra = {}) {
    super(cutEcho(message, messageLimit), extra.cause === undefined ? undefined : { cause: extra.cause });
    this.status = status;
    this.type = type;
    // `param` may hold a client's key (`logit_bias.<key>`): bounded like any echo.
    this.extra = extra.param !== undefined && extra.param.length > echoLimit ? { ...extra, param: cutEcho(extra.param) } : extra;
  }

  toBody(): OpenAIErrorBody {
    return {
      error: { message: this.message, type: this.type, param: this.extra.param ?? null, code: this.extra.code ?? null },
    };
  }
}

/**
 * Anything a plugin tap throws that is not a GatewayError. Logged with the plugin and stage;
 * the client sees a 500 that names the plugin but not the cause.
 */
export class PluginError extends Error {
  override readonly name = 'PluginError';
  readonly plugin: string;
  readonly stage: string;

  constructor(plugin: string, stage: string, cause: unknown) {
    super(`plugin '${plugin}' failed in stage '${stage}'`, { cause });
    this.plugin = plugin;
    this.stage = stage;
  }
}

/** A configuration problem, with the path of the offending value. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

/** Thrown before start-up when the config or a plugin's options are wrong; lists every problem. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`).join('\n')}`);
    this.problems = problems;
  }
}

export const invalidRequest = (message: string, param?: string, code = 'invalid_request') =>
  new GatewayError(400, 'invalid_request_error', message, param === undefined ? { code } : { code, param });

export const invalidParam = (param: string, why: string) =>
  new GatewayError(400, 'invalid_request_error', why, { param, code: 'invalid_value' });

export const unsupportedParam = (param: string, provider: string) =>
  new GatewayError(400, 'invalid_request_error', `'${param}' is not supported by provider '${provider}'`, {
    param,
    code: 'unsupported_parameter',
    provider,
  });

export const invalidJson = (why: string) =>
  new GatewayError(400, 'invalid_request_error', `request body is not valid JSON: ${why}`, { code: 'invalid_json' });

export const bodyTooLarge = (limitBytes: number) =>
  new GatewayError(413, 'invalid_request_error', `request body exceeds the limit of ${limitBytes} bytes`, {
    code: 'request_too_large',
  });

export const unauthorized = (message: string) =>
  new GatewayError(401, 'authentication_error', message, { code: 'invalid_api_key' });

export const forbidden = (message: string, code = 'forbidden') => new GatewayError(403, 'permission_error', message, { code });

export const routeNotFound = (method: string, path: string) =>
  new GatewayError(404, 'invalid_request_error', `no route for ${cutEcho(method)} ${cutEcho(path)}`, { code: 'unknown_url' });

export const modelNotFound = (model: string) =>
  new GatewayError(404, 'invalid_request_error', `model '${cutEcho(model)}' is not served here`, {
    param: 'model',
    code: 'model_not_found',
  });

export const operationNotSupported = (model: string, operation: string) =>
  new GatewayError(400, 'invalid_request_error', `model '${cutEcho(model)}' does not support ${operation}`, {
    param: 'model',
    code: 'operation_not_supported',
  });

export const rateLimited = (message: string, retryAfterS?: number) =>
  new GatewayError(
    429,
    'rate_limit_error',
    message,
    retryAfterS === undefined ? { code: 'rate_limit_exceeded' } : { code: 'rate_limit_exceeded', retryAfterS },
  );

export const upstreamUnreachable = (provider: string, cause?: unknown) =>
  new GatewayError(502, 'api_error', `could not reach provider '${provider}'`, {
    code: 'upstream_unreachable',
    provider,
    cause,
  });

export const upstreamInvalid = (provider: string, why: string) =>
  new GatewayError(502, 'api_error', `provider '${provider}' sent an invalid response: ${why}`, {
    code: 'upstream_invalid_response',
    provider,
  });

export const upstreamTimeout = (provider: string, ms: number) =>
  new GatewayError(504, 'timeout_error', `provider '${provider}' gave no answer in ${ms} ms`, {
    code: 'upstream_timeout',
    provider,
  });

export const noHealthyDeployment = (model: string) =>
  new GatewayError(503, 'service_unavailable_error', `no healthy deployment for model '${cutEcho(model)}'`, {
    code: 'no_healthy_deployment',
  });

/** The gateway is draining: new model calls, and those still open when the grace period ends. */
export const serverShuttingDown = () =>
  new GatewayError(503, 'service_unavailable_error', 'the gateway is shutting down; retry the request', {
    code: 'server_shutting_down',
  });

/** The client went away; nothing is sent, the log records 499. */
export const clientClosed = (cause?: unknown) =>
  new GatewayError(499, 'invalid_request_error', 'client closed the request', cause === undefined ? { code: 'client_closed' } : { code: 'client_closed', cause });

export const internalError = (message = 'internal gateway error') =>
  new GatewayError(500, 'server_error', message, { code: 'internal_error' });

/** Turns anything thrown into a GatewayError that is safe to send. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof PluginError) return internalError(`internal error in plugin '${err.plugin}' (${err.stage})`);
  return internalError();
}

/**
 * Whether the provider refused the gateway's own credentials (401/403 upstream, or a provider's
 * own way of saying so, such as Gemini's 400 `API_KEY_INVALID`): the provider answered, and said no. Judged by what the upstream
 * answered, not by the 502 we send for it: calling the same deployment again cannot help, but
 * another deployment (another key or account) can.
 */
export function credentialsRejected(err: unknown): boolean {
  if (!(err instanceof GatewayError) || err.extra.provider === undefined) return false;
  const upstream = err.extra.upstreamStatus;
  // No upstream answer (a token provider that failed to fetch a token) may be transient.
  if (upstream === undefined) return false;
  return upstream === 401 || upstream === 403 || err.extra.code === 'upstream_auth_failed';
}

/**
 * Whether calling the same deployment again can help: connection failures, timeouts, 408, 429
 * and 5xx from upstream. Judged by the upstream's answer, not our mapped status: a refused
 * credential is sent as 502 but fails the same way every time (see `credentialsRejected`, which
 * call strategies use to move to another deployment instead). Other 4xx are the request's fault
 * and would fail again anywhere.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof GatewayError) || err.extra.provider === undefined) return false;
  if (credentialsRejected(err)) return false;
  if (err.extra.upstreamStatus === 408) return true;
  return err.status === 429 || err.status >= 500;
}

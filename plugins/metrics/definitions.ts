import { Gauge, type Registry } from 'prom-client';
import { CounterFamily, GaugeFamily, HistogramFamily } from './families.ts';

/** OTel GenAI `gen_ai.client.token.usage` buckets: powers of 4 from 1 to 64 Mi tokens. */
export const tokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** OTel GenAI duration buckets (`gen_ai.client.operation.duration`, `gen_ai.server.request.duration`), seconds. */
export const durationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
/** OTel GenAI `gen_ai.server.time_to_first_token` buckets, seconds. */
export const ttftBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** The gateway's own time: 100 µs to 100 ms, seconds. */
export const overheadBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

const genAiLabels = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_response_model'] as const;

/** Every metric of design/operator.md §7, registered on one registry. */
export interface Metrics {
  readonly tokenUsage: HistogramFamily<(typeof genAiLabels)[number] | 'gen_ai_token_type'>;
  readonly operationDuration: HistogramFamily<(typeof genAiLabels)[number] | 'error_type'>;
  readonly requestDuration: HistogramFamily<'gen_ai_operation_name' | 'gen_ai_request_model' | 'http_status_code'>;
  readonly timeToFirstToken: HistogramFamily<'gen_ai_request_model' | 'gen_ai_provider_name'>;
  readonly requests: CounterFamily<'route' | 'status_code' | 'model' | 'provider' | 'team_id'>;
  readonly tokens: CounterFamily<'type' | 'model' | 'provider'>;
  readonly spend: CounterFamily<'model' | 'provider' | 'team_id'>;
  readonly rateLimited: CounterFamily<'scope' | 'limit'>;
  readonly budgetExceeded: CounterFamily<'scope'>;
  /** Ours beyond §7: soft budgets only log and count (operator.md §4), this is the count. */
  readonly softBudgetReached: CounterFamily<'scope'>;
  readonly overhead: HistogramFamily<'route'>;
  readonly inflight: GaugeFamily<'route'>;
  readonly deploymentState: Gauge<'provider' | 'model' | 'deployment'>;
  readonly cacheHits: CounterFamily<'model' | 'provider'>;
  readonly fallbacks: CounterFamily<'model' | 'provider'>;
  readonly retries: CounterFamily<'model' | 'provider'>;
}

/**
 * Creates the metrics on `registry`: the per-call ones as families recorded with plain arithmetic
 * (families.ts), the scrape-time deployment state as a prom-client gauge. (never the global one: two gateways in one process keep
 * their own series). `deploymentState` is filled at scrape time by `collectDeploymentState`.
 */
export function defineMetrics(registry: Registry, collectDeploymentState: () => Promise<void>): Metrics {
  const registers = [registry];
  return {
    tokenUsage: new HistogramFamily({
      name: 'gen_ai_client_token_usage',
      help: 'Tokens per model call (OTel GenAI), by token type input or output',
      labelNames: [...genAiLabels, 'gen_ai_token_type'],
      buckets: tokenBuckets,
      registers,
    }),
    operationDuration: new HistogramFamily({
      name: 'gen_ai_client_operation_duration_seconds',
      help: "Duration of each upstream attempt (OTel GenAI), seconds; error_type is the upstream's HTTP status when it failed (the gateway's, e.g. 504, when no answer came)",
      labelNames: [...genAiLabels, 'error_type'],
      buckets: durationBuckets,
      registers,
    }),
    requestDuration: new HistogramFamily({
      name: 'gen_ai_server_request_duration_seconds',
      help: 'Duration of each model call the gateway served (OTel GenAI), seconds',
      labelNames: ['gen_ai_operation_name', 'gen_ai_request_model', 'http_status_code'],
      buckets: durationBuckets,
      registers,
    }),
    timeToFirstToken: new HistogramFamily({
      name: 'gen_ai_server_time_to_first_token_seconds',
      help: 'Time from the request to the first streamed byte (OTel GenAI), seconds; streams answered upstream only',
      labelNames: ['gen_ai_request_model', 'gen_ai_provider_name'],
      buckets: ttftBuckets,
      registers,
    }),
    requests: new CounterFamily({
      name: 'switchyard_requests_total',
      help: 'Model calls answered, by route, HTTP status, model group, provider and team',
      labelNames: ['route', 'status_code', 'model', 'provider', 'team_id'],
      registers,
    }),
    tokens: new CounterFamily({
      name: 'switchyard_tokens_total',
      help: 'Tokens by priced part: input (uncached), output (not reasoning), cache_read, cache_write, reasoning; the parts add up to the total',
      labelNames: ['type', 'model', 'provider'],
      registers,
    }),
    spend: new CounterFamily({
      name: 'switchyard_spend_usd_total',
      help: 'Cost of model calls in USD (calls of unpriced models are not counted)',
      labelNames: ['model', 'provider', 'team_id'],
      registers,
    }),
    rateLimited: new CounterFamily({
      name: 'switchyard_rate_limited_total',
      help: 'Calls refused by a rate limit, by the limit owner (key, team, key-model) and limit (rpm, tpm, parallel)',
      labelNames: ['scope', 'limit'],
      registers,
    }),
    budgetExceeded: new CounterFamily({
      name: 'switchyard_budget_exceeded_total',
      help: 'Calls refused by a budget, by the budget owner (key, team, key-model)',
      labelNames: ['scope'],
      registers,
    }),
    softBudgetReached: new CounterFamily({
      name: 'switchyard_soft_budget_reached_total',
      help: 'Soft budgets reached (nothing refused), by owner (key); once per budget window and instance',
      labelNames: ['scope'],
      registers,
    }),
    overhead: new HistogramFamily({
      name: 'switchyard_overhead_seconds',
      help: "The gateway's own time per call: time to the first byte sent (or the end) minus time in upstream attempts, seconds",
      labelNames: ['route'],
      buckets: overheadBuckets,
      registers,
    }),
    inflight: new GaugeFamily({
      name: 'switchyard_inflight_requests',
      help: 'Model calls past authentication not yet answered',
      labelNames: ['route'],
      registers,
    }),
    deploymentState: new Gauge({
      name: 'switchyard_deployment_state',
      help: 'Each configured deployment: 0 healthy, 1 cooling (its cooldown is over, one probe call allowed), 2 down (cooling down, skipped)',
      labelNames: ['provider', 'model', 'deployment'],
      registers,
      collect: collectDeploymentState,
    }),
    cacheHits: new CounterFamily({
      name: 'switchyard_cache_hits_total',
      help: 'Model calls answered from the response cache',
      labelNames: ['model', 'provider'],
      registers,
    }),
    fallbacks: new CounterFamily({
      name: 'switchyard_fallbacks_total',
      help: "Model calls that tried more than one deployment or were answered by one other than their plan's first",
      labelNames: ['model', 'provider'],
      registers,
    }),
    retries: new CounterFamily({
      name: 'switchyard_retries_total',
      help: 'Upstream attempts beyond the first on the same deployment',
      labelNames: ['model', 'provider'],
      registers,
    }),
  };
}

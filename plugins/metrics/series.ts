import type { Counter, Gauge, Histogram } from 'prom-client';
import type { Metrics } from './definitions.ts';

/**
 * Most children one cache keeps. Label values are bounded before they get here (see
 * LabelResolver); this only keeps a bug from growing a map without end: past it, children are
 * still returned (prom-client finds them by their labels), just no longer remembered.
 */
const maxChildren = 10_000;

/**
 * Children of one metric, made once per combination of label values and found again by their
 * joined values: prom-client's `labels(...)` hashes its arguments on every call, a Map hit does not.
 */
export class Children<C> {
  readonly #children = new Map<string, C>();
  readonly #make: (values: readonly string[]) => C;

  constructor(make: (values: readonly string[]) => C) {
    this.#make = make;
  }

  get(key: string, ...values: string[]): C {
    let child = this.#children.get(key);
    if (child === undefined) {
      child = this.#make(values);
      if (this.#children.size < maxChildren) this.#children.set(key, child);
    }
    return child;
  }
}

/** Every child a model call's request model, provider and response model select, resolved together. */
export interface ModelSeries {
  readonly inputTokens: Histogram.Internal<string>;
  readonly outputTokens: Histogram.Internal<string>;
  readonly tokens: {
    readonly input: Counter.Internal;
    readonly output: Counter.Internal;
    readonly cacheRead: Counter.Internal;
    readonly cacheWrite: Counter.Internal;
    readonly reasoning: Counter.Internal;
  };
  readonly timeToFirstToken: Histogram.Internal<string>;
  readonly cacheHits: Counter.Internal;
  readonly fallbacks: Counter.Internal;
  readonly retries: Counter.Internal;
}

/** The children of each metric, by the label values that select them. */
export class Series {
  readonly #m: Metrics;
  readonly #model: Children<ModelSeries>;
  readonly #attempt: Children<Histogram.Internal<string>>;
  readonly #request: Children<Counter.Internal>;
  readonly #duration: Children<Histogram.Internal<string>>;
  readonly #spend: Children<Counter.Internal>;
  readonly #route: Children<{ readonly overhead: Histogram.Internal<string>; readonly inflight: Gauge.Internal<string> }>;
  readonly #rateLimited: Children<Counter.Internal>;
  readonly #budget: Children<Counter.Internal>;

  constructor(metrics: Metrics) {
    const m = (this.#m = metrics);
    this.#model = new Children(([operation, model, provider, response]) => this.#modelSeries(operation!, model!, provider!, response!));
    this.#attempt = new Children((v) => m.operationDuration.labels(...v));
    this.#request = new Children((v) => m.requests.labels(...v));
    this.#duration = new Children((v) => m.requestDuration.labels(...v));
    this.#spend = new Children((v) => m.spend.labels(...v));
    this.#route = new Children(([route]) => ({ overhead: m.overhead.labels(route!), inflight: m.inflight.labels(route!) }));
    this.#rateLimited = new Children((v) => m.rateLimited.labels(...v));
    this.#budget = new Children((v) => m.budgetExceeded.labels(...v));
  }

  /** The series of a call of `model` answered (or last tried) by `provider`'s `response` model. */
  model(operation: string, model: string, provider: string, response: string): ModelSeries {
    return this.#model.get(`${operation}\u0001${model}\u0001${provider}\u0001${response}`, operation, model, provider, response);
  }

  /** `gen_ai_client_operation_duration_seconds` of one upstream attempt. */
  attempt(operation: string, provider: string, model: string, response: string, errorType: string): Histogram.Internal<string> {
    return this.#attempt.get(`${operation}\u0001${provider}\u0001${model}\u0001${response}\u0001${errorType}`, operation, provider, model, response, errorType);
  }

  request(route: string, status: string, model: string, provider: string, team: string): Counter.Internal {
    return this.#request.get(`${route}\u0001${status}\u0001${model}\u0001${provider}\u0001${team}`, route, status, model, provider, team);
  }

  duration(operation: string, model: string, status: string): Histogram.Internal<string> {
    return this.#duration.get(`${operation}\u0001${model}\u0001${status}`, operation, model, status);
  }

  spend(model: string, provider: string, team: string): Counter.Internal {
    return this.#spend.get(`${model}\u0001${provider}\u0001${team}`, model, provider, team);
  }

  route(route: string): { readonly overhead: Histogram.Internal<string>; readonly inflight: Gauge.Internal<string> } {
    return this.#route.get(route, route);
  }

  rateLimited(scope: string, limit: string): Counter.Internal {
    return this.#rateLimited.get(`${scope}\u0001${limit}`, scope, limit);
  }

  budgetExceeded(scope: string): Counter.Internal {
    return this.#budget.get(scope, scope);
  }

  #modelSeries(operation: string, model: string, provider: string, response: string): ModelSeries {
    const m = this.#m;
    const tokens = (type: string): Counter.Internal => m.tokens.labels(type, model, provider);
    return {
      inputTokens: m.tokenUsage.labels(operation, provider, model, response, 'input'),
      outputTokens: m.tokenUsage.labels(operation, provider, model, response, 'output'),
      tokens: {
        input: tokens('input'),
        output: tokens('output'),
        cacheRead: tokens('cache_read'),
        cacheWrite: tokens('cache_write'),
        reasoning: tokens('reasoning'),
      },
      timeToFirstToken: m.timeToFirstToken.labels(model, provider),
      cacheHits: m.cacheHits.labels(model, provider),
      fallbacks: m.fallbacks.labels(model, provider),
      retries: m.retries.labels(model, provider),
    };
  }
}

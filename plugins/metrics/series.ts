import type { CounterChild, GaugeChild, HistogramChild } from './families.ts';
import type { Metrics } from './definitions.ts';

/**
 * Most children one cache keeps. Label values are bounded before they get here (see
 * LabelResolver); this only keeps a bug from growing a map without end: past it, children are
 * still returned (prom-client finds them by their labels), just no longer remembered.
 */
const maxChildren = 10_000;

/**
 * Children of one metric, made once per combination of label values and found again by their
 * joined values: prom-client's `labels(...)` builds and validates a labels object and binds a new
 * function on every call; a Map hit reuses them.
 */
export class Children<C> {
  readonly #children = new Map<string, C>();

  get(key: string): C | undefined {
    return this.#children.get(key);
  }

  /** Keeps a child made on a miss, and returns it. */
  add(key: string, child: C): C {
    if (this.#children.size < maxChildren) this.#children.set(key, child);
    return child;
  }
}

/** Every child a model call's request model, provider and response model select, resolved together. */
export interface ModelSeries {
  readonly inputTokens: HistogramChild;
  readonly outputTokens: HistogramChild;
  readonly tokens: {
    readonly input: CounterChild;
    readonly output: CounterChild;
    readonly cacheRead: CounterChild;
    readonly cacheWrite: CounterChild;
    readonly reasoning: CounterChild;
  };
  readonly timeToFirstToken: HistogramChild;
  readonly cacheHits: CounterChild;
  readonly fallbacks: CounterChild;
  readonly retries: CounterChild;
}

/** The per-route children: the gateway's overhead and the calls in flight. */
export interface RouteSeries {
  readonly overhead: HistogramChild;
  readonly inflight: GaugeChild;
}

/** The children of each metric, by the label values that select them. */
export class Series {
  readonly #m: Metrics;
  readonly #model = new Children<ModelSeries>();
  readonly #attempt = new Children<HistogramChild>();
  readonly #request = new Children<CounterChild>();
  readonly #duration = new Children<HistogramChild>();
  readonly #spend = new Children<CounterChild>();
  readonly #route = new Children<RouteSeries>();
  readonly #rateLimited = new Children<CounterChild>();
  readonly #budget = new Children<CounterChild>();
  readonly #softBudget = new Children<CounterChild>();

  constructor(metrics: Metrics) {
    this.#m = metrics;
  }

  /** The series of a call of `model` answered (or last tried) by `provider`'s `response` model. */
  model(operation: string, model: string, provider: string, response: string): ModelSeries {
    const key = `${operation}\u0001${model}\u0001${provider}\u0001${response}`;
    return this.#model.get(key) ?? this.#model.add(key, this.#modelSeries(operation, model, provider, response));
  }

  /** `gen_ai_client_operation_duration_seconds` of one upstream attempt. */
  attempt(operation: string, provider: string, model: string, response: string, errorType: string): HistogramChild {
    const key = `${operation}\u0001${provider}\u0001${model}\u0001${response}\u0001${errorType}`;
    return this.#attempt.get(key) ?? this.#attempt.add(key, this.#m.operationDuration.labels(operation, provider, model, response, errorType));
  }

  request(route: string, status: string, model: string, provider: string, team: string): CounterChild {
    const key = `${route}\u0001${status}\u0001${model}\u0001${provider}\u0001${team}`;
    return this.#request.get(key) ?? this.#request.add(key, this.#m.requests.labels(route, status, model, provider, team));
  }

  duration(operation: string, model: string, status: string): HistogramChild {
    const key = `${operation}\u0001${model}\u0001${status}`;
    return this.#duration.get(key) ?? this.#duration.add(key, this.#m.requestDuration.labels(operation, model, status));
  }

  spend(model: string, provider: string, team: string): CounterChild {
    const key = `${model}\u0001${provider}\u0001${team}`;
    return this.#spend.get(key) ?? this.#spend.add(key, this.#m.spend.labels(model, provider, team));
  }

  route(route: string): RouteSeries {
    return this.#route.get(route) ?? this.#route.add(route, { overhead: this.#m.overhead.labels(route), inflight: this.#m.inflight.labels(route) });
  }

  rateLimited(scope: string, limit: string): CounterChild {
    const key = `${scope}\u0001${limit}`;
    return this.#rateLimited.get(key) ?? this.#rateLimited.add(key, this.#m.rateLimited.labels(scope, limit));
  }

  budgetExceeded(scope: string): CounterChild {
    return this.#budget.get(scope) ?? this.#budget.add(scope, this.#m.budgetExceeded.labels(scope));
  }

  softBudgetReached(scope: string): CounterChild {
    return this.#softBudget.get(scope) ?? this.#softBudget.add(scope, this.#m.softBudgetReached.labels(scope));
  }

  #modelSeries(operation: string, model: string, provider: string, response: string): ModelSeries {
    const m = this.#m;
    const tokens = (type: string): CounterChild => m.tokens.labels(type, model, provider);
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

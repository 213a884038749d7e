import type { CounterChild, GaugeChild, HistogramChild } from './families.ts';
import type { Metrics } from './definitions.ts';

/**
 * Most children one cache keeps. Label values are bounded before they get here (see
 * LabelResolver); this only keeps a bug from growing a map without end: past it, children are
 * still returned (prom-client finds them by their labels), just no longer remembered.
 */
const maxChildren = 10_000;

type Level = Map<string, unknown>;

/**
 * Children of one metric, made once per combination of label values and found again by them:
 * prom-client's `labels(...)` builds and validates a labels object and binds a new function on
 * every call; a hit here reuses them. One Map level per label: a lookup hashes each value once
 * (a string keeps its hash), where a joined key built a new string to hash on every call (it
 * was 3 µs a request in profiles).
 */
export class Children<C> {
  readonly #depth: number;
  readonly #root: Level = new Map();
  #size = 0;

  /** `depth`: how many label values select a child (1 to 5). */
  constructor(depth: 1 | 2 | 3 | 4 | 5) {
    this.#depth = depth;
  }

  get(a: string, b = '', c = '', d = '', e = ''): C | undefined {
    const depth = this.#depth;
    let node = this.#root.get(a);
    if (depth > 1 && node !== undefined) node = (node as Level).get(b);
    if (depth > 2 && node !== undefined) node = (node as Level).get(c);
    if (depth > 3 && node !== undefined) node = (node as Level).get(d);
    if (depth > 4 && node !== undefined) node = (node as Level).get(e);
    return node as C | undefined;
  }

  /** Keeps a child made on a miss, and returns it. */
  add(child: C, a: string, b = '', c = '', d = '', e = ''): C {
    if (this.#size >= maxChildren) return child;
    const values = [a, b, c, d, e];
    let level = this.#root;
    for (let i = 0; i < this.#depth - 1; i++) {
      const value = values[i] as string;
      let next = level.get(value) as Level | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(value, next);
      }
      level = next;
    }
    level.set(values[this.#depth - 1] as string, child);
    this.#size++;
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
  readonly #model = new Children<ModelSeries>(4);
  readonly #attempt = new Children<HistogramChild>(5);
  readonly #request = new Children<CounterChild>(5);
  readonly #duration = new Children<HistogramChild>(3);
  readonly #spend = new Children<CounterChild>(3);
  readonly #route = new Children<RouteSeries>(1);
  readonly #rateLimited = new Children<CounterChild>(2);
  readonly #budget = new Children<CounterChild>(1);
  readonly #softBudget = new Children<CounterChild>(1);

  constructor(metrics: Metrics) {
    this.#m = metrics;
  }

  /** The series of a call of `model` answered (or last tried) by `provider`'s `response` model. */
  model(operation: string, model: string, provider: string, response: string): ModelSeries {
    return this.#model.get(operation, model, provider, response) ?? this.#model.add(this.#modelSeries(operation, model, provider, response), operation, model, provider, response);
  }

  /** `gen_ai_client_operation_duration_seconds` of one upstream attempt. */
  attempt(operation: string, provider: string, model: string, response: string, errorType: string): HistogramChild {
    return (
      this.#attempt.get(operation, provider, model, response, errorType) ??
      this.#attempt.add(this.#m.operationDuration.labels(operation, provider, model, response, errorType), operation, provider, model, response, errorType)
    );
  }

  request(route: string, status: string, model: string, provider: string, team: string): CounterChild {
    return this.#request.get(route, status, model, provider, team) ?? this.#request.add(this.#m.requests.labels(route, status, model, provider, team), route, status, model, provider, team);
  }

  duration(operation: string, model: string, status: string): HistogramChild {
    return this.#duration.get(operation, model, status) ?? this.#duration.add(this.#m.requestDuration.labels(operation, model, status), operation, model, status);
  }

  spend(model: string, provider: string, team: string): CounterChild {
    return this.#spend.get(model, provider, team) ?? this.#spend.add(this.#m.spend.labels(model, provider, team), model, provider, team);
  }

  route(route: string): RouteSeries {
    return this.#route.get(route) ?? this.#route.add({ overhead: this.#m.overhead.labels(route), inflight: this.#m.inflight.labels(route) }, route);
  }

  rateLimited(scope: string, limit: string): CounterChild {
    return this.#rateLimited.get(scope, limit) ?? this.#rateLimited.add(this.#m.rateLimited.labels(scope, limit), scope, limit);
  }

  budgetExceeded(scope: string): CounterChild {
    return this.#budget.get(scope) ?? this.#budget.add(this.#m.budgetExceeded.labels(scope), scope);
  }

  softBudgetReached(scope: string): CounterChild {
    return this.#softBudget.get(scope) ?? this.#softBudget.add(this.#m.softBudgetReached.labels(scope), scope);
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

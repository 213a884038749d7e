import type { CanonicalRequest } from '../openai/types.ts';
import type { UsageWindow } from '../state/types.ts';
import type { Deployment } from './types.ts';

/** What a strategy may read about a deployment; only the fields it `needs` are filled. */
export interface Candidate {
  readonly deployment: Deployment;
  readonly inFlight: number;
  /** Moving average of whole-call latency, ms; undefined until measured. */
  readonly latencyMs: number | undefined;
  /** Moving average of time to first token for streams, ms. */
  readonly ttftMs: number | undefined;
  /** Requests and tokens in the last minute. */
  readonly usage: UsageWindow;
}

export type StrategyNeed = 'inFlight' | 'latency' | 'usage';

export interface OrderInput {
  readonly request: CanonicalRequest;
  readonly stream: boolean;
}

/**
 * A route-stage load-balancing strategy: orders the available deployments of one priority tier,
 * best first. Registered by a plugin, chosen per model group (`routing: 'weighted'`).
 */
export interface RoutingStrategy {
  readonly name: string;
  /** The shared state the strategy reads; the router fetches only these. */
  readonly needs: readonly StrategyNeed[];
  order(candidates: readonly Candidate[], input: OrderInput): readonly Candidate[];
}

/** Strategies by name. Filled by plugins at set-up; read-only afterwards. */
export class StrategyRegistry {
  readonly #strategies = new Map<string, RoutingStrategy>();

  register(strategy: RoutingStrategy): void {
    if (this.#strategies.has(strategy.name)) throw new Error(`routing strategy '${strategy.name}' is registered twice`);
    this.#strategies.set(strategy.name, strategy);
  }

  get(name: string): RoutingStrategy | undefined {
    return this.#strategies.get(name);
  }

  has(name: string): boolean {
    return this.#strategies.has(name);
  }

  names(): readonly string[] {
    return [...this.#strategies.keys()];
  }
}

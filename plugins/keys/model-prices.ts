import { isForwardOperation, type GatewayApi, type ModelGroup, type Price, type PriceBook } from 'switchyard';
import { pricesOperation } from './spend/unit-cost.ts';

/** Most distinct requested names remembered (clients choose `provider/model` names freely). */
const maxRemembered = 1000;

/**
 * The prices of every deployment that may answer a requested model, before routing picks one:
 * the config group's deployments and those of its fallback groups (ordinary, context-window and
 * content-policy, each group once), else the one deployment a `provider/model` name or a
 * provider's naming rule gives. `undefined` entries are deployments without a price; an empty list
 * means no deployment is known. Read from the gateway's one price table (`PriceBook`: a
 * deployment's `price` > the plugin's `prices` > the shipped table), remembered per name.
 */
export class ModelPrices {
  readonly #book: PriceBook;
  readonly #gateway: Pick<GatewayApi, 'models' | 'providers'>;
  readonly #groups: ReadonlyMap<string, ModelGroup>;
  readonly #seen = new Map<string, readonly (Price | undefined)[]>();

  constructor(book: PriceBook, gateway: Pick<GatewayApi, 'models' | 'providers'>) {
    this.#book = book;
    this.#gateway = gateway;
    this.#groups = new Map(gateway.models.map((g) => [g.name, g]));
  }

  /** Every candidate deployment's price for `model` (see the class comment). */
  of(model: string): readonly (Price | undefined)[] {
    const known = this.#seen.get(model);
    if (known !== undefined) return known;
    const prices = Object.freeze(this.#resolve(model));
    if (this.#seen.size >= maxRemembered) this.#seen.clear();
    this.#seen.set(model, prices);
    return prices;
  }

  #resolve(model: string): (Price | undefined)[] {
    const group = this.#groups.get(model);
    if (group !== undefined) return this.#chain(group).flatMap((g) => g.deployments.map((d) => this.#book.of(d)));
    const slash = model.indexOf('/');
    if (slash > 0 && slash < model.length - 1) {
      const provider = model.slice(0, slash);
      // Provider lookups happen per request, after every plugin's setup registered its providers.
      if (this.#gateway.providers.has(provider)) return [this.#book.of({ provider, model: model.slice(slash + 1) })];
    }
    const claimant = this.#gateway.providers.claimant(model);
    return claimant === undefined ? [] : [this.#book.of({ provider: claimant.id, model })];
  }

  /** A group and every group it may fall back to, depth first, each once (so cycles end). */
  #chain(start: ModelGroup): ModelGroup[] {
    const seen = new Set<string>();
    const out: ModelGroup[] = [];
    const visit = (g: ModelGroup): void => {
      if (seen.has(g.name)) return;
      seen.add(g.name);
      out.push(g);
      for (const name of [...(g.fallbacks ?? []), ...(g.contextWindowFallbacks ?? []), ...(g.contentPolicyFallbacks ?? [])]) {
        const next = this.#groups.get(name);
        if (next !== undefined) visit(next);
      }
    };
    visit(start);
    return out;
  }
}

/**
 * True when some deployment that may answer has no price, or none is known: its cost could not be
 * counted. For a forwarded operation, a price without a figure for its unit counts as none.
 */
export function hasUnpriced(prices: readonly (Price | undefined)[], operation?: string): boolean {
  const forward = operation !== undefined && isForwardOperation(operation) ? operation : undefined;
  return prices.length === 0 || prices.some((p) => p === undefined || (forward !== undefined && !pricesOperation(p, forward)));
}

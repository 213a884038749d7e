import type { Deployment } from '../routing/types.ts';
import { shippedPrices } from './table.ts';
import type { Price, PriceTable } from './types.ts';

/** Bedrock model ids carry a vendor (`anthropic.`) and maybe a cross-region prefix (`us.`). */
const bedrockId = /^(?:(?:us|eu|apac|jp|au|ca|us-gov|global)\.)?((?:anthropic|amazon|cohere|meta|mistral|ai21|deepseek|openai|qwen|writer)\.(.+))$/;

/** Characters that may follow a table key in a longer model name: a date, version or tag. */
const suffixStart = new Set(['-', '@', ':']);

/**
 * The names a model id may be priced under, most specific first: the id itself, the part after
 * its last `/` (OpenRouter-style `vendor/model`, a Bedrock ARN), and for Bedrock ids the id
 * without its region prefix and without its vendor (`us.anthropic.claude-…` →
 * `anthropic.claude-…` → `claude-…`).
 */
function namesOf(model: string): string[] {
  const names = [model];
  const slash = model.lastIndexOf('/');
  const tail = slash >= 0 ? model.slice(slash + 1) : model;
  if (tail !== model) names.push(tail);
  const bedrock = bedrockId.exec(tail);
  if (bedrock !== null) names.push(bedrock[1] as string, bedrock[2] as string);
  return [...new Set(names)];
}

/** `key` names `name` or a dated/tagged version of it (`gpt-4o` → `gpt-4o-2024-08-06`, not `gpt-4o` → `gpt-4.5`). */
function extends_(name: string, key: string): boolean {
  return name.startsWith(key) && (name.length === key.length || suffixStart.has(name[key.length] as string));
}

/**
 * A model's price in one table, or undefined (an unknown model is never $0). Matching, first hit
 * wins:
 * 1. `provider/model` exactly, then `model` exactly, for each name the id may go by (the id, the
 *    part after its last `/`, a Bedrock id without region and vendor prefixes);
 * 2. else the longest key that the name extends with `-`, `@` or `:` (dated and tagged versions:
 *    `gpt-4o-mini-2024-07-18` → `gpt-4o-mini`, `claude-3-5-sonnet-v2@20241022` →
 *    `claude-3-5-sonnet`, `…-v1:0`); a `provider/` key beats a bare key of the same length.
 *    A newer model whose name extends an older key (`claude-opus-4-5` under `claude-opus-4`)
 *    needs its own key when its price differs; `.` never starts a suffix, so `gpt-4` does not
 *    price `gpt-4.5`.
 *
 * @example
 * priceOf(shippedPrices, 'openai', 'gpt-4o-2024-08-06'); // the 'gpt-4o' entry
 * priceOf(shippedPrices, 'bedrock', 'us.anthropic.claude-sonnet-4-20250514-v1:0'); // 'claude-sonnet-4'
 * priceOf(shippedPrices, 'openai', 'my-finetune'); // undefined
 */
export function priceOf(table: PriceTable, provider: string, model: string): Price | undefined {
  const names = namesOf(model);
  for (const name of names) {
    const exact = own(table, `${provider}/${name}`) ?? own(table, name);
    if (exact !== undefined) return exact;
  }
  const qualifier = `${provider}/`;
  let best: Price | undefined;
  let bestScore = 0;
  for (const key in table) {
    const qualified = key.startsWith(qualifier);
    if (!qualified && key.includes('/')) continue;
    const bare = qualified ? key.slice(qualifier.length) : key;
    const score = bare.length * 2 + (qualified ? 1 : 0);
    if (score <= bestScore) continue;
    if (names.some((name) => extends_(name, bare))) {
      best = table[key];
      bestScore = score;
    }
  }
  return best;
}

/** A table's own entry (a model named `constructor` is not priced by Object's prototype). */
function own(table: PriceTable, key: string): Price | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Most distinct models remembered by one `PriceBook` (client-chosen `provider/model` names are unbounded). */
const maxRemembered = 1000;

/**
 * The gateway's prices, in override order: a deployment's own `price` > the `overrides` (a
 * plugin's `prices` option) > the shipped table. The overrides and the shipped table are merged
 * before matching, so the most specific key wins and, between keys as specific, the override.
 * Lookups are remembered per provider and model.
 *
 * @example
 * const prices = new PriceBook({ 'my-vllm-model': { input: 0.05, output: 0.1 } });
 * prices.of(ctx.deployment); // Price | undefined
 */
export class PriceBook {
  readonly #table: PriceTable;
  readonly #seen = new Map<string, Price | undefined>();
  /** By deployment object (deployments live as long as the config): no key string per call. */
  readonly #byDeployment = new WeakMap<object, { price: Price | undefined }>();

  constructor(overrides: PriceTable = {}, shipped: PriceTable = shippedPrices) {
    this.#table = Object.freeze({ ...shipped, ...overrides });
  }

  /** The price of a call to this deployment, or undefined when no table knows its model. */
  of(deployment: Pick<Deployment, 'provider' | 'model' | 'price'>): Price | undefined {
    if (deployment.price !== undefined) return deployment.price;
    const known = this.#byDeployment.get(deployment);
    if (known !== undefined) return known.price;
    const price = this.#lookup(deployment);
    this.#byDeployment.set(deployment, { price });
    return price;
  }

  #lookup(deployment: Pick<Deployment, 'provider' | 'model'>): Price | undefined {
    const key = `${deployment.provider}\u0000${deployment.model}`;
    if (this.#seen.has(key)) return this.#seen.get(key);
    const price = priceOf(this.#table, deployment.provider, deployment.model);
    if (this.#seen.size >= maxRemembered) this.#seen.clear();
    this.#seen.set(key, price);
    return price;
  }
}

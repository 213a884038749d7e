import type { Gateway } from '../gateway.ts';
import type { ProviderAdapter } from '../providers/registry.ts';

/** One entry of `GET /v1/models`, in OpenAI's shape. */
export interface ModelEntry {
  readonly id: string;
  readonly object: 'model';
  readonly created: number;
  readonly owned_by: string;
}

/** How often a provider's list is fetched again after a success. */
const providerListTtlMs = 5 * 60_000;
/** First retry after a failed fetch; doubled per consecutive failure, up to the TTL. */
const retryAfterFailureMs = 10_000;
const providerListTimeoutMs = 5_000;

/** One provider's list: the last good one, and when to ask again. */
interface ProviderList {
  entries: readonly ModelEntry[];
  nextFetchAt: number;
  failures: number;
  fetching: Promise<void> | undefined;
}

export interface ModelCatalogOptions {
  /** Milliseconds since the epoch (tests pass a fake). */
  readonly now?: () => number;
}

/**
 * The models this gateway serves: the config's model groups, then each provider's own list as
 * `provider/model`. A list is fetched again every five minutes; a failed fetch keeps the last good
 * list and is retried after 10 s, 20 s, 40 s… (a provider that has never answered is left out
 * until it does), so one bad moment does not hide a provider for five minutes.
 */
export class ModelCatalog {
  readonly #gateway: Gateway;
  readonly #now: () => number;
  readonly #started: number;
  readonly #lists = new Map<string, ProviderList>();

  constructor(gateway: Gateway, options: ModelCatalogOptions = {}) {
    this.#gateway = gateway;
    this.#now = options.now ?? Date.now;
    this.#started = Math.floor(this.#now() / 1000);
  }

  groups(): ModelEntry[] {
    return this.#gateway.config.models.map((g) => this.#entry(g.name, g.deployments[0]?.provider ?? 'switchyard'));
  }

  async list(): Promise<ModelEntry[]> {
    const adapters = this.#gateway.providers.list().filter((a) => a.listModels !== undefined);
    await Promise.all(adapters.map((a) => this.#refresh(a)));
    return [...this.groups(), ...adapters.flatMap((a) => this.#lists.get(a.id)?.entries ?? [])];
  }

  /**
   * A listed model, or any name the router would serve without a list saying so: `provider/model`
   * for a registered provider, or a bare name a provider's naming rule claims (`gpt-4o`). Upstream
   * is not asked whether that model exists; the call itself would say.
   */
  async find(id: string): Promise<ModelEntry | undefined> {
    const listed = (await this.list()).find((m) => m.id === id);
    if (listed !== undefined) return listed;
    const providers = this.#gateway.providers;
    const slash = id.indexOf('/');
    if (slash > 0 && slash < id.length - 1 && providers.has(id.slice(0, slash))) return this.#entry(id, id.slice(0, slash));
    const claimant = providers.claimant(id);
    return claimant === undefined ? undefined : this.#entry(id, claimant.id);
  }

  #entry(id: string, ownedBy: string): ModelEntry {
    return { id, object: 'model', created: this.#started, owned_by: ownedBy };
  }

  /** Fetches a provider's list when due; concurrent callers share one fetch. */
  #refresh(adapter: ProviderAdapter): Promise<void> {
    let state = this.#lists.get(adapter.id);
    if (state === undefined) {
      state = { entries: [], nextFetchAt: 0, failures: 0, fetching: undefined };
      this.#lists.set(adapter.id, state);
    }
    if (state.fetching !== undefined) return state.fetching;
    if (this.#now() < state.nextFetchAt) return Promise.resolve();
    const current = state;
    current.fetching = this.#fetch(adapter, current).finally(() => {
      current.fetching = undefined;
    });
    return current.fetching;
  }

  async #fetch(adapter: ProviderAdapter, state: ProviderList): Promise<void> {
    try {
      const models = await (adapter.listModels as NonNullable<ProviderAdapter['listModels']>)(AbortSignal.timeout(providerListTimeoutMs));
      state.entries = models.map((m) => ({
        id: `${adapter.id}/${m.id}`,
        object: 'model' as const,
        created: m.created ?? this.#started,
        owned_by: m.ownedBy,
      }));
      state.failures = 0;
      state.nextFetchAt = this.#now() + providerListTtlMs;
    } catch (err) {
      state.failures += 1;
      const wait = Math.min(retryAfterFailureMs * 2 ** (state.failures - 1), providerListTtlMs);
      state.nextFetchAt = this.#now() + wait;
      this.#gateway.log.warn(
        { provider: adapter.id, err: (err as Error).message, retryInMs: wait, keptModels: state.entries.length },
        'could not list provider models',
      );
    }
  }
}

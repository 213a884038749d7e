import type { Gateway } from '../gateway.ts';

/** One entry of `GET /v1/models`, in OpenAI's shape. */
export interface ModelEntry {
  readonly id: string;
  readonly object: 'model';
  readonly created: number;
  readonly owned_by: string;
}

const providerListTtlMs = 5 * 60_000;
const providerListTimeoutMs = 5_000;

/**
 * The models this gateway serves: the config's model groups, then each provider's own list as
 * `provider/model` (fetched at most every five minutes; a provider that fails is left out).
 */
export class ModelCatalog {
  readonly #gateway: Gateway;
  readonly #started = Math.floor(Date.now() / 1000);
  #providerModels: { at: number; entries: Promise<ModelEntry[]> } | undefined;

  constructor(gateway: Gateway) {
    this.#gateway = gateway;
  }

  groups(): ModelEntry[] {
    return this.#gateway.config.models.map((g) => ({
      id: g.name,
      object: 'model' as const,
      created: this.#started,
      owned_by: g.deployments[0]?.provider ?? 'switchyard',
    }));
  }

  async list(): Promise<ModelEntry[]> {
    const now = Date.now();
    if (this.#providerModels === undefined || now - this.#providerModels.at > providerListTtlMs) {
      this.#providerModels = { at: now, entries: this.#fetchProviderModels() };
    }
    return [...this.groups(), ...(await this.#providerModels.entries)];
  }

  async find(id: string): Promise<ModelEntry | undefined> {
    return (await this.list()).find((m) => m.id === id);
  }

  async #fetchProviderModels(): Promise<ModelEntry[]> {
    const lists = await Promise.all(
      this.#gateway.providers.list().map(async (adapter) => {
        if (adapter.listModels === undefined) return [];
        try {
          const models = await adapter.listModels(AbortSignal.timeout(providerListTimeoutMs));
          return models.map((m) => ({
            id: `${adapter.id}/${m.id}`,
            object: 'model' as const,
            created: m.created ?? this.#started,
            owned_by: m.ownedBy,
          }));
        } catch (err) {
          this.#gateway.log.warn({ provider: adapter.id, err: (err as Error).message }, 'could not list provider models');
          return [];
        }
      }),
    );
    return lists.flat();
  }
}

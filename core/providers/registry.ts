import type { RequestContext } from '../context.ts';
import type { CanonicalRequest, Operation } from '../openai/types.ts';
import type { ForwardOperation, NativeOperation } from '../forward/operations.ts';
import type { CallResult } from '../result.ts';
import type { Deployment } from '../routing/types.ts';

/** A model a provider offers, as `GET /v1/models` lists it. */
export interface ModelInfo {
  readonly id: string;
  readonly ownedBy: string;
  readonly created?: number;
}

/**
 * What the core knows of a provider: an id, the operations it serves, and one entry point.
 * Most providers are built with `defineProvider`, which supplies `invoke` from translations;
 * a provider with unusual transport can implement this interface directly.
 */
export interface ProviderAdapter {
  /** Unique id, used in `provider/model` names and deployments: `openai`, `anthropic`, `groq`… */
  readonly id: string;
  readonly operations: readonly Operation[];
  /**
   * Forwarded operations it serves (images, audio, moderations, rerank), and the client API
   * formats it speaks natively (`messages`, `responses`); none when unset.
   */
  readonly forwards?: readonly (ForwardOperation | NativeOperation)[];
  /**
   * Upstream paths of the forwarded JSON routes it serves by translation (`/images/generations`,
   * `/rerank`): only those routes of their operation; none when unset.
   */
  readonly translatedForwards?: readonly string[];
  /** Naming rule for bare model names (`claude-*` → anthropic); used by the default routing. */
  claims?(model: string): boolean;
  /** Sends one request to one deployment. Throws GatewayError; streams are primed (first event read). */
  invoke(ctx: RequestContext, request: CanonicalRequest, target: Deployment): Promise<CallResult>;
  /** The provider's own model list, for `GET /v1/models`. */
  listModels?(signal: AbortSignal): Promise<readonly ModelInfo[]>;
}

/** Provider adapters by id. Filled by provider plugins at set-up; read-only afterwards. */
export class ProviderRegistry {
  readonly #adapters = new Map<string, ProviderAdapter>();

  register(adapter: ProviderAdapter): void {
    if (this.#adapters.has(adapter.id)) {
      throw new Error(`provider '${adapter.id}' is registered twice`);
    }
    this.#adapters.set(adapter.id, adapter);
  }

  get(id: string): ProviderAdapter | undefined {
    return this.#adapters.get(id);
  }

  has(id: string): boolean {
    return this.#adapters.has(id);
  }

  list(): readonly ProviderAdapter[] {
    return [...this.#adapters.values()];
  }

  /** The first registered provider whose naming rule claims `model`. */
  claimant(model: string): ProviderAdapter | undefined {
    for (const adapter of this.#adapters.values()) {
      if (adapter.claims?.(model)) return adapter;
    }
    return undefined;
  }
}

import type { KeysStore } from '../store/index.ts';

/** Who calls an admin route, as the gateway's auth decided. */
export type AdminCaller =
  | { readonly role: 'admin' }
  /** A virtual key; `token` is its hash (the store's `token`), never the plaintext. */
  | { readonly role: 'key'; readonly token: string };

/** One admin call, already authenticated and parsed, independent of any HTTP framework. */
export interface AdminRequest {
  /** Parsed JSON body (undefined for GET). */
  readonly body: unknown;
  readonly query: URLSearchParams;
  /** Who calls: the master key, or a virtual key (only GET /key/info without `key` is allowed to it). */
  readonly caller: AdminCaller;
}

export interface AdminRoute {
  readonly method: 'GET' | 'POST';
  /** `/key/generate`, `/v2/key/info`, … (LiteLLM's paths). */
  readonly path: string;
  /** One line for /openapi.json. */
  readonly summary: string;
  /** True only for GET /key/info (self-service with a virtual key). */
  readonly allowVirtualKey?: boolean;
  /** The JSON answer (status 200); throws GatewayError for every refusal. */
  handle(req: AdminRequest): Promise<unknown>;
}

/** Which cached tokens and teams a change made stale. */
export interface CacheChange {
  readonly tokens?: readonly string[];
  readonly teams?: readonly string[];
}

export interface AdminDeps {
  readonly store: KeysStore;
  /** The clock (ms); tests pass a manual one. */
  readonly now?: () => number;
  /** Called after every change so every instance's key cache drops these tokens / teams. */
  readonly invalidate: (change: CacheChange) => void | Promise<void>;
  /** Who the audit rows name as the actor; `master` by default (the CLI says `cli`). */
  readonly actor?: string;
}

/** The dependencies with their defaults filled in, as the route files use them. */
export interface AdminContext {
  readonly store: KeysStore;
  readonly now: () => number;
  readonly invalidate: (change: CacheChange) => Promise<void>;
  readonly actor: string;
}

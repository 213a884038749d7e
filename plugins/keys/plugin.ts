import { Type, type Static } from '@sinclair/typebox';
import {
  definePlugin,
  estimatePromptTokens,
  forbidden,
  GatewayError,
  Order,
  requestedOutputTokens,
  requestUnits,
  type GatewayApi,
  type Principal,
  PriceBook,
  PriceSchema,
  type RequestContext,
} from 'switchyard';
import { keyCallOf, keySlot, type KeyCall, type KeySlotted } from './key-call.ts';
import { hashKey } from './key-format.ts';
import { tapSpend } from './spend-taps.ts';
import { SoftBudgets } from './soft-budget.ts';
import { SpendWriter } from './spend/writer.ts';
import { DEFAULT_REDIS_PREFIX, invalidationChannel, localBus, redisBus, type Invalidation, type InvalidationBus } from './invalidation.ts';
import {
  AdmissionStoreError,
  MemoryAdmission,
  RedisAdmission,
  setRateLimitHeaders,
  type Admission,
  type AdmissionRequest,
  type AdmissionResult,
  type ScopeLimits,
} from './limits/index.ts';
import { keyAllowsModel } from './model-access.ts';
import { hasUnpriced, ModelPrices } from './model-prices.ts';
import { reservedCost, reservedForwardCost, type TokenEstimate } from './cost-estimate.ts';
import { RecordCache } from './record-cache.ts';
import { refusalError, type BudgetStatus } from './refusals.ts';
import { ScopeMemo } from './scopes.ts';
import { windowSpend } from './budget-window.ts';
import { adminRoutes, type AdminCaller } from './admin/index.ts';
import { openKeysStore, type KeyRow, type KeysStore, type StoreLocation, type TeamRow } from './store/index.ts';

export const KeysOptions = Type.Object(
  {
    /** The master key: passes every check, compared in constant time, never stored. */
    masterKey: Type.Optional(Type.String({ minLength: 1 })),
    /** PostgreSQL (`postgres://…`) for keys, teams and spend; otherwise SQLite in `dataDir`. */
    databaseUrl: Type.Optional(Type.String()),
    /** Where the embedded SQLite store lives. Default `./.switchyard/`. */
    dataDir: Type.Optional(Type.String()),
    /** Redis for counters, leases, budget windows and key-cache invalidation shared by every instance. */
    redisUrl: Type.Optional(Type.String()),
    /** Redis key prefix (put a hash tag in it for Redis Cluster, e.g. `{sy}:`). */
    redisPrefix: Type.Optional(Type.String()),
    /** Redis unreachable: `closed` (default) answers 503 for keys with limits; `open` admits unchecked. */
    onStoreError: Type.Optional(Type.Union([Type.Literal('closed'), Type.Literal('open')])),
    /** `reserve` also reserves a request's estimated cost against budgets (strict caps under concurrency). */
    budgetMode: Type.Optional(Type.Union([Type.Literal('check'), Type.Literal('reserve')])),
    /** Status of a budget refusal; 402 unless set (LiteLLM setups used 400, 422 or 429). */
    budgetExceededStatus: Type.Optional(Type.Union([Type.Literal(400), Type.Literal(402), Type.Literal(422), Type.Literal(429)])),
    /** What tpm counts: total tokens (default), or only input or output (LiteLLM counts output). */
    tokenCount: Type.Optional(Type.Union([Type.Literal('total'), Type.Literal('input'), Type.Literal('output')])),
    /** How long a key or team record is trusted without an invalidation, ms. Default 30 000. */
    cacheTtlMs: Type.Optional(Type.Integer({ minimum: 0 })),
    /**
     * A model without a price, for a key or team with a budget: `allow` (default) calls it, its
     * cost `null` in the spend row and logged; `deny` refuses it (403 `model_not_priced`), so no
     * spend escapes a budget.
     */
    pricing: Type.Optional(Type.Union([Type.Literal('allow'), Type.Literal('deny')])),
    /** Prices (USD per million tokens) by model name, over the shipped table; a deployment's `price` wins. */
    prices: Type.Optional(Type.Record(Type.String(), PriceSchema)),
    /** Spend rows older than this many days are deleted (daily roll-ups stay). Default 90; 0 keeps them. */
    spendRetentionDays: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false, title: 'keys' },
);
export type KeysOptions = Static<typeof KeysOptions>;

const admin: Principal = Object.freeze({ id: 'master-key', role: 'admin' });

/**
 * Two 64-character hex digests compared without an early exit, so the time taken does not say
 * how much of the master key's digest a guess matched (and the digest says nothing of the key).
 */
function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** What the plugin's parts share once set up. */
export interface KeysRuntime {
  readonly store: KeysStore;
  readonly admission: Admission;
  readonly keys: RecordCache<KeyRow>;
  readonly teams: RecordCache<TeamRow>;
  readonly bus: InvalidationBus;
  readonly prices: PriceBook;
  readonly writer: SpendWriter;
  readonly softBudgets: SoftBudgets;
}

/**
 * Virtual keys, teams, limits and budgets (design/operator.md §1–5). Identifies the caller in the
 * `auth` stage (master key, or a virtual key from a per-instance cache: no database read per
 * request), and admits the call at the start of `route`, once its model is known: every limit of
 * the key, its team and the key for that model, all or nothing (with `budgetMode: 'reserve'`,
 * the estimated cost too; with `pricing: 'deny'`, a budgeted key's unpriced model is refused
 * first). The log stage releases the parallel lease, reconciles tokens and replaces a cost
 * reservation with the real cost.
 */
export default definePlugin(KeysOptions, (options) => {
  let runtime: KeysRuntime | undefined;
  return {
    name: 'keys',
    async setup(gateway) {
      runtime = await openRuntime(gateway, options);
      // tpm reconciliation and spend need every stream's token counts.
      gateway.needStreamUsage();
      const rt = runtime;
      tapAuth(gateway, rt, options);
      tapAdmission(gateway, rt, options);
      tapRelease(gateway, rt, options);
      tapSpend(gateway, rt);
      mountAdmin(gateway, rt);
      gateway.readiness('keys', async () => ({ status: 'ok', detail: { store: rt.store.dialect, counters: options.redisUrl === undefined ? 'memory' : 'redis' } }));
    },
  };
});

async function openRuntime(gateway: GatewayApi, options: KeysOptions): Promise<KeysRuntime> {
  const location: StoreLocation =
    options.databaseUrl !== undefined && options.databaseUrl !== ''
      ? { kind: 'postgres', url: options.databaseUrl, onIdleError: (err) => gateway.log.warn({ err }, 'keys store connection error') }
      : { kind: 'sqlite', dataDir: options.dataDir ?? './.switchyard' };
  const { store, migrated } = await openKeysStore(location);
  gateway.onClose(() => store.close());
  if (migrated > 0) gateway.log.info({ migrated, store: store.dialect }, 'keys store migrated');
  const prices = new PriceBook(options.prices ?? {});
  const writer = new SpendWriter({ store, log: gateway.log });
  // Registered after the store's close: closers run in reverse, so every queued row is written first.
  gateway.onClose(() => writer.close());
  pruneDaily(gateway, store, options.spendRetentionDays ?? 90);
  const ttlMs = options.cacheTtlMs ?? 30_000;
  const keys = new RecordCache<KeyRow>({ load: (token) => store.getKey(token), ttlMs, max: 100_000 });
  const teams = new RecordCache<TeamRow>({ load: (id) => store.getTeam(id), ttlMs, max: 10_000 });
  const apply = (change: Invalidation | 'all'): void => {
    if (change === 'all') {
      keys.invalidateAll();
      teams.invalidateAll();
      return;
    }
    if (change.tokens !== undefined) keys.invalidate(change.tokens);
    if (change.teams !== undefined) teams.invalidate(change.teams);
  };
  if (options.redisUrl === undefined || options.redisUrl === '') {
    if (location.kind === 'sqlite') gateway.log.debug('keys: embedded store, counters in memory (one instance)');
    const admission = new MemoryAdmission();
    return { store, admission, keys, teams, bus: localBus(apply), prices, writer, softBudgets: new SoftBudgets(admission) };
  }
  if (location.kind === 'sqlite') {
    gateway.log.warn('keys: REDIS_URL is set without DATABASE_URL: keys live in this instance\'s SQLite file and are not shared');
  }
  const { Redis } = await import('ioredis');
  // Fail fast while Redis is away (admission answers 503, or admits unchecked when configured open).
  // Auto-pipelining: the log stage's release, reconcile and budget charge leave in one write.
  const connection = new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2_000, lazyConnect: true, enableAutoPipelining: true });
  const subscriber = new Redis(options.redisUrl, { lazyConnect: true });
  connection.on('error', (err: Error) => gateway.log.warn({ err: err.message }, 'keys: redis connection error'));
  subscriber.on('error', (err: Error) => gateway.log.warn({ err: err.message }, 'keys: redis subscriber error'));
  await Promise.all([connection.connect(), subscriber.connect()]);
  const prefix = options.redisPrefix ?? DEFAULT_REDIS_PREFIX;
  const admission = new RedisAdmission({ redis: connection, prefix: `${prefix}limits:`, onStoreError: options.onStoreError ?? 'closed' });
  const bus = await redisBus({ publisher: connection, subscriber, channel: invalidationChannel(prefix), log: gateway.log }, apply);
  gateway.onClose(async () => {
    await bus.close();
    await admission.close();
    connection.disconnect();
  });
  return { store, admission, keys, teams, bus, prices, writer, softBudgets: new SoftBudgets(admission) };
}

/** Retention: spend rows older than `days` are deleted once a day (roll-ups stay); 0 keeps them. */
function pruneDaily(gateway: GatewayApi, store: KeysStore, days: number): void {
  if (days === 0) return;
  const prune = (): void => {
    store.pruneSpend(Date.now() - days * 86_400_000).then(
      (deleted) => deleted > 0 && gateway.log.info({ deleted }, 'keys: old spend rows pruned'),
      (err: unknown) => gateway.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'keys: pruning spend rows failed'),
    );
  };
  const timer = setInterval(prune, 86_400_000);
  timer.unref();
  gateway.onClose(() => clearInterval(timer));
}

function tapAuth(gateway: GatewayApi, rt: KeysRuntime, options: KeysOptions): void {
  const master = options.masterKey === undefined ? undefined : hashKey(options.masterKey);
  const principals = new PrincipalMemo();
  gateway.hooks.auth.tapPromise({ name: 'keys', stage: Order.early }, async (ctx) => {
    const given = ctx.apiKey;
    if (given === undefined) throw missingKey();
    const token = hashKey(given);
    if (master !== undefined && sameDigest(token, master)) return admin;
    // A cached record comes back as a value: awaiting it would still cost a turn of the loop.
    const cached = rt.keys.get(token);
    const key = cached instanceof Promise ? await cached : cached;
    if (key === undefined) throw invalidKey();
    const now = Date.now();
    if (key.expires !== null && key.expires <= now) {
      throw new GatewayError(401, 'authentication_error', 'this API key has expired', { code: 'key_expired' });
    }
    if (key.blocked) throw forbidden('this API key is blocked', 'key_blocked');
    const teamRead = key.team_id === null ? undefined : rt.teams.get(key.team_id);
    const team = teamRead instanceof Promise ? await teamRead : teamRead;
    if (team?.blocked === true) throw forbidden("this API key's team is blocked", 'key_blocked');
    (ctx.state as KeySlotted)[keySlot] = { key, team, lease: undefined, refusal: undefined };
    return principals.of(key, team);
  });
}

/** One principal per key record (and team record): the same for every call until either changes. */
class PrincipalMemo {
  readonly #byKey = new WeakMap<KeyRow, { readonly team: TeamRow | undefined; readonly principal: Principal }>();

  of(key: KeyRow, team: TeamRow | undefined): Principal {
    const hit = this.#byKey.get(key);
    if (hit !== undefined && hit.team === team) return hit.principal;
    const principal = Object.freeze(principalOf(key, team));
    this.#byKey.set(key, { team, principal });
    return principal;
  }
}

/**
 * The principal of a virtual key, named by a prefix of its hash (never a key fragment): unique per
 * key, so what other plugins keep per principal (stored responses) is never shared by two keys.
 */
function principalOf(key: KeyRow, team: TeamRow | undefined): Principal {
  const keyModels = key.models;
  const teamModels = team?.models;
  const limited = keyModels.length > 0 || (teamModels !== undefined && teamModels.length > 0);
  return {
    id: `key-${key.token.slice(0, 16)}`,
    role: 'user',
    ...(key.team_id === null ? {} : { team: key.team_id }),
    ...(limited ? { allows: (model: string) => keyAllowsModel(keyModels, teamModels, model) } : {}),
  };
}

function tapAdmission(gateway: GatewayApi, rt: KeysRuntime, options: KeysOptions): void {
  const budgetStatus: BudgetStatus = options.budgetExceededStatus ?? 402;
  const tokenCount = options.tokenCount ?? 'total';
  const reserve = options.budgetMode === 'reserve';
  const deny = options.pricing === 'deny';
  const modelPrices = new ModelPrices(rt.prices, gateway);
  const memo = new ScopeMemo();
  /**
   * Budgets this instance has seeded from the store (see Admission.seedSpend), by the memo's
   * budget object: one per scope and window while the record is cached. A reloaded record seeds
   * once more, which the seed's set-if-absent makes harmless.
   */
  const seeded = new WeakSet<object>();
  const seedThenAdmit = async (ctx: RequestContext, call: KeyCall, scopes: readonly ScopeLimits[], request: AdmissionRequest, now: number): Promise<undefined> => {
    try {
      for (const scope of scopes) {
        if (scope.budget === undefined || seeded.has(scope.budget)) continue;
        const row = scope.kind === 'team' ? call.team : call.key;
        if (row !== undefined) await rt.admission.seedSpend(scope.id, scope.budget.window, windowSpend(row, now));
        seeded.add(scope.budget);
      }
      settle(ctx, call, await rt.admission.admit(request));
    } catch (err) {
      throw unreachableStore(ctx, err);
    }
    return undefined;
  };
  /** The admission's answer: a refusal thrown, or the rate-limit headers set and the lease kept. */
  const settle = (ctx: RequestContext, call: KeyCall, result: AdmissionResult): undefined => {
    if (!result.admitted) {
      call.refusal = { scope: result.scope.kind, limit: result.limit };
      throw refusalError(result, ctx.responseHeaders, budgetStatus);
    }
    setRateLimitHeaders(ctx.responseHeaders, result);
    call.lease = result.lease;
    return undefined;
  };
  // The first route tap: passes (undefined) after admitting, so routing goes on as without keys.
  // Not an async function: in memory, admission answers at once, and the tap answers with a value
  // instead of making a promise (and a turn of the loop) per request.
  gateway.hooks.route.tapPromise({ name: 'keys', stage: Order.first }, (ctx) => {
    const call = keyCallOf(ctx);
    if (call === undefined) return undefined;
    const { key, team } = call;
    if (!keyAllowsModel(key.models, team?.models, ctx.model)) {
      throw new GatewayError(403, 'permission_error', 'this API key may not use the requested model', { code: 'model_not_allowed', param: 'model' });
    }
    const now = Date.now();
    const memoized = memo.get(key, team, ctx.model, now);
    // A token count costs nothing and uses no tokens (inbound.md §2: it counts toward rpm, not tpm),
    // so, like GET /v1/models, it is never refused for budget: an over-budget key may still count.
    const counting = ctx.operation === 'count_tokens';
    const scopes = counting ? withoutBudgets(memoized.scopes) : memoized.scopes;
    if (scopes.length === 0) return undefined;
    const budgeted = !counting && memoized.hasBudget;
    const prices = budgeted && (deny || reserve) ? modelPrices.of(ctx.model) : undefined;
    // Refused before admission, so it debits nothing.
    if (deny && prices !== undefined && hasUnpriced(prices, ctx.operation)) throw unpricedModel();
    // The estimate walks the whole prompt: only worth it when a tpm limit or a cost reservation needs it.
    const needTpm = !counting && memoized.hasTpm;
    const estimate = needTpm || (reserve && prices !== undefined) ? estimateTokens(ctx) : undefined;
    const tokens = needTpm && estimate !== undefined ? countedTokens(estimate, tokenCount) : 0;
    const forward = ctx.forward;
    const costNanoUsd =
      !reserve || prices === undefined
        ? 0
        : forward !== undefined
          ? reservedForwardCost(forward.route.operation, requestUnits(forward.route.operation, forward.request, forward.route.body === 'multipart'), prices)
          : estimate !== undefined
            ? reservedCost(estimate, prices)
            : 0;
    const request: AdmissionRequest = { scopes, tokens, costNanoUsd };
    // A budget this instance has not counted yet starts from the store's figure (once per window).
    if (budgeted && scopes.some((scope) => scope.budget !== undefined && !seeded.has(scope.budget))) {
      return seedThenAdmit(ctx, call, scopes, request, now);
    }
    let result: AdmissionResult | Promise<AdmissionResult>;
    try {
      result = rt.admission.admit(request);
    } catch (err) {
      throw unreachableStore(ctx, err);
    }
    if (result instanceof Promise) {
      return result.then(
        (answer) => settle(ctx, call, answer),
        (err: unknown) => {
          throw unreachableStore(ctx, err);
        },
      );
    }
    return settle(ctx, call, result);
  });
}

/** An unreachable limit store is a 503 (fail closed); anything else is passed on as it is. */
function unreachableStore(ctx: RequestContext, err: unknown): unknown {
  if (!(err instanceof AdmissionStoreError)) return err;
  ctx.log.error({ err: err.message }, 'keys: limit store unreachable, refusing');
  return new GatewayError(503, 'service_unavailable_error', 'rate limits cannot be checked right now; retry shortly', { code: 'limits_unavailable', retryAfterS: 1 });
}

/** The scopes with their rpm, tpm and parallel limits only (a count's admission). */
function withoutBudgets(scopes: readonly ScopeLimits[]): ScopeLimits[] {
  const out: ScopeLimits[] = [];
  for (const { budget: _budget, ...limits } of scopes) {
    if (limits.rpm !== undefined || limits.tpm !== undefined || limits.maxParallel !== undefined) out.push(limits);
  }
  return out;
}

/** The request's expected tokens: prompt chars / 4, and the requested output (256 when unset; none for embeddings). */
function estimateTokens(ctx: RequestContext): TokenEstimate {
  return {
    input: estimatePromptTokens(ctx.request),
    output: ctx.operation === 'embeddings' ? 0 : (requestedOutputTokens(ctx.request) ?? 256),
  };
}

/** What tpm reserves of an estimate: total tokens by default (`tokenCount`). */
function countedTokens(e: TokenEstimate, count: 'total' | 'input' | 'output'): number {
  return count === 'input' ? e.input : count === 'output' ? e.output : e.input + e.output;
}

function tapRelease(gateway: GatewayApi, rt: KeysRuntime, options: KeysOptions): void {
  const tokenCount = options.tokenCount ?? 'total';
  // Not async, as the admission tap: in memory both calls are done when they return.
  gateway.hooks.log.tapPromise({ name: 'keys', stage: Order.first }, (ctx) => {
    const lease = keyCallOf(ctx)?.lease;
    if (lease === undefined) return undefined;
    try {
      const usage = ctx.usage;
      const actual =
        usage === undefined
          ? 0
          : tokenCount === 'input'
            ? usage.prompt_tokens
            : tokenCount === 'output'
              ? usage.completion_tokens
              : usage.total_tokens;
      // Both at once: on Redis they share the connection's pipeline, one round trip instead of two.
      const released = rt.admission.release(lease);
      const reconciled = rt.admission.reconcile(lease, actual);
      if (released instanceof Promise || reconciled instanceof Promise) {
        return Promise.all([released, reconciled]).then(
          () => undefined,
          (err: unknown) => releaseFailed(ctx, err),
        );
      }
    } catch (err) {
      releaseFailed(ctx, err);
    }
    return undefined;
  });
}

/** Leases and windows expire on their own; a failed release only delays that. */
function releaseFailed(ctx: RequestContext, err: unknown): undefined {
  ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'keys: releasing a lease failed');
  return undefined;
}

/** The admin API (operator.md §3) on the gateway's own routes: master key only, except self-service `GET /key/info`. */
function mountAdmin(gateway: GatewayApi, rt: KeysRuntime): void {
  const routes = adminRoutes({ store: rt.store, invalidate: (change) => rt.bus.publish(change) });
  for (const route of routes) {
    gateway.route({
      method: route.method,
      path: route.path,
      auth: route.allowVirtualKey === true ? 'caller' : 'admin',
      summary: route.summary,
      tag: 'admin',
      async handle(call) {
        const body = route.method === 'POST' ? await call.json() : undefined;
        const key = keyCallOf(call.ctx)?.key;
        const caller: AdminCaller = key === undefined ? { role: 'admin' } : { role: 'key', token: key.token };
        return { body: await route.handle({ body, query: call.query, caller }) };
      },
    });
  }
}

const missingKey = (): GatewayError =>
  new GatewayError(401, 'authentication_error', 'missing API key: send Authorization: Bearer <key> or x-api-key', { code: 'invalid_api_key' });
const unpricedModel = (): GatewayError =>
  new GatewayError(403, 'permission_error', "the requested model has no price, so this API key's budget could not count its cost; ask the operator to price it (pricing: 'deny')", {
    code: 'model_not_priced',
    param: 'model',
  });
const invalidKey = (): GatewayError => new GatewayError(401, 'authentication_error', 'invalid API key', { code: 'invalid_api_key' });

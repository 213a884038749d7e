/** A system under test, as the load generator sees it. */
/** `switchyard-redis` runs only in the cache-hit scenario, when REDIS_URL is set. */
/** `switchyard-keys-shared` runs only when REDIS_URL and DATABASE_URL are set. */
/** `switchyard-messages` is the `switchyard` process called on /v1/messages: streaming scenario only. */
export type TargetId =
  | 'direct'
  | 'passthrough'
  | 'switchyard'
  | 'switchyard-full'
  | 'switchyard-keys'
  | 'switchyard-team'
  | 'switchyard-keys-shared'
  | 'switchyard-metrics'
  | 'switchyard-metrics-off'
  | 'switchyard-messages'
  | 'switchyard-redis'
  | 'portkey';

/** The API a target is called on: chat completions, or Anthropic's Messages API (translated onto chat). */
export type Surface = 'chat' | 'messages';

export interface Target {
  readonly id: TargetId;
  readonly label: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** Headers of every request to it (auth, and Portkey's routing headers). */
  readonly headers: Readonly<Record<string, string>>;
  /** The `model` its clients send. */
  readonly model: string;
  /** The process whose CPU time and memory are measured (for `direct`, the mock itself). */
  readonly pid: number;
  /** Chat unless said otherwise; a Messages target runs only in the streaming scenario. */
  readonly surface?: Surface;
}

export const targetLabels: Readonly<Record<TargetId, string>> = {
  direct: 'direct (mock, no hop)',
  passthrough: 'bare Node pass-through',
  switchyard: 'Switchyard (default preset)',
  'switchyard-full': 'Switchyard full',
  'switchyard-keys': 'Switchyard keys (virtual key, limits, budget, spend; SQLite)',
  'switchyard-team': 'Switchyard team preset (keys + metrics + admin page, virtual key; SQLite)',
  'switchyard-keys-shared': 'Switchyard keys on Redis + PostgreSQL',
  'switchyard-metrics': 'Switchyard default + master key, metrics on',
  'switchyard-metrics-off': 'Switchyard default + master key, metrics off',
  'switchyard-messages': 'Switchyard default, Messages API in (translated onto chat)',
  'switchyard-redis': 'Switchyard full with cache/redis',
  portkey: 'Portkey gateway (OSS)',
};

/**
 * The faults the reliability matrix injects, and which of them make sense without a stream.
 * A fault is chosen per request by the model name the gateway sends upstream: a deployment whose
 * model is `rel--<fault>` gets that fault (see fault-upstream.ts).
 */
export const faults = [
  /** No fault: a correct answer (the control cell). */
  'ok',
  /** Nothing listens on the deployment's port. */
  'refused',
  /** The connection is dropped before any response byte. */
  'reset-before-body',
  /** Headers and part of the body, then the connection is dropped. */
  'reset-mid-body',
  /** The request is read and never answered. */
  'hang-before-headers',
  /** Headers and part of the body, then silence. */
  'hang-mid-body',
  /** 429 with `Retry-After`, in the wire format's error shape. */
  'status-429',
  /** 401: the provider refuses the gateway's own key (echoing it). */
  'status-401',
  /** 403: the provider refuses the gateway's own key for this model. */
  'status-403',
  /** 500 in the wire format's error shape. */
  'status-500',
  /** 503 in the wire format's error shape. */
  'status-503',
  /** 200 and bytes that are not the wire format at all. */
  'garbage',
  /** 200 and the answer's JSON (or one stream event's JSON) cut in half, the body otherwise complete. */
  'truncated-json',
  /** A stream that ends cleanly in the middle of an event. */
  'truncated-event',
  /** A stream with every content event but without its terminator (`[DONE]`, `message_stop`…). */
  'no-terminator',
  /** `stream: true` answered 200 with an HTML page. */
  'html-200',
  /** `stream: true` answered 200 with a JSON error body. */
  'json-error-200',
  /** A correct answer of a few MB. */
  'huge',
  /** A correct answer in small pieces with pauses, split at arbitrary bytes (inside characters too). */
  'trickle',
] as const;

export type Fault = (typeof faults)[number];

/** Faults that only exist for a stream. */
const streamOnly: ReadonlySet<Fault> = new Set(['truncated-event', 'no-terminator', 'html-200', 'json-error-200']);

export const faultsFor = (stream: boolean): Fault[] => faults.filter((f) => stream || !streamOnly.has(f));

/** The faults after which the client must get the correct answer; every other one must fail visibly. */
export const answering: ReadonlySet<Fault> = new Set(['ok', 'huge', 'trickle']);

/** The statuses a non-streamed failure (or a stream that failed before its first byte) may answer. */
export const expectedStatuses: Readonly<Record<Fault, readonly number[]>> = {
  ok: [200],
  huge: [200],
  trickle: [200],
  refused: [502, 503],
  'reset-before-body': [502],
  'reset-mid-body': [502],
  'hang-before-headers': [504],
  'hang-mid-body': [504],
  'status-429': [429],
  // The client's key was fine: the gateway's own key was refused (DESIGN.md, providers/README.md).
  'status-401': [502],
  'status-403': [502],
  'status-500': [502],
  'status-503': [502, 503],
  garbage: [502],
  'truncated-json': [502],
  'truncated-event': [502],
  'no-terminator': [502],
  'html-200': [502],
  'json-error-200': [502],
};

/** Faults another attempt on the same deployment cannot cure: the upstream must see exactly one call. */
export const notRetried: ReadonlySet<Fault> = new Set(['status-401', 'status-403']);

/** The model name that carries a fault upstream. */
export const faultModel = (fault: Fault): string => `rel--${fault}`;

/** The fault named in a URL or model name, if any. */
export function faultIn(text: string): Fault | undefined {
  const match = /rel--([a-z0-9-]+)/.exec(text);
  const name = match?.[1];
  return (faults as readonly string[]).includes(name ?? '') ? (name as Fault) : undefined;
}

/** The answer text for a fault: short with multi-byte characters, or a few MB for `huge`. */
export function answerText(fault: Fault): string {
  if (fault === 'huge') return 'The quick brown fox jumps over the lazy dog. '.repeat(70_000); // ≈ 3.2 MB
  return 'Grüße aus dem Upstream — ✓ 🚀 ok';
}

import type { GatewayError } from './errors.ts';
import type { FinalResult } from './openai/types.ts';

/** How a request ended, as the `log` stage sees it. Timings, attempts and usage are on the context. */
export interface Outcome {
  /** The HTTP status sent; 499 when the client went away first. */
  readonly status: number;
  /** Set when the request failed (before or during a stream). */
  readonly error: GatewayError | undefined;
  readonly stream: boolean;
  /** The complete result, or the assembled stream; unset on failure. */
  readonly result: FinalResult | undefined;
}

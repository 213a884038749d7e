/**
 * The abort reason of a request cut because the grace period ended (or a second signal asked to
 * stop now): unlike a client that left, the client is still there and is owed an answer — a 503
 * envelope, or a final `server_shutting_down` error event on a stream that has started.
 */
export const shutdownCut: Error = Object.freeze(new Error('the gateway is shutting down'));

/** Whether a request's signal was aborted by the shutdown rather than by its client. */
export function cutByShutdown(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason === shutdownCut;
}

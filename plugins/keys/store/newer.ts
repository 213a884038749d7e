/**
 * Which of two copies of a row a cache keeps: the higher version, so a late reply carrying an
 * old row never replaces a newer one (LiteLLM's cache re-activated deleted and blocked keys).
 */
export function preferNewer<R extends { readonly version: number }>(held: R | undefined, incoming: R): R {
  return held !== undefined && held.version > incoming.version ? held : incoming;
}

/** Where OTLP/HTTP collectors listen by default. */
export const defaultEndpoint = 'http://localhost:4318';

/**
 * The URL spans are posted to, as the OTel spec reads its variables: a traces endpoint is used as
 * is; a base endpoint gets `v1/traces` appended (after one `/`). Throws on a URL that does not
 * parse, so a typo fails start-up instead of every export.
 *
 * @example
 * tracesUrl({ endpoint: 'http://collector:4318' });       // 'http://collector:4318/v1/traces'
 * tracesUrl({ endpoint: 'https://otlp.example.com/otlp/' }); // 'https://otlp.example.com/otlp/v1/traces'
 */
export function tracesUrl(options: { readonly endpoint?: string | undefined; readonly tracesEndpoint?: string | undefined }): string {
  const url = options.tracesEndpoint ?? joinTraces(options.endpoint ?? defaultEndpoint);
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`otel: the traces endpoint must be http(s), not ${parsed.protocol}`);
  return url;
}

function joinTraces(base: string): string {
  return base.endsWith('/') ? `${base}v1/traces` : `${base}/v1/traces`;
}

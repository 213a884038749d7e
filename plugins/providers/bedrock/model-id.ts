/**
 * Encodes a model id for Bedrock's path the way the AWS SDK does (RFC 3986: `:` and `/` of
 * versions and ARNs escaped, plus `!'()*`). The URL carries it encoded once; the signer then
 * escapes the path again for the canonical request, as SigV4 requires for every service but S3.
 */
export function encodeModelId(modelId: string): string {
  return encodeURIComponent(modelId).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

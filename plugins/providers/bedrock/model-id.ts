/**
 * Encodes a model id for Bedrock's path the way the AWS SDK does (RFC 3986: `:` and `/` of
 * versions and ARNs escaped, plus `!'()*`). The URL carries it encoded once; the signer then
 * escapes the path again for the canonical request, as SigV4 requires for every service but S3.
 */
export function encodeModelId(modelId: string): string {
  return encodeURIComponent(modelId).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

// Cross-region inference profiles prefix the model id with a geography.
const profilePrefix = /^(?:us|eu|apac|us-gov|global|jp|au|ca)\./;

/**
 * The foundation model a deployment's id names, without an ARN's path or a cross-region profile
 * prefix: `arn:…:foundation-model/amazon.nova-canvas-v1:0` and `us.amazon.nova-canvas-v1:0` →
 * `amazon.nova-canvas-v1:0`. (A provisioned-throughput ARN names no model.)
 */
export function baseModelId(modelId: string): string {
  return (modelId.split('/').pop() ?? '').replace(profilePrefix, '');
}

import { createHash } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

export { encodeModelId } from './model-id.ts';

/**
 * SigV4 for Bedrock (service `bedrock`), one signer per set of credentials; the region is
 * chosen per call. The payload hash is computed with node:crypto and sent as
 * `x-amz-content-sha256`, which the signer then uses as is: the pure-JS SHA-256 only ever
 * hashes the short canonical strings, never a multi-megabyte image body.
 */
export class BedrockSigner {
  readonly #signer: SignatureV4;
  readonly #now: () => Date;

  /** `now` is for tests that sign at a fixed time. */
  constructor(credentials: AwsCredentials, now: () => Date = () => new Date()) {
    this.#now = now;
    this.#signer = new SignatureV4({ service: 'bedrock', region: 'us-east-1', credentials, sha256: Sha256 });
  }

  /** Headers to send: the given ones plus host, x-amz-date, x-amz-content-sha256, the session token and authorization. */
  async sign(url: URL, region: string, body: string | undefined, headers: Record<string, string>): Promise<Record<string, string>> {
    const payloadHash = createHash('sha256')
      .update(body ?? '')
      .digest('hex');
    const signed = await this.#signer.sign(
      {
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port === '' ? {} : { port: Number(url.port) }),
        path: url.pathname,
        query: {},
        headers: { ...headers, host: url.host, 'x-amz-content-sha256': payloadHash },
        ...(body === undefined ? {} : { body }),
      },
      { signingRegion: region, signingDate: this.#now() },
    );
    return signed.headers as Record<string, string>;
  }
}

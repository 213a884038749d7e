import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { RecordedRequest } from './server.ts';

export interface MockAwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Why AWS refused a request, as its error type, status and message. */
export interface AuthFailure {
  readonly status: 400 | 403;
  readonly type: string;
  readonly message: string;
}

const authPattern =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

const fail = (type: string, message: string, status: 400 | 403 = 403): AuthFailure => ({ status, type, message });

function headerValue(rec: RecordedRequest, name: string): string | undefined {
  const v = rec.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

/**
 * Checks a request's SigV4 signature as AWS does: recomputes it from the request as received
 * (method, path as sent — encoded once, double-encoded by the signer — query, the signed headers
 * and the body) with the known secret, and compares. Also the scope (service `bedrock`, the
 * server's region, the date), the clock skew, the session token and the payload hash header.
 */
export async function verifySigV4(rec: RecordedRequest, creds: MockAwsCredentials, region: string, now = Date.now()): Promise<AuthFailure | undefined> {
  const auth = headerValue(rec, 'authorization');
  if (auth === undefined) return fail('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const m = authPattern.exec(auth);
  if (m === null) return fail('IncompleteSignatureException', `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.`);
  const [, accessKeyId, day, scopeRegion, service, signedList, signature] = m as unknown as [string, string, string, string, string, string, string];
  if (accessKeyId !== creds.accessKeyId) return fail('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (service !== 'bedrock') return fail('InvalidSignatureException', `Credential should be scoped to correct service: 'bedrock'.`);
  if (scopeRegion !== region) return fail('InvalidSignatureException', `Credential should be scoped to a valid region.`);
  const amzDate = headerValue(rec, 'x-amz-date');
  const date = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (date === undefined) return fail('IncompleteSignatureException', `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.`);
  if (amzDate?.slice(0, 8) !== day) return fail('InvalidSignatureException', 'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.');
  if (Math.abs(now - date.getTime()) > 5 * 60_000) return fail('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than the allowed time window.`);
  const signed = signedList.split(';');
  if (!signed.includes('host') || !signed.includes('x-amz-date')) return fail('InvalidSignatureException', 'host and x-amz-date must be signed.');
  const token = headerValue(rec, 'x-amz-security-token');
  if (token !== creds.sessionToken || (token !== undefined && !signed.includes('x-amz-security-token'))) {
    return fail('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  const claimedHash = headerValue(rec, 'x-amz-content-sha256');
  if (claimedHash !== undefined && claimedHash !== createHash('sha256').update(rec.body).digest('hex')) {
    return fail('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400);
  }
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = headerValue(rec, name);
    if (value === undefined) return fail('InvalidSignatureException', `The request signature we calculated does not match the signature you provided (signed header '${name}' is missing).`);
    headers[name] = value;
  }
  const [path = '/', search = ''] = rec.url.split('?', 2);
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(search)) query[k] = v;
  const signer = new SignatureV4({ service, region, credentials: creds, sha256: Sha256, applyChecksum: false });
  const expected = await signer.sign(
    { method: rec.method, protocol: 'http:', hostname: headers.host ?? '', path, query, headers, body: rec.body },
    { signingDate: date, signingRegion: region, signingService: service },
  );
  const want = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))?.[1] ?? '';
  const wantedHeaders = /SignedHeaders=([^,]+)/.exec(String(expected.headers.authorization))?.[1];
  if (wantedHeaders !== signedList || !timingSafeEqual(Buffer.from(want), Buffer.from(signature))) {
    return fail(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return undefined;
}

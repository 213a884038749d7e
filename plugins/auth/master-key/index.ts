import { createHash, timingSafeEqual } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { definePlugin, unauthorized, type Principal } from 'switchyard';

export const MasterKeyOptions = Type.Object(
  {
    /** The key clients send as `Authorization: Bearer KEY` or `x-api-key: KEY`. Unset: no auth, loopback only. */
    key: Type.Optional(Type.String()),
  },
  { additionalProperties: false, title: 'auth-master-key' },
);

/** Digests have a fixed length, so the comparison time says nothing about the key's length either. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

const admin: Principal = Object.freeze({ id: 'master-key', role: 'admin' });

/**
 * One shared key for every client. Without a key it taps nothing, and the gateway binds to
 * 127.0.0.1 only and warns at start-up.
 */
export default definePlugin(MasterKeyOptions, (options) => ({
  name: 'auth-master-key',
  setup(gateway) {
    const key = options.key;
    if (key === undefined || key === '') {
      gateway.log.warn('no master key configured: anyone who can reach the gateway can use it');
      return;
    }
    const expected = digest(key);
    gateway.hooks.auth.tapPromise('auth-master-key', async (ctx) => {
      const given = ctx.apiKey;
      if (given === undefined) throw unauthorized('missing API key: send Authorization: Bearer <key> or x-api-key');
      if (!timingSafeEqual(digest(given), expected)) throw unauthorized('invalid API key');
      return admin;
    });
  },
}));

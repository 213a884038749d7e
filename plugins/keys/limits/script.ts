import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script with its SHA-1 computed once, at load, for EVALSHA. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * EVALSHA, then EVAL only when the server does not know the script (NOSCRIPT: first use, a
 * restart, SCRIPT FLUSH), so the hot path sends the 40-character SHA, not the source.
 * `argv` is the keys followed by the arguments; ioredis flattens it into the command.
 */
export async function runScript(redis: Redis, script: LuaScript, numKeys: number, argv: readonly string[]): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, numKeys, argv as string[]);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return redis.eval(script.source, numKeys, argv as string[]);
  }
}

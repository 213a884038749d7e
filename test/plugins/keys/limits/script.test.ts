import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { luaScript, runScript } from '../../../../plugins/keys/limits/script.ts';
import { redisAdmissions } from '../../../helpers/redis-admission.ts';

describe('runScript against real Redis', () => {
  const redis = redisAdmissions();
  afterAll(() => redis.cleanup());

  test('EVALSHA first; on NOSCRIPT the source is sent once with EVAL, then the SHA is enough', async () => {
    const conn = await redis.connect();
    // A script no server has seen (SCRIPT FLUSH would disturb other users of this Redis).
    const script = luaScript(`-- ${randomUUID()}\nreturn tonumber(ARGV[1]) + #KEYS`);
    const evalsha = vi.spyOn(conn, 'evalsha');
    const evalSource = vi.spyOn(conn, 'eval');
    expect(await runScript(conn, script, 1, [`${redis.prefix}x`, '41'])).toBe(42);
    expect(evalsha).toHaveBeenCalledTimes(1);
    expect(evalSource).toHaveBeenCalledTimes(1);
    expect(await runScript(conn, script, 1, [`${redis.prefix}x`, '1'])).toBe(2);
    expect(evalsha).toHaveBeenCalledTimes(2);
    expect(evalSource).toHaveBeenCalledTimes(1);
  });

  test('other errors are not retried with EVAL', async () => {
    const conn = await redis.connect();
    const script = luaScript(`-- ${randomUUID()}\nreturn redis.call('NOSUCHCOMMAND')`);
    // Loaded by a first run, so the next EVALSHA finds it and fails with the script's own error.
    await runScript(conn, script, 0, []).catch(() => undefined);
    const evalSource = vi.spyOn(conn, 'eval');
    await expect(runScript(conn, script, 0, [])).rejects.toThrow(/unknown command|Unknown Redis command/i);
    expect(evalSource).not.toHaveBeenCalled();
  });
});

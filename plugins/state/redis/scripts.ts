/**
 * Lua scripts for the read-modify-write operations, so each is atomic on the Redis server
 * however many gateway instances run them at once. KEYS and ARGV as documented per script.
 */

/** KEYS[1] in-flight counter; ARGV[1] ttl ms. Never below zero; expires so a crash leaks nothing. */
export const releaseScript = `
local v = redis.call('DECR', KEYS[1])
if v <= 0 then redis.call('DEL', KEYS[1]) return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return v`;

/** KEYS[1] average; ARGV[1] sample, ARGV[2] alpha, ARGV[3] ttl ms. Exponential moving average. */
export const ewmaScript = `
local old = redis.call('GET', KEYS[1])
local x = tonumber(ARGV[1])
local a = tonumber(ARGV[2])
local v = x
if old then v = a * x + (1 - a) * tonumber(old) end
redis.call('SET', KEYS[1], tostring(v), 'PX', ARGV[3])
return tostring(v)`;

/** KEYS[1] window hash; ARGV[1] 1 if failed, ARGV[2] ttl ms. Returns {failures, total}. */
export const outcomeScript = `
local t = redis.call('HINCRBY', KEYS[1], 't', 1)
local f = tonumber(redis.call('HGET', KEYS[1], 'f') or '0')
if ARGV[1] == '1' then f = redis.call('HINCRBY', KEYS[1], 'f', 1) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {f, t}`;

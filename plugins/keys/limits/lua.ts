import { luaScript } from './script.ts';

/**
 * The whole admission in one script, so it is atomic on the Redis server and costs one round trip:
 * phase 1 reads every limit of every scope (dropping what left the window or expired, which
 * debits nothing), phase 2 debits all of them only if none refused. Time is Redis's own (`TIME`),
 * so every gateway instance counts on the same clock.
 *
 * Data: rpm and tpm are hashes of bucket number -> count (bucket = floor(ms / bucket ms), the
 * window the last WINDOW buckets), each key expiring when its newest bucket leaves the window;
 * parallel leases are a sorted set of lease id -> expiry ms (a crashed instance's lease ages out);
 * budget spend is a counter per window, read here and, with a cost estimate (reserve mode), debited.
 *
 * KEYS: per scope, in order, one for each limit it has: rpm hash, tpm hash, lease set, budget counter.
 * ARGV: [1] bucket ms, [2] window buckets, [3] tokens, [4] lease id, [5] lease ttl ms,
 *       [6] parallel retry ms, [7] scope count, [8] cost estimate nano-USD (0: check only),
 *       [9] spend counter grace ms, then 5 per scope: rpm, tpm, max parallel,
 *       budget max, budget window end ms ('' when the scope has no such limit).
 * Returns: admitted (1|0), now ms, bucket, then rpm limit, remaining, reset ms, tpm limit,
 *       remaining, reset ms (-1 when no such limit), refused scope (1-based), refused limit
 *       (1 rpm, 2 tpm, 3 parallel, 4 budget), retry after ms (-1 when admitted).
 */
export const admitScript = luaScript(`
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local bms = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
local tokens = tonumber(ARGV[3])
local ttl = tonumber(ARGV[5])
local cost = tonumber(ARGV[8])
local grace = tonumber(ARGV[9])
local bucket = math.floor(now / bms)
local oldest = bucket - win + 1

local function window(key)
  local flat = redis.call('HGETALL', key)
  local sum, newest, live, counts, stale = 0, -1, {}, {}, {}
  for i = 1, #flat, 2 do
    local b = tonumber(flat[i])
    if b < oldest then
      stale[#stale + 1] = flat[i]
    else
      local c = tonumber(flat[i + 1])
      sum = sum + c
      live[#live + 1] = b
      counts[b] = c
      if b > newest then newest = b end
    end
  end
  if #stale > 0 then redis.call('HDEL', key, unpack(stale)) end
  return sum, newest, live, counts
end

-- How long until enough buckets leave the window for used + add <= limit.
local function wait(live, counts, used, add, limit)
  table.sort(live)
  for i = 1, #live do
    used = used - counts[live[i]]
    if used + add <= limit then return (live[i] + win) * bms - now end
  end
  -- add alone exceeds the limit: the best a client can do is wait for an empty window.
  if #live > 0 then return (live[#live] + win) * bms - now end
  return win * bms
end

local refusedScope, refusedLimit, retry = -1, -1, -1
local function refuse(s, code, after)
  if refusedLimit == 4 then return end
  -- A budget refusal wins (no retry helps before the window ends); else the longest wait.
  if code == 4 or after > retry then refusedScope, refusedLimit, retry = s, code, after end
end

local rk, rl, ru, rn = {}, {}, {}, {}
local tk, tl, tu, tn = {}, {}, {}, {}
local pk = {}
local bk, be = {}, {}
local k = 1
for s = 1, tonumber(ARGV[7]) do
  local a = 9 + (s - 1) * 5
  if ARGV[a + 1] ~= '' then
    local limit = tonumber(ARGV[a + 1])
    local used, newest, live, counts = window(KEYS[k])
    if used + 1 > limit then refuse(s, 1, wait(live, counts, used, 1, limit)) end
    local i = #rk + 1
    rk[i], rl[i], ru[i], rn[i] = KEYS[k], limit, used, newest
    k = k + 1
  end
  if ARGV[a + 2] ~= '' then
    local limit = tonumber(ARGV[a + 2])
    local used, newest, live, counts = window(KEYS[k])
    if used + tokens > limit then refuse(s, 2, wait(live, counts, used, tokens, limit)) end
    local i = #tk + 1
    tk[i], tl[i], tu[i], tn[i] = KEYS[k], limit, used, newest
    k = k + 1
  end
  if ARGV[a + 3] ~= '' then
    redis.call('ZREMRANGEBYSCORE', KEYS[k], '-inf', now)
    if redis.call('ZCARD', KEYS[k]) >= tonumber(ARGV[a + 3]) then refuse(s, 3, tonumber(ARGV[6])) end
    pk[#pk + 1] = KEYS[k]
    k = k + 1
  end
  if ARGV[a + 4] ~= '' then
    local spent = tonumber(redis.call('GET', KEYS[k]) or '0')
    local max = tonumber(ARGV[a + 4])
    local ends = tonumber(ARGV[a + 5])
    -- Check only: the request that crosses completes. Reserve: the estimate must fit too.
    if spent >= max or (cost > 0 and spent + cost > max) then
      local left = ends - now
      if left < 0 then left = 0 end
      refuse(s, 4, left)
    end
    bk[#bk + 1], be[#be + 1] = KEYS[k], ends
    k = k + 1
  end
end

local admitted = refusedLimit == -1
if admitted then
  local expire = (bucket + win) * bms - now
  for i = 1, #rk do
    redis.call('HINCRBY', rk[i], bucket, 1)
    redis.call('PEXPIRE', rk[i], expire)
  end
  if tokens > 0 then
    for i = 1, #tk do
      redis.call('HINCRBY', tk[i], bucket, tokens)
      redis.call('PEXPIRE', tk[i], expire)
    end
  end
  for i = 1, #pk do
    redis.call('ZADD', pk[i], now + ttl, ARGV[4])
    -- The set lives as long as its longest lease (instances may be configured with other ttls).
    if redis.call('PTTL', pk[i]) < ttl then redis.call('PEXPIRE', pk[i], ttl) end
  end
  if cost > 0 then
    for i = 1, #bk do
      redis.call('INCRBY', bk[i], cost)
      redis.call('PEXPIREAT', bk[i], be[i] + grace)
    end
  end
end

-- OpenAI's headers describe the most constrained limit: the smallest remaining fraction.
local function headroom(keys, limits, useds, newests, add)
  local best, limit, remaining, reset = 2, -1, -1, -1
  for i = 1, #keys do
    local newest = newests[i]
    if add > 0 then newest = bucket end
    local left = limits[i] - useds[i] - add
    if left < 0 then left = 0 end
    local fraction = 0
    if limits[i] > 0 then fraction = left / limits[i] end
    if fraction < best then
      best, limit, remaining = fraction, limits[i], left
      if newest >= 0 then reset = (newest + win) * bms - now else reset = 0 end
    end
  end
  return limit, remaining, reset
end

local addR, addT = 0, 0
if admitted then addR, addT = 1, tokens end
local rL, rR, rS = headroom(rk, rl, ru, rn, addR)
local tL, tR, tS = headroom(tk, tl, tu, tn, addT)
return { admitted and 1 or 0, now, bucket, rL, rR, rS, tL, tR, tS, refusedScope, refusedLimit, retry }
`);

/**
 * Charges or refunds tokens in the bucket the reservation was made in, so the rolling window
 * sees the real count where it was reserved. If that bucket has left the window, a refund has
 * nothing left to undo and an extra charge goes to the current bucket.
 * KEYS: tpm hashes. ARGV: [1] bucket ms, [2] window buckets, [3] reservation bucket, [4] delta.
 */
export const reconcileScript = luaScript(`
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local bms = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
local target = tonumber(ARGV[3])
local delta = tonumber(ARGV[4])
local bucket = math.floor(now / bms)
if bucket - target >= win then
  if delta <= 0 then return 0 end
  target = bucket
end
local expire = (target + win) * bms - now
for i = 1, #KEYS do
  local v = redis.call('HINCRBY', KEYS[i], target, delta)
  if v <= 0 then redis.call('HDEL', KEYS[i], target) end
  if redis.call('PTTL', KEYS[i]) < expire then redis.call('PEXPIRE', KEYS[i], expire) end
end
return 1
`);

/** KEYS: lease sets; ARGV[1] lease id. ZREM is idempotent: a second release changes nothing. */
export const releaseScript = luaScript(`
for i = 1, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
return 1
`);

/** KEYS: spend counters; ARGV[1] nano-USD (negative refunds a reservation), ARGV[1 + i] expire-at ms of KEYS[i]. */
export const spendScript = luaScript(`
for i = 1, #KEYS do
  redis.call('INCRBY', KEYS[i], ARGV[1])
  redis.call('PEXPIREAT', KEYS[i], ARGV[i + 1])
end
return 1
`);

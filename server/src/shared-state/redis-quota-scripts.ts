import { LuaScript } from "../lib/redis-connection.ts";

/*
 * Client-key quotas in Redis (see quota-ledger.ts for the rule):
 *   quota:totals         HASH  `epoch` (random, set when the hash is created), and per key id
 *                              `r:<id>` / `t:<id>`: requests and tokens settled by any instance
 *   quota:<id>:leases    ZSET  calls of the key in flight (member: lease id, score: expiry ms);
 *                              an instance that crashed stops renewing, so its leases lapse
 *   quota:<id>:tokens    HASH  lease id → tokens reserved
 */

/** Drops the key's lapsed leases (their instance crashed). KEYS[2] leases, KEYS[3] tokens. */
const LAPSE = `
local function lapse(leases, tokens, now)
  local lapsed = redis.call('ZRANGEBYSCORE', leases, '-inf', now)
  for _, lease in ipairs(lapsed) do redis.call('HDEL', tokens, lease) end
  if #lapsed > 0 then redis.call('ZREMRANGEBYSCORE', leases, '-inf', now) end
end
`;

/**
 * Admits one call of a key, atomically: checks its usage and leases, then takes a lease.
 * KEYS: totals, leases, tokens. ARGV: now, lease id, lease expiry, key id, request quota (-1: none),
 * token quota (-1: none), tokens of this call, used requests, used tokens, then the loaded snapshot:
 * epoch ('' when there is none), settled requests, settled tokens at that snapshot.
 * Returns {1, 0, …} when admitted, {0, reason (1 used up, 2 in flight), …} when refused, {-1} when
 * the snapshot is of lost totals; after the first two: used requests, in flight, used tokens,
 * reserved tokens (as seen before this call).
 */
export const QUOTA_ADMIT = new LuaScript(`${LAPSE}
local now = tonumber(ARGV[1])
local id = ARGV[4]
local usedRequests, usedTokens = tonumber(ARGV[8]), tonumber(ARGV[9])
if ARGV[10] ~= '' then
  if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[10] then return {-1} end
  usedRequests = usedRequests + math.max(0, tonumber(redis.call('HGET', KEYS[1], 'r:' .. id) or '0') - tonumber(ARGV[11]))
  usedTokens = usedTokens + math.max(0, tonumber(redis.call('HGET', KEYS[1], 't:' .. id) or '0') - tonumber(ARGV[12]))
end
lapse(KEYS[2], KEYS[3], now)
local inFlight = redis.call('ZCARD', KEYS[2])
local reserved = 0
for _, tokens in ipairs(redis.call('HVALS', KEYS[3])) do reserved = reserved + tonumber(tokens) end
local requestQuota, tokenQuota, tokens = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local reason = 0
if (requestQuota >= 0 and usedRequests >= requestQuota) or (tokenQuota >= 0 and usedTokens >= tokenQuota) then
  reason = 1
elseif requestQuota >= 0 and usedRequests + inFlight >= requestQuota then
  reason = 2
elseif tokenQuota >= 0 and inFlight > 0 and usedTokens + reserved + tokens > tokenQuota then
  reason = 2
end
if reason ~= 0 then return {0, reason, usedRequests, inFlight, usedTokens, reserved} end
local expiry = tonumber(ARGV[3])
redis.call('ZADD', KEYS[2], expiry, ARGV[2])
redis.call('HSET', KEYS[3], ARGV[2], tokens)
redis.call('PEXPIRE', KEYS[2], expiry - now + 1000)
redis.call('PEXPIRE', KEYS[3], expiry - now + 1000)
return {1, 0, usedRequests, inFlight, usedTokens, reserved}
`);

/**
 * Ends a lease and adds what the call used to the totals, in one step, so there is no moment
 * when neither the lease nor the usage counts. KEYS: totals, leases, tokens. ARGV: lease id,
 * key id, requests used, tokens used, how long the totals outlive their last change (ms).
 */
export const QUOTA_SETTLE = new LuaScript(`
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
local requests, tokens = tonumber(ARGV[3]), tonumber(ARGV[4])
if requests > 0 then redis.call('HINCRBY', KEYS[1], 'r:' .. ARGV[2], requests) end
if tokens > 0 then redis.call('HINCRBY', KEYS[1], 't:' .. ARGV[2], tokens) end
if requests > 0 or tokens > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
return 1
`);

/**
 * The totals of every key, creating the hash (with a new epoch) when there is none.
 * KEYS: totals. ARGV: a new epoch, how long the totals outlive their last change (ms).
 * Returns HGETALL's flat field/value list.
 */
export const QUOTA_SNAPSHOT = new LuaScript(`
if redis.call('HSETNX', KEYS[1], 'epoch', ARGV[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('HGETALL', KEYS[1])
`);

import { LuaScript } from "../lib/redis-connection.ts";

/*
 * One scope (a provider, or one key of a provider) is four Redis keys:
 *   req     ZSET  request starts of the last minute (score: start ms, member: lease id)
 *   tok     ZSET  token reports of the last minute (score: report ms, member: "<lease id>:<tokens>")
 *   toksum  STRING the sum of `tok`, kept so checking TPM does not add the window up each time
 *   lease   ZSET  attempts in flight (score: expiry ms); an instance that crashed stops renewing
 *                 its leases, so they lapse instead of holding concurrency slots forever
 * The windows slide over 60 s like the in-process `RateLimit`; every key expires on its own.
 */

/** Drops what left the window (and lapsed leases) from one scope. */
const EXPIRE = `
local function expire(req, tok, toksum, lease, now, cutoff)
  redis.call('ZREMRANGEBYSCORE', req, '-inf', cutoff)
  redis.call('ZREMRANGEBYSCORE', lease, '-inf', now)
  local old = redis.call('ZRANGEBYSCORE', tok, '-inf', cutoff)
  if #old > 0 then
    local sum = 0
    for _, member in ipairs(old) do sum = sum + tonumber(string.match(member, ':(%d+)$')) end
    redis.call('ZREMRANGEBYSCORE', tok, '-inf', cutoff)
    redis.call('DECRBY', toksum, sum)
    redis.call('PEXPIRE', toksum, now - cutoff + 1000)
  end
end
`;

/**
 * Admits one attempt against every scope given (provider, then key) atomically: checks all,
 * then records in all, so two instances can never both take the last slot.
 * KEYS: per scope req, tok, toksum, lease. ARGV: now, lease id, lease expiry, window ms, then per
 * scope requests/min, tokens/min, max concurrent (0: none).
 * Returns {0, 0} when admitted, else {wait ms (-1: until one in flight finishes), 1-based scope}.
 */
export const ADMIT = new LuaScript(`${EXPIRE}
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[4])
local cutoff = now - window
local scopes = #KEYS / 4
for i = 1, scopes do
  local req, tok, toksum, lease = KEYS[4 * i - 3], KEYS[4 * i - 2], KEYS[4 * i - 1], KEYS[4 * i]
  local rpm, tpm, concurrent = tonumber(ARGV[3 * i + 2]), tonumber(ARGV[3 * i + 3]), tonumber(ARGV[3 * i + 4])
  expire(req, tok, toksum, lease, now, cutoff)
  local wait = 0
  if concurrent > 0 and redis.call('ZCARD', lease) >= concurrent then wait = -1 end
  if wait == 0 and rpm > 0 then
    local count = redis.call('ZCARD', req)
    if count >= rpm then
      local oldest = redis.call('ZRANGE', req, count - rpm, count - rpm, 'WITHSCORES')
      wait = tonumber(oldest[2]) + window - now
    end
  end
  if wait >= 0 and tpm > 0 then
    local excess = tonumber(redis.call('GET', toksum) or '0') - tpm
    if excess >= 0 then
      local reports = redis.call('ZRANGE', tok, 0, -1, 'WITHSCORES')
      for j = 1, #reports, 2 do
        excess = excess - tonumber(string.match(reports[j], ':(%d+)$'))
        if excess < 0 then
          wait = math.max(wait, tonumber(reports[j + 1]) + window - now)
          break
        end
      end
    end
  end
  if wait ~= 0 then return {wait, i} end
end
local expiry = tonumber(ARGV[3])
for i = 1, scopes do
  redis.call('ZADD', KEYS[4 * i - 3], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[4 * i - 3], window + 1000)
  redis.call('ZADD', KEYS[4 * i], expiry, ARGV[2])
  redis.call('PEXPIRE', KEYS[4 * i], expiry - now + 1000)
end
return {0, 0}
`);

/**
 * Frees an attempt's slot in every scope and counts its tokens where tokens are limited.
 * KEYS: per scope tok, toksum, lease. ARGV: lease id, now, tokens, window ms, then per scope
 * 1 to count tokens (else 0), max concurrent.
 * Returns 1 when some scope was full before (instances with waiting requests should look again).
 */
export const RELEASE = new LuaScript(`
local now, tokens, window = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local freed = 0
for i = 1, #KEYS / 3 do
  local tok, toksum, lease = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  local concurrent = tonumber(ARGV[2 * i + 4])
  if concurrent > 0 and redis.call('ZCARD', lease) >= concurrent then freed = 1 end
  redis.call('ZREM', lease, ARGV[1])
  if ARGV[2 * i + 3] == '1' and tokens > 0 then
    redis.call('ZADD', tok, now, ARGV[1] .. ':' .. ARGV[3])
    redis.call('PEXPIRE', tok, window + 1000)
    redis.call('INCRBY', toksum, tokens)
    redis.call('PEXPIRE', toksum, window + 1000)
  end
end
return freed
`);

/**
 * The counters of one scope. KEYS: req, tok, toksum, lease. ARGV: now, window ms.
 * Returns {in flight, requests, tokens}, or nil when the scope has no keys (nothing limited it lately).
 */
export const SNAPSHOT = new LuaScript(`${EXPIRE}
if redis.call('EXISTS', KEYS[1], KEYS[2], KEYS[4]) == 0 then return nil end
local now = tonumber(ARGV[1])
expire(KEYS[1], KEYS[2], KEYS[3], KEYS[4], now, now - tonumber(ARGV[2]))
return {redis.call('ZCARD', KEYS[4]), redis.call('ZCARD', KEYS[1]), tonumber(redis.call('GET', KEYS[3]) or '0')}
`);

-- wrk script: SES API v2 SendEmail (POST /v2/email/outbound-emails), shaped
-- like test vector TV3 in shared/spec/ses-wire.md, sent on every request of
-- every keep-alive connection.
--
-- Used by bench/simulator-capacity.sh. Run by hand with e.g.
--   wrk -t2 -c100 -d10s --timeout 5s -s bench/lua/ses-v2-send-email.lua http://127.0.0.1:PORT
--
-- Two requests are formatted once per thread (one naming a configuration set,
-- one naming none) and request() hands out the prepared strings in turn, so
-- the client spends its CPU on I/O, not on Lua.
--
-- Environment:
--   BENCH_CONFIG_SET=NAME the configuration set named by the requests that name
--                         one (default my-config-set).
--   BENCH_CONFIG_SET_EVERY=N
--                         every N-th request of each wrk thread names
--                         the set, the others name none: 2 (the default) is
--                         50 %, alternating deterministically; 1 is every
--                         request, 0 none.
--   BENCH_COUNT_STATUS=1  also count every response whose status is not
--                         exactly 200 (uses a response() callback, which
--                         makes wrk parse each response and slows it down).
--                         Without it, only wrk's built-in count of statuses
--                         >= 400 (summary.errors.status) is reported.
--
-- done() prints one machine-readable line:
--   BENCH_RESULT requests=N duration_us=N rps=F p50_us=N p90_us=N p99_us=N
--     max_us=N non2xx=N non200=N|-1 connect=N read=N write=N timeout=N bytes=N
-- non2xx is wrk's count of statuses >= 400 (wrk does not count 3xx);
-- non200 is -1 unless BENCH_COUNT_STATUS=1.

-- X-Amz-Date and the credential scope use the current UTC time, so a server
-- that checks clock skew accepts the request. The signature is a fixed
-- 64-hex placeholder (servers that do not verify signatures only parse it).
local amz_date = os.date("!%Y%m%dT%H%M%SZ")
local scope_date = string.sub(amz_date, 1, 8)

wrk.method = "POST"
wrk.path = "/v2/email/outbound-emails"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Amz-Date"] = amz_date
wrk.headers["Authorization"] =
  "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/" .. scope_date ..
  "/us-east-1/ses/aws4_request, SignedHeaders=content-type;host;x-amz-date, " ..
  "Signature=14d5b9a9709eca9d4a54abe9de707ca5277f06020a9003c983dcbf120ab5f605"

local config_set = os.getenv("BENCH_CONFIG_SET") or "my-config-set"
local every = tonumber(os.getenv("BENCH_CONFIG_SET_EVERY") or "2")

local function body(with_set)
  local b =
    '{"FromEmailAddress":"sender@example.com",' ..
    '"Destination":{"ToAddresses":["success@simulator.amazonses.com"]},' ..
    '"Content":{"Simple":{"Subject":{"Data":"Hello","Charset":"UTF-8"},' ..
    '"Body":{"Text":{"Data":"Hi there","Charset":"UTF-8"}}}},' ..
    '"EmailTags":[{"Name":"campaign","Value":"jan-2024"}]'
  if with_set then
    b = b .. ',"ConfigurationSetName":"' .. config_set .. '"'
  end
  return b .. '}'
end
-- wrk.format adds Host and Content-Length.

local count_status = os.getenv("BENCH_COUNT_STATUS") == "1"

-- Per-thread counter (each wrk thread has its own Lua state).
non200 = 0

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- Per-thread state: the two prepared requests and where in the cycle it is.
local with_set, without_set
local n = 0

function init(args)
  if not count_status then
    response = nil
  end
  with_set = wrk.format(nil, nil, nil, body(true))
  without_set = wrk.format(nil, nil, nil, body(false))
end

function request()
  n = n + 1
  if every > 0 and n % every == 0 then
    return with_set
  end
  return without_set
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local n200 = -1
  if count_status then
    n200 = 0
    for _, t in ipairs(threads) do
      n200 = n200 + (t:get("non200") or 0)
    end
  end
  local secs = summary.duration / 1e6
  local rps = 0
  if secs > 0 then
    rps = summary.requests / secs
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "non2xx=%d non200=%d connect=%d read=%d write=%d timeout=%d bytes=%d\n",
    summary.requests, summary.duration, rps,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, n200, e.connect, e.read, e.write, e.timeout, summary.bytes))
end

-- wrk script: SES API v2 SendEmail (POST /v2/email/outbound-emails), shaped
-- like test vector TV3 in shared/spec/ses-wire.md, sent on every request of
-- every keep-alive connection.
--
-- Used by bench/simulator-capacity.sh. Run by hand with e.g.
--   wrk -t2 -c100 -d10s --timeout 5s -s bench/lua/ses-v2-send-email.lua http://127.0.0.1:PORT
--
-- The request is built once by wrk (no request() function), so the client
-- spends its CPU on I/O, not on Lua.
--
-- Environment:
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
wrk.body =
  '{"FromEmailAddress":"sender@example.com",' ..
  '"Destination":{"ToAddresses":["success@simulator.amazonses.com"]},' ..
  '"Content":{"Simple":{"Subject":{"Data":"Hello","Charset":"UTF-8"},' ..
  '"Body":{"Text":{"Data":"Hi there","Charset":"UTF-8"}}}},' ..
  '"EmailTags":[{"Name":"campaign","Value":"jan-2024"}],' ..
  '"ConfigurationSetName":"my-config-set"}'
-- wrk adds Content-Length itself when a body is set.

local count_status = os.getenv("BENCH_COUNT_STATUS") == "1"

-- Per-thread counter (each wrk thread has its own Lua state).
non200 = 0

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  if not count_status then
    response = nil
  end
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

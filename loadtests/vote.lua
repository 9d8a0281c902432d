-- wrk script for loadtests/vote_benchmark.py. MODE=vote: each request casts one ballot with the next unused
-- voter credential (CREDENTIALS file, from START on, threads interleaved); MODE=noop: GET the no-op URL.
-- At the end each thread's answers by status are merged and printed as one JSON line with the latencies.
local mode = os.getenv("MODE") or "vote"
local credentials = {}
local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  if mode == "vote" then
    for line in io.lines(os.getenv("CREDENTIALS")) do credentials[#credentials + 1] = line end
    body = os.getenv("BODY")
    step = tonumber(os.getenv("THREADS"))
    next_credential = tonumber(os.getenv("START")) + index + 1
  end
end

function request()
  if mode ~= "vote" then return wrk.format("GET") end
  local credential = credentials[next_credential]
  local n = next_credential
  next_credential = next_credential + step
  if credential == nil then credential = "exhausted" end
  return wrk.format("POST", nil, {["Authorization"] = "Bearer " .. credential, ["Content-Type"] = "application/json",
                                  ["Idempotency-Key"] = "benchmark-vote-" .. n}, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do merged[code] = (merged[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(merged) do parts[#parts + 1] = string.format('"%d": %d', code, n) end
  io.write(string.format('RESULT {"requests": %d, "duration_us": %d, "socket_errors": %d, "statuses": {%s}, ' ..
    '"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ", "), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end

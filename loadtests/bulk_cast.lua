-- wrk script for loadtests/bulk_cast.py: every prepared ballot is sent once, through nginx and the vote path.
-- BALLOTS is a file of lines "idempotency-key<TAB>credential<TAB>JSON body"; thread i of THREADS sends lines
-- i, i+THREADS, … over its one connection (wrk -tN -cN), so each answer belongs to the request before it and a
-- ballot that got no 201 is named. A thread that has sent all its lines writes DONE_DIR/<i> and stops; the
-- driver then ends wrk (which would otherwise wait out -d) and reads the RESULT line printed by done().
local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  statuses, failed, lines = {}, {}, {}
  local step, n = tonumber(os.getenv("THREADS")), 0
  for line in io.lines(os.getenv("BALLOTS")) do
    if n % step == index then lines[#lines + 1] = line end
    n = n + 1
  end
  position, in_flight = 0, nil
end

local function finish()
  local marker = io.open(os.getenv("DONE_DIR") .. "/" .. index, "w")
  marker:write(#lines)
  marker:close()
  wrk.thread:stop()
end

function request()
  if in_flight ~= nil then failed[#failed + 1] = in_flight .. " no-answer" end  -- the connection broke
  position = position + 1
  local line = lines[position]
  if line == nil then  -- nothing left: an idle request the thread stops before it matters
    in_flight = nil
    return wrk.format("GET", "/api/voting/alive")
  end
  local key, credential, body = line:match("^([^\t]+)\t([^\t]+)\t(.+)$")
  in_flight = key
  return wrk.format("POST", nil, {["Authorization"] = "Bearer " .. credential, ["Content-Type"] = "application/json",
                                  ["Idempotency-Key"] = key}, body)
end

function response(status, headers, body)
  if in_flight ~= nil then
    statuses[status] = (statuses[status] or 0) + 1
    if status ~= 201 then failed[#failed + 1] = in_flight .. " " .. status end
  end
  in_flight = nil
  if position >= #lines then finish() end
end

function done(summary, latency, requests)
  local merged, names = {}, {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do merged[code] = (merged[code] or 0) + n end
    for _, name in ipairs(thread:get("failed")) do names[#names + 1] = '"' .. name .. '"' end
    local last = thread:get("in_flight")
    if last ~= nil then names[#names + 1] = '"' .. last .. ' no-answer"' end
  end
  local parts = {}
  for code, n in pairs(merged) do parts[#parts + 1] = string.format('"%d": %d', code, n) end
  io.write(string.format('RESULT {"statuses": {%s}, "failed": [%s], "p50_ms": %.3f, "p99_ms": %.3f}\n',
    table.concat(parts, ", "), table.concat(names, ", "), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end

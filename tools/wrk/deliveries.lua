-- wrk script: POSTs realistic deliveries (the lines of a JSON Lines file
-- written by `calltap simulate --out`), round robin, each made unique by a
-- counter inserted at the front of `message` (so calltap stores every one:
-- no dedup shortcut), with `x-vapi-secret` when a secret is given.
--
--   wrk -t2 -c64 -d10s -s tools/wrk/deliveries.lua URL -- FILE.jsonl [SECRET]
--
-- Every pass over the file posts the same calls again, so each call's state
-- grows by a pass's worth of events. With CALLTAP_FRESH_CALLS=1 in wrk's
-- environment, every pass is new calls instead: each call id is rewritten
-- per pass and per wrk thread (its first eight hex digits), so calls end as
-- real ones do (`LOAD=fresh-calls` in tools/lib/wrk.sh; BENCHMARKS.md,
-- "Where the durable path's CPU goes").
--
-- Used by tools/bench-forward.py, tools/bench-nats.py (BENCHMARKS.md,
-- "Pass-on"), tools/wal-peak.sh ("WAL under load") and
-- tools/lib/wrk.sh.

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

-- The body cut at each occurrence of its call id, to be joined again with
-- another id: { parts = { ... }, tail = the id past its eighth digit }.
local function cut_at_call_id(rest)
  local id = assert(rest:match('"call":{"id":"([0-9a-f%-]+)"'), "a delivery without call.id")
  local parts, from = {}, 1
  while true do
    local i, j = rest:find(id, from, true)
    if not i then break end
    parts[#parts + 1] = rest:sub(from, i - 1)
    from = j + 1
  end
  parts[#parts + 1] = rest:sub(from)
  return { parts = parts, tail = id:sub(9) }
end

function init(args)
  fresh_calls = os.getenv("CALLTAP_FRESH_CALLS") == "1"
  local file = assert(io.open(args[1], "r"), "the JSON Lines file")
  bodies = {}
  for line in file:lines() do
    -- Every line starts with `{"message":{`; the counter goes after it.
    if line:sub(1, 12) == '{"message":{' then
      local rest = line:sub(13)
      bodies[#bodies + 1] = fresh_calls and cut_at_call_id(rest) or rest
    end
  end
  file:close()
  assert(#bodies > 0, "no deliveries in " .. args[1])
  headers = { ["content-type"] = "application/json" }
  if args[2] then
    headers["x-vapi-secret"] = args[2]
  end
  n = 0
end

function request()
  n = n + 1
  local rest = bodies[(n % #bodies) + 1]
  if fresh_calls then
    local pass = math.floor(n / #bodies)
    local id = string.format("%02x%06x", tid, pass % 0xffffff) .. rest.tail
    rest = table.concat(rest.parts, id)
  end
  local body = string.format('{"message":{"bench":%d%09d,', tid, n) .. rest
  return wrk.format("POST", nil, headers, body)
end

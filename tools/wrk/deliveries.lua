-- wrk script: POSTs realistic deliveries (the lines of a JSON Lines file
-- written by `calltap simulate --out`), round robin, each made unique by a
-- counter inserted at the front of `message` (so calltap stores every one:
-- no dedup shortcut), with `x-vapi-secret` when a secret is given.
--
--   wrk -t2 -c64 -d10s -s tools/wrk/deliveries.lua URL -- FILE.jsonl [SECRET]
--
-- Used by tools/bench-forward.py, tools/bench-nats.py (BENCHMARKS.md,
-- "Pass-on (issue 13)") and tools/wal-peak.sh ("WAL under load").

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  local file = assert(io.open(args[1], "r"), "the JSON Lines file")
  bodies = {}
  for line in file:lines() do
    -- Every line starts with `{"message":{`; the counter goes after it.
    if line:sub(1, 12) == '{"message":{' then
      bodies[#bodies + 1] = line:sub(13)
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
  local body = string.format('{"message":{"bench":%d%09d,', tid, n) .. rest
  return wrk.format("POST", nil, headers, body)
end

-- wrk script: POSTs the deliveries of a JSON Lines file (`calltap simulate
-- --out`), round robin, each made unique by a counter put first in
-- `message` (so calltap stores every one: no dedup shortcut).
--
--   wrk -t2 -c64 -d20s -s tools/wrk/ingest.lua URL -- FILE.jsonl
--
-- Used by tools/wal-peak.sh (BENCHMARKS.md, "WAL under load").

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  local file = assert(io.open(args[1], "r"), "the JSON Lines file")
  bodies = {}
  for line in file:lines() do
    if line:sub(1, 12) == '{"message":{' then
      bodies[#bodies + 1] = line:sub(13)
    end
  end
  file:close()
  assert(#bodies > 0, "no deliveries in " .. args[1])
  n = 0
end

function request()
  n = n + 1
  local body = string.format('{"message":{"bench":%d%09d,', tid, n) .. bodies[(n % #bodies) + 1]
  return wrk.format("POST", nil, { ["content-type"] = "application/json" }, body)
end

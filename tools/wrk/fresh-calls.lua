-- wrk script: as tools/wrk/deliveries.lua (the lines of a JSON Lines file
-- written by `calltap simulate --out`, round robin, each made unique by a
-- counter at the front of `message`), but every pass over the file is new
-- calls: each call id is rewritten per pass and per wrk thread (its first
-- eight hex digits), so calls end as real ones do instead of the same 20
-- calls growing by every pass. The difference between the two loads is
-- what a call's growing state costs the projector (BENCHMARKS.md, "Where
-- the durable path's CPU goes").
--
--   wrk -t2 -c64 -d10s -s tools/wrk/fresh-calls.lua URL -- FILE.jsonl

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
      local id = assert(line:match('"call":{"id":"([0-9a-f%-]+)"'), "a delivery without call.id")
      local rest = line:sub(13)
      -- The body cut at each occurrence of the call id, joined again with
      -- the pass's id in request().
      local parts, from = {}, 1
      while true do
        local i, j = rest:find(id, from, true)
        if not i then break end
        parts[#parts + 1] = rest:sub(from, i - 1)
        from = j + 1
      end
      parts[#parts + 1] = rest:sub(from)
      bodies[#bodies + 1] = { parts = parts, tail = id:sub(9) }
    end
  end
  file:close()
  assert(#bodies > 0, "no deliveries in " .. args[1])
  headers = { ["content-type"] = "application/json" }
  n = 0
end

function request()
  n = n + 1
  local body = bodies[(n % #bodies) + 1]
  local pass = math.floor(n / #bodies)
  local id = string.format("%02x%06x", tid, pass % 0xffffff) .. body.tail
  local head = string.format('{"message":{"bench":%d%09d,', tid, n)
  return wrk.format("POST", nil, headers, head .. table.concat(body.parts, id))
end

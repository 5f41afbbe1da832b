-- wrk script: POSTs `tool-calls` questions, each unique (its own call id
-- slot, tool call id and timestamp, so calltap stores every one: no dedup
-- shortcut), signed with `x-vapi-secret`. One tool call per question, the
-- one the protocol crate's example tool server answers (`book_appointment`).
--
--   wrk -t2 -c8 -d10s --latency -s tools/wrk/tool-calls.lua URL -- SECRET [PAUSE_MS]
--
-- PAUSE_MS (default 0): each connection waits this long after an answer
-- before its next question, so the load is set by the pacing rather than
-- by how fast the target answers (latency below saturation).
--
-- Used by tools/bench-forward.py (BENCHMARKS.md, "Pass-on").

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  secret = args[1] or "bench-secret"
  pause = tonumber(args[2] or "0")
  n = 0
end

function delay()
  return pause
end

function request()
  n = n + 1
  local body = string.format(
    '{"message":{"type":"tool-calls","timestamp":%d,"call":{"id":"bench-%d-%d"},'
      .. '"toolCallList":[{"id":"tc-%d-%d","type":"function","function":'
      .. '{"name":"book_appointment","arguments":{"date":"2026-08-18","time":"10:30"}}}]}}',
    1750314425773 + n, tid, n % 64, tid, n)
  return wrk.format("POST", nil,
    { ["content-type"] = "application/json", ["x-vapi-secret"] = secret }, body)
end

-- A question answered with anything but 200 is counted by wrk as
-- "Non-2xx or 3xx responses"; the bench script refuses a run with any.

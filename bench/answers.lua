-- wrk script: count the answers by the value of one response header.
--   wrk ... -s bench/answers.lua URL -- x-page-cache
-- prints, after wrk's own figures, one line per value seen:
--   answers x-page-cache hit: 81234
-- ("(none)" for answers without the header). Used by bench/breaking_news.py
-- to tell cache hits, stale copies and renders apart during a run.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  -- Globals of each thread's own Lua state, read back by done().
  header = string.lower(args[1] or "x-page-cache")
  counts = {}
end

function response(status, headers, body)
  local value = "(none)"
  for name, text in pairs(headers) do
    if string.lower(name) == header then
      value = text
      break
    end
  end
  counts[value] = (counts[value] or 0) + 1
end

function done(summary, latency, requests)
  local total, name = {}, nil
  for _, thread in ipairs(threads) do
    name = thread:get("header")
    for value, count in pairs(thread:get("counts")) do
      total[value] = (total[value] or 0) + count
    end
  end
  for value, count in pairs(total) do
    io.write(string.format("answers %s %s: %d\n", name, value, count))
  end
end

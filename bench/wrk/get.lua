-- GET benchmark: optional bearer token from BENCH_TOKEN; prints one BENCH_JSON line when done.
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
wrk.headers["Accept"] = "application/json"

-- BENCH_BUST: every request gets a query string no other request had (an ignored `_bust`
-- parameter), so a cached endpoint is measured on its cache-miss path.
local bust = os.getenv("BENCH_BUST")
if bust and bust ~= "" then
  local counter = 0
  local prefix
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  local thread_tag = string.format("%08x", math.random(0, 0x7fffffff))
  request = function()
    if not prefix then
      prefix = wrk.path .. (string.find(wrk.path, "?", 1, true) and "&" or "?") .. "_bust=" .. thread_tag .. "-"
    end
    counter = counter + 1
    return wrk.format(nil, prefix .. counter)
  end
end

local report = dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")

done = function(summary, latency, requests)
  report(summary, latency, nil)
end

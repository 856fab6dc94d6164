-- GET benchmark: optional bearer token from BENCH_TOKEN; prints one BENCH_JSON line when done.
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
wrk.headers["Accept"] = "application/json"

local report = dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")

done = function(summary, latency, requests)
  report(summary, latency, nil)
end

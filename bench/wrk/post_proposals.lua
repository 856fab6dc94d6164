-- POST /api/proposals/: every request a different (freelancer token, open competition) pair, so
-- the load measures submission and not the duplicate rule. Pools are written by bench/plan.py.
local dir = os.getenv("BENCH_WORK")

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if line ~= "" then lines[#lines + 1] = line end
  end
  return lines
end

local tokens = read_lines(dir .. "/post_tokens.txt")
local competitions = read_lines(dir .. "/post_competitions.txt")
local pairs_ = {}
for _, line in ipairs(read_lines(dir .. "/post_pairs.txt")) do
  local f, c = line:match("(%d+) (%d+)")
  pairs_[#pairs_ + 1] = { tonumber(f), tonumber(c) }
end

local report = dofile(os.getenv("BENCH_DIR") .. "/wrk/report.lua")
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  position = tid            -- thread k takes pairs k, k + n, k + 2n, ...
  created = 0
  other = 0
  sent = 0
  statuses = {}
end

function request()
  local pair = pairs_[(position % #pairs_) + 1]
  position = position + nthreads
  sent = sent + 1
  local body = string.format(
    '{"competition":"%s","title":"Benchmark proposal","description":"A plan, milestones and a fixed price.",' ..
    '"proposed_budget":"%d.00","estimated_duration":%d}',
    competitions[pair[2]], 500 + position % 1000, 7 + position % 30)
  return wrk.format("POST", "/api/proposals/", {
    ["Authorization"] = "Bearer " .. tokens[pair[1]],
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
  }, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  else
    other = other + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total_created, total_other, total_sent, by_status = 0, 0, 0, {}
  for _, thread in ipairs(threads) do
    total_created = total_created + thread:get("created")
    total_other = total_other + thread:get("other")
    total_sent = total_sent + thread:get("sent")
    for k, v in pairs(thread:get("statuses")) do
      by_status[k] = (by_status[k] or 0) + v
    end
  end
  local parts = {}
  for k, v in pairs(by_status) do parts[#parts + 1] = string.format('"%s":%d', k, v) end
  local extra = string.format(',"created":%d,"other":%d,"pool":%d,"sent":%d,"other_statuses":{%s}',
    total_created, total_other, #pairs_, total_sent, table.concat(parts, ","))
  report(summary, latency, extra)
end

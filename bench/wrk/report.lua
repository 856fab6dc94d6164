-- Shared done() body: one machine-readable line that bench/run.py parses.
return function(summary, latency, extra)
  local errors = summary.errors
  local line = string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d,' ..
    '"http_errors":%d,"socket_errors":%d%s}',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max,
    errors.status, errors.connect + errors.read + errors.write + errors.timeout,
    extra or "")
  io.write("BENCH_JSON " .. line .. "\n")
end

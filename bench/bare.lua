-- wrk script for the bare Beast ceiling: the same request shape as ingest_events.lua.
-- Built once, as ingest_events.lua builds its fixed part once.
local pad = string.rep("x", 300)
local req
function init(args)
  req = wrk.format("POST", "/v1/events", {["Content-Type"] = "application/json"},
                   '{"type":"order_paid","data":{"note":"' .. pad .. '"}}')
end
request = function()
  return req
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_us=%d errors_status=%d errors_connect=%d " ..
                         "errors_read=%d errors_timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end

-- wrk script: POST /v1/events with ~400-byte events for 1,000 rotating contacts.
-- Each request is acknowledged by rivulet only after its group commit is durable.
local counter = 0
local pad = string.rep("x", 150)
local next_thread = 0

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

-- The request line and the fields that never change, built once: only the body and its
-- length are made per request, so that the load generator takes less of the cores the
-- server shares with it (the bytes sent are those wrk.format would build).
local head

function init(args)
  head = "POST /v1/events HTTP/1.1\r\nHost: " .. wrk.headers["Host"] ..
         "\r\nContent-Type: application/json\r\nAuthorization: Bearer " .. args[1] ..
         "\r\nContent-Length: "
end

request = function()
  counter = counter + 1
  local body = string.format(
    '{"type":"order_paid","contact":{"email":"bench-%d@example.com"},' ..
    '"data":{"order_id":"%s-%d","total":129.95,"currency":"EUR","items":3,' ..
    '"channel":"web","coupon":"WELCOME10","note":"%s"}}',
    counter % 1000, thread_id, counter, pad)
  return head .. #body .. "\r\n\r\n" .. body
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_us=%d errors_status=%d errors_connect=%d " ..
                         "errors_read=%d errors_timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end

-- wrk script: POST a signed GitHub pull_request delivery with a unique X-GitHub-Delivery
-- per request (so that every request is a new, durably enqueued delivery).
-- Args (after --): BODY_FILE SIGNATURE_HEADER. Without args it GETs the URL (baseline).
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  if args[1] then
    local f = assert(io.open(args[1], "rb"))
    wrk.body = f:read("*a")
    f:close()
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["X-GitHub-Event"] = "pull_request"
    wrk.headers["X-Hub-Signature-256"] = args[2]
    posting = true
  end
end

function request()
  if not posting then return wrk.format() end
  counter = counter + 1
  wrk.headers["X-GitHub-Delivery"] = string.format("bench-%d-%d-%d", os.time(), tid, counter)
  return wrk.format()
end

function done(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end

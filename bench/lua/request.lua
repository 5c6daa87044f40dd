-- Generic wrk script: method, path, headers and body come from environment variables set by bench/run.py.
-- Counts 2xx responses per thread and prints one JSON line with latency percentiles at the end.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  ok_responses = 0
  sent = 0
  cursor = os.getenv("BENCH_AFTER") or "0"
  thread_id = tostring(tid)
  -- BENCH_TARGETS="path|after path|after ...": spread requests over several conversations, each request
  -- going to the next one with that conversation's starting cursor.
  targets = {}
  for path, after in string.gmatch(os.getenv("BENCH_TARGETS") or "", "(%S+)|(%d+)") do
    table.insert(targets, {path = path, after = after})
  end
end

function request()
  sent = sent + 1
  local path = os.getenv("BENCH_PATH")
  local after = cursor
  if #targets > 0 then
    local target = targets[(sent + tonumber(thread_id) * 7919) % #targets + 1]
    path, after = target.path, target.after
  end
  local body = os.getenv("BENCH_BODY")
  if body then
    body = body:gsub("{n}", thread_id .. "-" .. sent):gsub("{after}", after)
  end
  local headers = {}
  headers["Cookie"] = os.getenv("BENCH_COOKIE")
  headers["HX-Request"] = os.getenv("BENCH_HTMX")
  headers["X-CSRFToken"] = os.getenv("BENCH_CSRF")
  headers["Referer"] = os.getenv("BENCH_REFERER")
  headers["Authorization"] = os.getenv("BENCH_AUTHORIZATION")
  headers["If-None-Match"] = os.getenv("BENCH_IF_NONE_MATCH")
  if body then headers["Content-Type"] = "application/x-www-form-urlencoded" end
  return wrk.format(os.getenv("BENCH_METHOD") or "GET", path, headers, body)
end

function response(status, headers, body)
  -- A refused htmx send (validation, block, rate limit) is a 200 retargeted to the composer: not "ok".
  -- 304 is the answer an API client holding a current ETag expects.
  local answered = (status >= 200 and status < 300) or status == 304
  if answered and not headers["HX-Retarget"] and not headers["hx-retarget"] then
    ok_responses = ok_responses + 1
    local next_cursor = body and body:match('id="message%-cursor" value="(%d+)"')
    if next_cursor then cursor = next_cursor end
  end
end

function done(summary, latency, requests)
  local ok = 0
  for _, thread in ipairs(threads) do ok = ok + thread:get("ok_responses") end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
    + summary.errors.timeout
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "ok": %d, "errors": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, ok, errors, summary.duration, latency:percentile(50), latency:percentile(99), latency.max))
end

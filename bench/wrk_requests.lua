-- Replays a list of requests (one JSON object per line: method, path, body) round-robin,
-- and prints a JSON summary (req/s, latency percentiles in ms, errors) when done.
local cjson_ok, _ = pcall(require, "cjson")
local requests = {}
local counter = 0

local function decode_line(line)
  -- Lines are written by bench/wrk.py as: METHOD<TAB>PATH<TAB>BODY (body may be empty).
  local method, path, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
  return method, path, body
end

init = function(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local method, path, body = decode_line(line)
    if method then
      local headers = {}
      for key, value in pairs(wrk.headers) do headers[key] = value end
      if body ~= "" then headers["Content-Type"] = "application/json" end
      requests[#requests + 1] = wrk.format(method, path, headers, body ~= "" and body or nil)
    end
  end
  file:close()
end

request = function()
  counter = counter + 1
  return requests[(counter - 1) % #requests + 1]
end

done = function(summary, latency, requests_)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "errors": %d, "status_errors": %d, '
      .. '"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f}\n',
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end

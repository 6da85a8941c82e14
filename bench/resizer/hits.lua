-- wrk script for the cache-hit run: cycles the popular sizes of one photo
-- (the same list as urls.ts hitUrls) and reports p50/p95/p99 as JSON.
-- Usage: PHOTO_ID=... wrk -t1 -c8 -d15s -s bench/resizer/hits.lua http://127.0.0.1:18081
local id = os.getenv("PHOTO_ID")
local paths = {}
for _, w in ipairs({ 160, 320, 480, 640, 800, 1024, 1280, 1600 }) do
  for _, fmt in ipairs({ "jpeg", "webp" }) do
    paths[#paths + 1] = "/v1/photos/" .. id .. "?w=" .. w .. "&fmt=" .. fmt
  end
end
local n = 0

request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end

done = function(summary, latency, requests)
  local ms = function(us) return string.format("%.2f", us / 1000) end
  io.write(string.format(
    '{"mode":"hit","tool":"wrk","rps":%.1f,"p50":%s,"p95":%s,"p99":%s,"requests":%d,"errors":%d}\n',
    summary.requests / (summary.duration / 1e6), ms(latency:percentile(50)), ms(latency:percentile(95)),
    ms(latency:percentile(99)), summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end

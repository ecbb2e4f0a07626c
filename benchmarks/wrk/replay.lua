-- wrk script for benchmarks/http.bench.ts: replays pre-built raw HTTP requests and checks every answer.
--
--   wrk -t1 -c16 -d10s --latency -s replay.lua http://127.0.0.1:PORT -- FILE MODE EXPECT
--
-- FILE    thread i (0-based) reads FILE.i: records "<byte length>\n<raw request: line, headers, body>"
-- MODE    "once": each request is sent at most once, in file order, streamed from disk (V3-signed requests
--         carry a one-time nonce, so there are many of them). Running out is counted as "exhausted" and
--         the last request is re-sent (the server then refuses the reused nonce).
--         "cycle": the file is loaded and sent round and round (requests without a nonce, e.g. cfssl).
-- EXPECT  a plain substring every response body must contain (status 200 is required too)
--
-- done() prints one line "CASKIT_WRK {json}" with counts and latency percentiles (microseconds), one line
-- "CASKIT_WRK_Q [[p, µs], …]" with the latency quantile function on a grid (so runs can be pooled), and,
-- when some response failed, "CASKIT_WRK_BAD <status> <first 400 bytes of its body>".

local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local mode, expect, file
local reqs, nreqs, pos = {}, 0, 0
local last

local function record(f)
   local len = f:read("*l")
   if not len then return nil end
   local n = tonumber(len)
   assert(n, "bad record length")
   local r = f:read(n)
   assert(r and #r == n, "truncated record")
   return r
end

function init(args)
   local path, m, e = args[1], args[2], args[3]
   assert(path and (m == "once" or m == "cycle") and e, "usage: -- FILE once|cycle EXPECT")
   mode, expect = m, e
   file = assert(io.open(path .. "." .. id, "rb"))
   if mode == "cycle" then
      for r in record, file do
         nreqs = nreqs + 1
         reqs[nreqs] = r
      end
      file:close()
      assert(nreqs > 0, "no requests in " .. path .. "." .. id)
   else
      last = assert(record(file), "no requests in " .. path .. "." .. id)
      pos = -1 -- `last` holds the first request, not yet sent
   end
   ok, bad_status, bad_body, exhausted, sent = 0, 0, 0, 0, 0
   statuses = {}
   sample = nil
end

function request()
   sent = sent + 1
   if mode == "cycle" then
      pos = pos % nreqs + 1
      return reqs[pos]
   end
   if pos == -1 then
      pos = 0
      return last
   end
   local r = record(file)
   if r then
      last = r
   else
      exhausted = exhausted + 1
   end
   return last
end

function response(status, headers, body)
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
   if status ~= 200 then
      bad_status = bad_status + 1
      if not sample then sample = key .. " " .. string.sub(body or "", 1, 400) end
   elseif not body or not string.find(body, expect, 1, true) then
      bad_body = bad_body + 1
      if not sample then sample = key .. " " .. string.sub(body or "", 1, 400) end
   else
      ok = ok + 1
   end
end

local function jsonstr(s)
   return '"' .. string.gsub(s, '[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end) .. '"'
end

function done(summary, latency, requests)
   local t = { ok = 0, bad_status = 0, bad_body = 0, exhausted = 0, sent = 0 }
   local st = {}
   local sample
   for _, thread in ipairs(threads) do
      for k, _ in pairs(t) do t[k] = t[k] + (tonumber(thread:get(k)) or 0) end
      local s = thread:get("statuses") or {}
      for code, n in pairs(s) do st[code] = (st[code] or 0) + n end
      sample = sample or thread:get("sample")
   end
   local parts = {}
   for code, n in pairs(st) do table.insert(parts, jsonstr(code) .. ":" .. n) end
   local e = summary.errors
   io.write(string.format(
      'CASKIT_WRK {"requests":%d,"duration_us":%d,"ok":%d,"bad_status":%d,"bad_body":%d,"exhausted":%d,"sent":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"statuses":{%s},' ..
      '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
      summary.requests, summary.duration, t.ok, t.bad_status, t.bad_body, t.exhausted, t.sent,
      e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ","),
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
   local q = {}
   local function add(p) table.insert(q, string.format("[%g,%d]", p, latency:percentile(p))) end
   for p = 1, 99 do add(p) end
   for p = 99.1, 99.91, 0.1 do add(p) end
   add(99.95)
   add(99.99)
   table.insert(q, string.format("[100,%d]", latency.max))
   io.write("CASKIT_WRK_Q [", table.concat(q, ","), "]\n")
   if sample then io.write("CASKIT_WRK_BAD ", (string.gsub(sample, "[\r\n]", " ")), "\n") end
end

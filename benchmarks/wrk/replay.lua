-- wrk script for benchmarks/http.bench.ts: replays pre-built raw HTTP requests and checks every answer.
--
--   wrk -t1 -c16 -d10s --latency -s replay.lua http://127.0.0.1:PORT -- FILE MODE EXPECT THREADS
--
-- FILE    raw requests (request line, headers, body), each ended by one NUL byte
-- MODE    "once": each request is sent at most once, in order (V3-signed requests carry a one-time nonce);
--         with several wrk threads, thread i takes requests i+1, i+1+n, …. Running out is counted as
--         "exhausted" and the last request is re-sent (the server refuses the reused nonce).
--         "cycle": the requests are sent round and round (requests without a nonce, e.g. cfssl).
-- EXPECT  a plain substring every response body must contain (status 200 is required too)
-- THREADS the -t value (each thread's init runs before the next thread exists, so it is passed in)
--
-- done() prints one line "CASKIT_WRK {json}" with counts and latency percentiles (microseconds), and,
-- when some response failed, "CASKIT_WRK_BAD <status> <first 400 bytes of its body>".

local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local reqs = {}
local nreqs = 0
local pos = 0
local mode, expect

function init(args)
   local file, m, e = args[1], args[2], args[3]
   assert(file and m and e and args[4], "usage: -- FILE once|cycle EXPECT THREADS")
   mode, expect = m, e
   local f = assert(io.open(file, "rb"))
   local all = f:read("*a")
   f:close()
   local nthreads = tonumber(args[4])
   local i, k = 1, 0
   while i <= #all do
      local j = string.find(all, "\0", i, true)
      if not j then break end
      if mode == "cycle" or k % nthreads == id then
         nreqs = nreqs + 1
         reqs[nreqs] = string.sub(all, i, j - 1)
      end
      k = k + 1
      i = j + 1
   end
   assert(nreqs > 0, "no requests for this thread in " .. file)
   ok, bad_status, bad_body, exhausted, sent = 0, 0, 0, 0, 0
   statuses = {}
   sample = nil
end

function request()
   pos = pos + 1
   if pos > nreqs then
      if mode == "cycle" then
         pos = 1
      else
         pos = nreqs
         exhausted = exhausted + 1
      end
   end
   sent = sent + 1
   return reqs[pos]
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
   if sample then io.write("CASKIT_WRK_BAD ", (string.gsub(sample, "[\r\n]", " ")), "\n") end
end

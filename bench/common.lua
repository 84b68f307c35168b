-- Shared by reads.lua, creates.lua and search.lua (loaded with dofile). wrk only counts socket errors and
-- "non-2xx or 3xx" together; a benchmark where requests fail is invalid, so every answer
-- outside 2xx is counted here, and the first one is kept to say what went wrong.

local threads = {}

-- setup() and done() run in wrk's main Lua state; each thread has its own state, so the
-- per-thread counters are gathered through the thread handles kept here.
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

non2xx = 0
first_bad = ""

-- Access tokens: every CareBridge route but a few open ones needs "Authorization: Bearer".
-- TOKEN_FILE (bench/run mints them with `carebridge token`) holds one token per line;
-- load_tokens returns them as a list (empty without a file, or for "-": no header is sent).
function load_tokens(file)
  local tokens = {}
  if file == nil or file == "" or file == "-" then return tokens end
  for line in io.lines(file) do
    if line ~= "" then table.insert(tokens, line) end
  end
  assert(#tokens > 0, "no token in " .. file)
  return tokens
end

-- headers plus the Authorization header of the i-th request: the tokens taken in turn, so
-- with several tokens consecutive requests carry different ones.
function with_token(headers, tokens, i)
  if #tokens > 0 then headers["Authorization"] = "Bearer " .. tokens[(i - 1) % #tokens + 1] end
  return headers
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == "" then
      first_bad = status .. " " .. string.sub(string.gsub(body or "", "%s+", " "), 1, 300)
    end
  end
end

-- One "BENCH key value" line per figure, for bench/run to read; wrk's own report stays above.
function done(summary, latency, requests)
  local bad, first = 0, ""
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
    if first == "" then first = t:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format("BENCH requests %d\n", summary.requests))
  io.write(string.format("BENCH rps %.1f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("BENCH p50_us %d\n", latency:percentile(50)))
  io.write(string.format("BENCH p99_us %d\n", latency:percentile(99)))
  io.write(string.format("BENCH non2xx %d\n", bad))
  io.write(string.format("BENCH sockerr %d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("BENCH timeouts %d\n", e.timeout))
  io.write(string.format("BENCH first_bad %s\n", first))
end

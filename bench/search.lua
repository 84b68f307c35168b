-- Searches: GET one query for a rotation of patients, the next patient on every request, so
-- consecutive requests do not ask the same thing (bench/search.cjs picked the patients and
-- checked every answer on every server before the measurement).
-- Usage: wrk ... -s search.lua URL -- PATHS_FILE [TOKEN_FILE]
--   PATHS_FILE is Lua (paths = { "/Observation?...", ... }); TOKEN_FILE holds access tokens, one
--   per line, taken in turn (common.lua); without it no Authorization header is sent.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

function init(args)
  dofile(args[1])
  local tokens = load_tokens(args[2])
  reqs = {}
  for i, p in ipairs(paths) do
    reqs[i] = wrk.format("GET", p, with_token({ ["Accept"] = "application/fhir+json" }, tokens, i))
  end
  -- The two threads start half a rotation apart.
  n = (tid * math.floor(#reqs / 2)) % #reqs
end

function request()
  n = n % #reqs + 1
  return reqs[n]
end

-- Reads: GET /Observation/{id}, rotating over the Observations bench/run created on this
-- server, so each request reads a different stored resource rather than one hot row.
-- Usage: wrk ... -s reads.lua URL -- IDS_FILE [TOKEN_FILE]
--   IDS_FILE is Lua (ids = { "id1", ... }); TOKEN_FILE holds access tokens, one per line, taken
--   in turn along the ids (common.lua); without it no Authorization header is sent.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

function init(args)
  dofile(args[1])
  local tokens = load_tokens(args[2])
  reqs = {}
  -- Formatted once here, token included: request() costs the same with one token or many.
  for i, id in ipairs(ids) do
    reqs[i] = wrk.format("GET", "/Observation/" .. id, with_token({ ["Accept"] = "application/fhir+json" }, tokens, i))
  end
  -- Threads start far apart so two threads do not walk the ids in lockstep.
  n = (tid * 499) % #reqs
end

function request()
  n = n % #reqs + 1
  return reqs[n]
end

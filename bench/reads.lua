-- Reads: GET /Observation/{id}, rotating over the Observations bench/run created on this
-- server, so each request reads a different stored resource rather than one hot row.
-- Usage: wrk ... -s reads.lua URL -- IDS_FILE   (IDS_FILE is Lua: ids = { "id1", ... })
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

function init(args)
  dofile(args[1])
  reqs = {}
  for i, id in ipairs(ids) do
    reqs[i] = wrk.format("GET", "/Observation/" .. id, { ["Accept"] = "application/fhir+json" })
  end
  -- Threads start far apart so two threads do not walk the ids in lockstep.
  n = (tid * 499) % #reqs
end

function request()
  n = n % #reqs + 1
  return reqs[n]
end

-- Searches: GET one query for a rotation of patients, the next patient on every request, so
-- consecutive requests do not ask the same thing (bench/search.cjs picked the patients and
-- checked every answer on every server before the measurement).
-- Usage: wrk ... -s search.lua URL -- PATHS_FILE   (Lua: paths = { "/Observation?...", ... })
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

function init(args)
  dofile(args[1])
  reqs = {}
  for i, p in ipairs(paths) do
    reqs[i] = wrk.format("GET", p, { ["Accept"] = "application/fhir+json" })
  end
  -- The two threads start half a rotation apart.
  n = (tid * math.floor(#reqs / 2)) % #reqs
end

function request()
  n = n % #reqs + 1
  return reqs[n]
end

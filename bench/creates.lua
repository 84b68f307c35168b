-- Durable creates: POST /Observation with the same small PHQ-9 Observation every time (a new
-- resource per request; the server assigns the id).
-- Usage: wrk ... -s creates.lua URL -- BODY_FILE   (bench/observation.json, subject filled in)
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

function init(args)
  local f = assert(io.open(args[1], "rb"))
  local body = f:read("*a")
  f:close()
  req = wrk.format("POST", "/Observation", {
    ["Content-Type"] = "application/fhir+json",
    ["Accept"] = "application/fhir+json",
  }, body)
end

function request()
  return req
end

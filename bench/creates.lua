-- Durable creates: POST /Observation with the same small PHQ-9 Observation every time (a new
-- resource per request; the server assigns the id).
-- Usage: wrk ... -s creates.lua URL -- BODY_FILE [TOKEN_FILE]
--   BODY_FILE: bench/observation.json, subject filled in; TOKEN_FILE: access tokens, one per
--   line, taken in turn (common.lua); without it no Authorization header is sent.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

function init(args)
  local f = assert(io.open(args[1], "rb"))
  local body = f:read("*a")
  f:close()
  local tokens = load_tokens(args[2])
  reqs = {}
  for i = 1, math.max(#tokens, 1) do
    reqs[i] = wrk.format("POST", "/Observation", with_token({
      ["Content-Type"] = "application/fhir+json",
      ["Accept"] = "application/fhir+json",
    }, tokens, i), body)
  end
  n = 0
end

function request()
  n = n % #reqs + 1
  return reqs[n]
end

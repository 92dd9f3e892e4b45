-- wrk script: every request submits one action to the decision API.
-- The token comes from the environment (INTERLOCK_TOKEN); the action from ACTION_JSON or a read.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("INTERLOCK_TOKEN")
wrk.body = os.getenv("ACTION_JSON") or '{"environment":"production","input":{"kind":"shell","command":"ls -la /srv/app"},"context":{"why":"benchmark"}}'

local outcomes = {}
response = function(status, headers, body)
  if status ~= 200 then
    outcomes["http_" .. status] = (outcomes["http_" .. status] or 0) + 1
  end
end

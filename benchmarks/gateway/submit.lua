-- wrk script: every request submits one action to the decision API.
-- The token comes from the environment (INTERLOCK_TOKEN); the action from ACTION_JSON or a read.
-- No response callback: wrk counts answers other than 2xx/3xx itself, and a Lua callback per
-- response would cost the load generator, which shares the two cores with the server, more
-- than the server's HTTP parsing.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("INTERLOCK_TOKEN")
wrk.body = os.getenv("ACTION_JSON") or '{"environment":"production","input":{"kind":"shell","command":"ls -la /srv/app"},"context":{"why":"benchmark"}}'

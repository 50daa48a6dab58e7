-- wrk script: METHOD (POST or GET) with the JSON in BODY (POST), and the bearer token in TOKEN (empty: none).
wrk.method = os.getenv("METHOD") or "POST"
local body = os.getenv("BODY") or ""
if wrk.method == "POST" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
local token = os.getenv("TOKEN") or ""
if token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

-- wrk script: fetches pages of 50 contacts, each after a random cursor within the stored range.
local token = os.getenv("ULAK_TOKEN")
local ws = os.getenv("ULAK_WS")
local per_thread = tonumber(os.getenv("CONTACTS_PER_THREAD") or "50000")
math.randomseed(os.time())

function request()
  local thread = math.random(0, 1)
  local n = thread * 1000000 + math.random(0, per_thread - 1)
  local path = string.format("/api/v1/workspaces/%s/contacts?limit=50&cursor=90532%07d", ws, n)
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

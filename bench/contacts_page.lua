-- wrk script: fetches pages of 50 contacts, each after a random cursor within the stored range.
local token = os.getenv("ULAK_TOKEN")
local ws = os.getenv("ULAK_WS")
local total = tonumber(os.getenv("CONTACTS") or "100000")
math.randomseed(os.time())

function request()
  local n = math.random(0, total - 1)
  local path = string.format("/api/v1/workspaces/%s/contacts?limit=50&cursor=90532%07d", ws, n)
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

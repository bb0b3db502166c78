-- wrk script: creates contacts through the API, each thread in its own phone range, until it has
-- sent CONTACTS_PER_THREAD requests. Token from ULAK_TOKEN, workspace from ULAK_WS.
local thread_counter = 0
function setup(thread)
  thread:set("thread_id", thread_counter)
  thread_counter = thread_counter + 1
end

local sent = 0
local token = os.getenv("ULAK_TOKEN")
local ws = os.getenv("ULAK_WS")
local per_thread = tonumber(os.getenv("CONTACTS_PER_THREAD") or "50000")
local cities = { "İstanbul", "Ankara", "İzmir", "Bursa" }

function request()
  local n = thread_id * 1000000 + sent
  sent = sent + 1
  local body = string.format(
    '{"phone":"+90532%07d","first_name":"Ad%d","last_name":"Soyad%d","tags":["t%d"],"custom_fields":{"şehir":"%s"}}',
    n, n, n % 97, n % 10, cities[(n % 4) + 1])
  return wrk.format("POST", "/api/v1/workspaces/" .. ws .. "/contacts",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end

function response(status, headers, body)
  if sent >= per_thread then
    wrk.thread:stop()
  end
end

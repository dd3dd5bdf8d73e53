-- wrk: POST /api/bookings over a list of slots, one new booker per request, counting answers.
-- BOOK_SLOTS names a Lua file returning {{"YYYY-MM-DD", "HH:MM"}, …} (the counter's bookable
-- slots, written by bench/service_bench.sh and bench/cluster_bench.sh); BOOK_COUNTER the counter
-- (default kanazawa-cityhall).
local slots = dofile(os.getenv("BOOK_SLOTS"))
local counter = os.getenv("BOOK_COUNTER") or "kanazawa-cityhall"
local n = 0
c201, c409, cother = 0, 0, 0
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function(args) n = math.random(1, #slots) end
request = function()
  n = n + 1
  local s = slots[(n % #slots) + 1]
  local body = string.format('{"counter":"%s","date":"%s","start":"%s","name":"bench %d"}', counter, s[1], s[2], n)
  return wrk.format("POST", "/api/bookings", {["Content-Type"] = "application/json"}, body)
end
response = function(status)
  if status == 201 then c201 = c201 + 1 elseif status == 409 then c409 = c409 + 1 else cother = cother + 1 end
end
done = function()
  local a, b, c = 0, 0, 0
  for _, t in ipairs(threads) do a = a + t:get("c201"); b = b + t:get("c409"); c = c + t:get("cother") end
  io.write(string.format("status 201: %d\nstatus 409: %d\nstatus other: %d\n", a, b, c))
end

-- A wrk script that checks every answer: its status (2xx) and its body (exactly the expected
-- one). Each wrk thread stops once it has had its share of answers and says so on stderr
-- ("afcgi-load: quota reached"), so that the caller can stop wrk at once with SIGINT (wrk
-- itself runs for its whole -d duration).
--   wrk -t1 -c64 -d120s -s wrk-check.lua URL -- <answers per thread> <expected body>
-- At the end it prints one line for the caller to read:
--   afcgi-load answered=N good=N bad-status=N wrong-body=N statuses=500:12,502:1 first=<...>

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    quota = tonumber(args[1])
    expected = args[2]
    answered, good, badStatus, wrongBody = 0, 0, 0, 0
    statuses = ""    -- "500 500 502 ...": a string, since thread:get() copies only plain values
    firstProblem = ""
end

function response(status, headers, body)
    answered = answered + 1
    if status < 200 or status > 299 then
        badStatus = badStatus + 1
        statuses = statuses .. status .. " "
        if firstProblem == "" then firstProblem = "HTTP " .. status .. ": " .. string.sub(body or "", 1, 120) end
    elseif body ~= expected then
        wrongBody = wrongBody + 1
        if firstProblem == "" then firstProblem = "wrong body: " .. string.sub(body or "", 1, 120) end
    else
        good = good + 1
    end
    if answered == quota then
        io.stderr:write("afcgi-load: quota reached\n")
        io.stderr:flush()
        wrk.thread:stop()
    end
end

function done(summary, latency, requests)
    local answeredAll, goodAll, badAll, wrongAll, first = 0, 0, 0, 0, ""
    local counts = {}
    for _, thread in ipairs(threads) do
        answeredAll = answeredAll + thread:get("answered")
        goodAll = goodAll + thread:get("good")
        badAll = badAll + thread:get("badStatus")
        wrongAll = wrongAll + thread:get("wrongBody")
        for status in string.gmatch(thread:get("statuses"), "%d+") do
            counts[status] = (counts[status] or 0) + 1
        end
        if first == "" then first = thread:get("firstProblem") end
    end
    local list = {}
    for status, n in pairs(counts) do table.insert(list, status .. ":" .. n) end
    table.sort(list)
    local e = summary.errors
    io.write(string.format("afcgi-load answered=%d good=%d bad-status=%d wrong-body=%d " ..
                           "socket-errors=%d statuses=%s first=%s\n",
                           answeredAll, goodAll, badAll, wrongAll,
                           e.connect + e.read + e.write + e.timeout, table.concat(list, ","),
                           (string.gsub(first, "\n", "\\n"))))
end

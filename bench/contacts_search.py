"""Times contact list and count requests (search, filters, combinations) against a running Ulak: each
request 50 times over one keep-alive connection after one warm-up (5 times when the warm-up took over half
a second: a scan of the workspace); prints p50, p99 and the answer's size.
Then times the CSV export of the whole workspace. Each figure is printed next to its goal (issue #21: at a
million contacts a page of 50 in p99 <= 50 ms, a count in p99 <= 200 ms, the export at >= 100,000 contacts/s).
Usage: contacts_search.py PORT WORKSPACE TOKEN"""
import http.client
import json
import sys
import time
import urllib.parse

port, ws, token = sys.argv[1], sys.argv[2], sys.argv[3]
RUNS = 50
conn = http.client.HTTPConnection("127.0.0.1", int(port))
headers = {"Authorization": f"Bearer {token}"}


def get(path):
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status} {body[:300]!r}")
    return body


def timed(query, what="contacts", goal=50):
    path = f"/api/v1/workspaces/{ws}/{what}?{query}"
    started = time.perf_counter()
    get(path)
    runs = RUNS if time.perf_counter() - started < 0.5 else 5
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        body = get(path)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    page = json.loads(body)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    if "items" in page:
        more = "more" if page.get("next_cursor") else "end"
        answer = f"{len(page['items'])} ({more})"
        shown = urllib.parse.unquote(query.removesuffix("&limit=50"))
    else:
        answer = f"{page['count']:,}" + ("" if page["exact"] else " (not exact)")
        shown = f"count {urllib.parse.unquote(query)}"
    met = "met" if p99 <= goal else "MISSED"
    print(f"| `{shown}` | {answer} | {times[len(times) // 2]:.1f} | {p99:.1f} | <= {goal}: {met} |")


print("| request (pages of 50) | answer | p50 ms | p99 ms | goal (p99 ms) |")
print("|---|---|---|---|---|")
q = urllib.parse.quote
for query in [
    "limit=50",
    f"search={q('ayşe')}",
    f"search={q('ayş')}",
    "search=isik",
    "search=soyad990",
    "search=soyad996",
    "search=zzzz",
    f"search={q('0532 000 1')}",
    "search=5401234",
    f"search={q('ayşe soyad996')}",
    "tag=vip",
    "tag=nosuch",
    f"custom.{q('şehir')}={q('İzmir')}",
    f"custom.{q('şehir')}=Nowhere",
    f"tag=vip&custom.{q('şehir')}={q('İzmir')}",
    f"tag=vip&search={q('ayşe')}",
    "opted_out=false",
    "opted_out=true",
]:
    timed(f"{query}&limit=50")

print()
print("| count | answer | p50 ms | p99 ms | goal (p99 ms) |")
print("|---|---|---|---|---|")
for query in [
    "",
    f"search={q('ayşe')}",
    "search=soyad990",
    "search=zzzz",
    f"search={q('0532 000 1')}",
    "tag=vip",
    f"custom.{q('şehir')}={q('İzmir')}",
    f"tag=vip&custom.{q('şehir')}={q('İzmir')}",
    "opted_out=false",
]:
    timed(query, "contacts/count", goal=200)

started = time.perf_counter()
conn.request("GET", f"/api/v1/workspaces/{ws}/contacts/export.csv", headers=headers)
response = conn.getresponse()
size = rows = 0
while chunk := response.read(1 << 16):
    size += len(chunk)
    rows += chunk.count(b"\n")
elapsed = time.perf_counter() - started
rate = (rows - 1) / elapsed
print(f"export.csv: {rows - 1:,} contacts, {size / 1e6:.1f} MB in {elapsed:.1f} s ({rate:,.0f} contacts/s; "
      f"goal >= 100,000/s: {'met' if rate >= 100_000 else 'MISSED'})")

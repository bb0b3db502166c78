"""The measuring half of bench/messaging.sh: campaign set-up, timings and peak RSS."""
import json
import sys
import time
import urllib.request

port, ws, token, n, pid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
base = f"http://127.0.0.1:{port}/api/v1/workspaces/{ws}"


def call(method, path, body=None):
    request = urllib.request.Request(
        base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None


def peak_rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1])
    return 0


def wait(path, done, every=0.02):
    while True:
        current = call("GET", path)
        if done(current):
            return current
        time.sleep(every)


template = call("POST", "/templates", {
    "name": "bench",
    "body": '{{pick "Merhaba" "Selam" "İyi günler"}} %sayın%, %ad% için kasım fırsatları başladı.',
})["id"]
channel = call("POST", "/channels", {"name": "bench", "kind": "sandbox", "config": {}})["id"]
call("PATCH", f"/channels/{channel}", {"state": "paused"})
campaign = call("POST", "/campaigns", {
    "name": "bench", "template": template, "channel": channel, "audience": {"all": True},
    "rate": {"per_minute": None, "jitter_min_ms": 0, "jitter_max_ms": 0},
})["id"]

started = time.monotonic()
call("POST", f"/campaigns/{campaign}/start", {})
c = wait(f"/campaigns/{campaign}", lambda c: c["enqueued"] >= n)
enqueue = time.monotonic() - started
print(f"== render + enqueue of {c['enqueued']:,} recipients: {enqueue:.2f} s "
      f"({c['enqueued'] / enqueue:,.0f}/s; goal ≤ 3 s for 100,000); "
      f"peak RSS so far {peak_rss():,} kB")

started = time.monotonic()
call("PATCH", f"/channels/{channel}", {"state": "active"})
c = wait(f"/campaigns/{campaign}", lambda c: c["state"] in ("completed", "failed"), every=0.05)
dispatch = time.monotonic() - started
sent = c["counts"]["sent"]
print(f"== dispatch through sandbox, rate limits off: {sent:,} sent in {dispatch:.2f} s "
      f"({sent / dispatch:,.0f} messages/s; goal ≥ 10,000/s); state {c['state']}, counts {c['counts']}; "
      f"peak RSS {peak_rss():,} kB")
sample = call("GET", f"/campaigns/{campaign}/messages?limit=2")["items"]
print("first messages:", [m["text"] for m in sample])

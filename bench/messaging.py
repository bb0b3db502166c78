"""The measuring half of bench/messaging.sh: campaign set-up, timings and peak RSS."""
import json
import os
import signal
import subprocess
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


def cpu_seconds():
    """The server's CPU time so far (user + system)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def profile(phase):
    """With BENCH_PROFILE=<dir>: a perf profile of the server during one phase (perf must exist)."""
    folder = os.environ.get("BENCH_PROFILE")
    if not folder:
        return None
    return subprocess.Popen(["perf", "record", "-q", "-g", "-p", str(pid), "-o",
                             os.path.join(folder, f"{phase}.data")], stderr=subprocess.DEVNULL)


def stop(recorder):
    if recorder:
        recorder.send_signal(signal.SIGINT)
        recorder.wait()


def wait(path, done, every=0.02):
    """Polls until done; gives up after a minute without progress (counts unchanged)."""
    seen, since = None, time.monotonic()
    while True:
        current = call("GET", path)
        if done(current):
            return current
        progress = (current.get("enqueued"), json.dumps(current.get("counts"), sort_keys=True))
        if progress != seen:
            seen, since = progress, time.monotonic()
        elif time.monotonic() - since > 60:
            sys.exit(f"no progress for a minute: {current.get('state')}, {current.get('counts')}")
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

recorder = profile("enqueue")
cpu = cpu_seconds()
started = time.monotonic()
call("POST", f"/campaigns/{campaign}/start", {})
c = wait(f"/campaigns/{campaign}", lambda c: c["enqueued"] >= n)
enqueue = time.monotonic() - started
stop(recorder)
cpu = cpu_seconds() - cpu
print(f"== render + enqueue of {c['enqueued']:,} recipients: {enqueue:.2f} s "
      f"({c['enqueued'] / enqueue:,.0f}/s; goal ≤ 3 s for 100,000); "
      f"server CPU {cpu:.2f} s ({cpu / enqueue:.0%} of one core); peak RSS so far {peak_rss():,} kB")

recorder = profile("dispatch")
cpu = cpu_seconds()
started = time.monotonic()
call("PATCH", f"/channels/{channel}", {"state": "active"})
c = wait(f"/campaigns/{campaign}", lambda c: c["state"] in ("completed", "failed"), every=0.05)
dispatch = time.monotonic() - started
stop(recorder)
cpu = cpu_seconds() - cpu
sent = c["counts"]["sent"]
print(f"== dispatch through sandbox, rate limits off: {sent:,} sent in {dispatch:.2f} s "
      f"({sent / dispatch:,.0f} messages/s; goal ≥ 10,000/s); server CPU {cpu:.2f} s "
      f"({cpu / dispatch:.0%} of one core, {cpu * 1e6 / max(sent, 1):.0f} µs per message); "
      f"state {c['state']}, counts {c['counts']}; "
      f"peak RSS {peak_rss():,} kB")
sample = call("GET", f"/campaigns/{campaign}/messages?limit=2")["items"]
print("first messages:", [m["text"] for m in sample])

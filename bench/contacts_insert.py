"""Stores N contacts through POST /contacts with 16 concurrent keep-alive connections; prints the rate.
Usage: contacts_insert.py PORT WORKSPACE TOKEN N"""
import http.client
import json
import sys
import threading
import time

port, workspace, token, total = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
CONNECTIONS = 16
CITIES = ["İstanbul", "Ankara", "İzmir", "Bursa"]
statuses = {}
lock = threading.Lock()


def worker(index):
    connection = http.client.HTTPConnection("127.0.0.1", int(port))
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    for n in range(index, total, CONNECTIONS):
        body = json.dumps({
            "phone": f"+90532{n:07d}", "first_name": f"Ad{n}", "last_name": f"Soyad{n % 97}",
            "tags": [f"t{n % 10}"], "custom_fields": {"şehir": CITIES[n % 4]},
        })
        connection.request("POST", f"/api/v1/workspaces/{workspace}/contacts", body, headers)
        response = connection.getresponse()
        response.read()
        with lock:
            statuses[response.status] = statuses.get(response.status, 0) + 1


started = time.perf_counter()
threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - started
print(f"stored {statuses.get(201, 0)} of {total} contacts in {elapsed:.1f} s = {total / elapsed:.0f} contacts/s; statuses {statuses}")

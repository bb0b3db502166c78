"""A webhook receiver on loopback for the webhook tests: verifies each delivery with the reference
Standard Webhooks library (`standardwebhooks` from PyPI, installed by ./test.sh).

Usage: webhook_receiver.py PORT SECRETS OUTPUT FAIL_FIRST.
SECRETS is a file with one signing secret a line, read at each request (the test writes it after
creating the subscription); a delivery counts as verified only when every listed secret verifies
it. The first FAIL_FIRST attempts of each `webhook-id` are answered with 500. Every request becomes
one JSON line in OUTPUT: the id, the attempt number, the answer given, whether each secret verified
it, and the body. Prints "ready" once it accepts connections.
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

PORT, SECRETS, OUTPUT, FAIL_FIRST = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
attempts = {}
lock = threading.Lock()


def secrets():
    try:
        with open(SECRETS, encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip()]
    except FileNotFoundError:
        return []


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        message_id = headers.get("webhook-id", "")
        with lock:
            attempts[message_id] = attempts.get(message_id, 0) + 1
            attempt = attempts[message_id]
        verified = []
        for secret in secrets():
            try:
                Webhook(secret).verify(body, headers)
                verified.append(True)
            except Exception:  # the library raises WebhookVerificationError
                verified.append(False)
        ok = bool(verified) and all(verified)
        status = 500 if attempt <= FAIL_FIRST else (200 if ok else 400)
        record = {
            "id": message_id,
            "attempt": attempt,
            "status": status,
            "verified": verified,
            "signatures": len(headers.get("webhook-signature", "").split()),
            "body": json.loads(body or b"null"),
        }
        with lock, open(OUTPUT, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        self.send_response(status)
        self.send_header("content-type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok" if status == 200 else b"not now")

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
print("ready", flush=True)
server.serve_forever()

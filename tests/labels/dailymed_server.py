"""A real local HTTP server standing in for DailyMed's web services (a real socket).

It answers `/spls/{SETID}/history.json` and `/spls.json` from saved answers: `histories` maps
a set id to the saved history document (or to a callable returning (status, body, delay)),
`listings` maps a brand to a saved `/spls.json` document. Every request path is recorded.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class DailyMedServer:
    def __init__(self):
        self.histories: dict[str, object] = {}
        self.listings: dict[str, dict] = {}
        self.slow: dict[str, float] = {}  # set id -> seconds to wait before answering
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                parsed = urllib.parse.urlsplit(self.path)
                server.requests.append(self.path)
                status, body = server.answer(parsed.path, urllib.parse.parse_qs(parsed.query))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout tests)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/dailymed/services/v2"

    def answer(self, path: str, query: dict) -> tuple[int, bytes]:
        prefix = "/dailymed/services/v2"
        if path.startswith(prefix + "/spls/") and path.endswith("/history.json"):
            set_id = path[len(prefix + "/spls/") : -len("/history.json")]
            time.sleep(self.slow.get(set_id, 0))
            saved = self.histories.get(set_id)
            if saved is None:
                return 404, b'{"error": "not found"}'
            if isinstance(saved, bytes):
                return 200, saved
            return 200, json.dumps(saved).encode()
        if path == prefix + "/spls.json":
            brand = (query.get("drug_name") or [""])[0].upper()
            listing = self.listings.get(brand, {"metadata": {}, "data": []})
            return 200, json.dumps(listing).encode()
        return 404, b'{"error": "no such resource"}'

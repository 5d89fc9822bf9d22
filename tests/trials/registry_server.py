"""A real local HTTP server standing in for the ClinicalTrials.gov API (a real socket).

`RegistryServer.answer(handler)` decides each response from the request's query parameters;
every request is recorded so a test can check what the client sent.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RegistryServer:
    def __init__(self):
        self.requests: list[dict[str, str]] = []
        self.paths: list[str] = []
        self.respond = lambda params, number: (404, {}, b"{}")
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                parsed = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
                server.requests.append(params)
                server.paths.append(parsed.path)
                status, headers, body = server.respond(params, len(server.requests))
                if status is None:  # drop the connection without an answer
                    self.close_connection = True
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    return
                self.send_response(status)
                for key, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/api/v2"

    def answer(self, respond) -> None:
        self.respond = respond


def page(studies, token=None) -> tuple[int, dict, bytes]:
    document = {"studies": studies}
    if token:
        document["nextPageToken"] = token
    return 200, {}, json.dumps(document).encode()

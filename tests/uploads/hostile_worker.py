"""A probe worker that has been taken over: it reads one request and answers outside the fixed
shape, in the way given on its command line. Run by tests/uploads/test_probe_protocol.py as
the child of a real pdf_probe._Worker, to show the parent refuses such answers."""

import json
import os
import pickle
import struct
import sys

HEADER = struct.Struct(">QQ")
GOOD = {"outcome": "ok", "pages": 1, "width": None, "height": None, "removed": [], "error": None}


class Payload:
    """Unpickling this creates the marker file: proof the parent ran the child's code."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def reply(mode: str, marker: str) -> tuple[bytes, bytes]:
    body = b""
    if mode == "pickle":
        encoded = pickle.dumps(("ok", Payload(marker)))
    elif mode == "not_json":
        encoded = b"ok, trust me"
    elif mode == "list":
        encoded = json.dumps(["ok", 1]).encode()
    elif mode == "extra_key":
        encoded = json.dumps(GOOD | {"run": "__import__('os').system('id')"}).encode()
    elif mode == "missing_key":
        encoded = json.dumps({k: v for k, v in GOOD.items() if k != "error"}).encode()
    elif mode == "bool_pages":
        encoded = json.dumps(GOOD | {"pages": True}).encode()
    elif mode == "negative_pages":
        encoded = json.dumps(GOOD | {"pages": -1}).encode()
    elif mode == "unknown_outcome":
        encoded = json.dumps(GOOD | {"outcome": "trusted"}).encode()
    elif mode == "unknown_removal":
        encoded = json.dumps(GOOD | {"removed": ["everything"]}).encode()
    elif mode == "error_message":
        encoded = json.dumps(GOOD | {"outcome": "error", "error": "<script>x</script>"}).encode()
    elif mode == "bytes_without_success":
        encoded = json.dumps(GOOD | {"outcome": "damaged", "pages": None}).encode()
        body = b"<html><script>alert(1)</script></html>"
    elif mode == "huge":
        return HEADER.pack(1 << 40, 0), b""
    else:
        raise SystemExit(f"unknown mode {mode}")
    return HEADER.pack(len(encoded), len(body)) + encoded, body


def main() -> int:
    mode, marker = sys.argv[1], sys.argv[2]
    requests = sys.stdin.buffer
    request_size, data_size = HEADER.unpack(requests.read(HEADER.size))
    requests.read(request_size)
    requests.read(data_size)
    head, body = reply(mode, marker)
    out = os.fdopen(sys.stdout.fileno(), "wb")
    out.write(head + body)
    out.flush()
    requests.read(1)  # wait for the parent to close the pipe or kill us
    return 0


if __name__ == "__main__":
    sys.exit(main())

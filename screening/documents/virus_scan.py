"""A small clamd client: streams bytes to clamd with the INSTREAM command.

Protocol (clamd(8)): send `zINSTREAM\\0`, then chunks each prefixed with their length as a
4-byte big-endian integer, then a zero-length chunk; clamd answers one NUL-terminated line:
`stream: OK`, `stream: <signature> FOUND`, or `... ERROR`.

CLAMD_SOCKET is either a Unix socket path (`/run/clamav/clamd.ctl`) or `tcp://host:port`.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from urllib.parse import urlparse

CLEAN = "clean"
INFECTED = "infected"
FAILED = "failed"  # unreachable, timed out, or an error reply

CHUNK_SIZE = 64 * 1024
MAX_REPLY = 4096


@dataclass(frozen=True)
class ScanResult:
    outcome: str
    detail: str


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("tcp://"):
        parsed = urlparse(address)
        if not parsed.hostname or not parsed.port:
            raise OSError(f"CLAMD_SOCKET {address!r} needs a host and a port")
        return socket.create_connection((parsed.hostname, parsed.port), timeout=timeout)
    path = address.removeprefix("unix://")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        raise
    return sock


def scan_bytes(data: bytes, address: str, *, timeout: float = 30.0) -> ScanResult:
    """Scan `data` with the clamd at `address`. Never raises: failures are FAILED results."""
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK_SIZE):
                chunk = data[start : start + CHUNK_SIZE]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while b"\0" not in reply and len(reply) < MAX_REPLY:
                received = sock.recv(MAX_REPLY)
                if not received:
                    break
                reply += received
    except OSError as exc:
        return ScanResult(FAILED, f"Virus scanner unreachable ({type(exc).__name__}).")
    answer = reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
    if answer.endswith("FOUND"):
        signature = answer.removeprefix("stream:").removesuffix("FOUND").strip()
        return ScanResult(INFECTED, f"Virus found: {signature}"[:200])
    if answer.endswith("OK"):
        return ScanResult(CLEAN, "")
    return ScanResult(FAILED, f"Virus scanner error: {answer or 'no answer'}"[:200])

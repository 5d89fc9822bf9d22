"""What the redacting log filter (navigator/log_redaction.py) costs per record.

Formats typical records through a StreamHandler into memory, with and without the filter, and
prints the median microseconds per record of each kind (best of --repeat runs of --records
records). The figures are printed, not asserted.

    make bench-logs [BENCH_ARGS="--records 20000 --repeat 5"]
"""

from __future__ import annotations

import argparse
import io
import logging
import statistics
import sys
import time
from pathlib import Path

# The repository instead of bench/ (whose queue.py would shadow the standard library's).
sys.path[0] = str(Path(__file__).resolve().parents[1])

from navigator.log_redaction import RedactingFilter  # noqa: E402

RECORDS = {
    "plain": ("Outbox email %s (%s) queued", (1234, "records_request")),
    "request line": (
        '"%s" %s %s',
        ("GET /status/AbCdEf0123456789xyzAbCdEf0123/ HTTP/1.1", 404, 179),
    ),
    "4xx path": ("Bad Request: %s", ("/status/AbCdEf0123456789xyzAbCdEf0123/",)),
    "invalid profile": (
        "Case %s could not be screened: %s",
        (
            77,
            "diagnosis: 'zz' is not allowed; ecog: 7 is not allowed; mrd_percent: 'x' is wrong",
        ),
    ),
    "dict argument": (
        "Profile %s",
        ({"diagnosis": "b_all", "ecog": 1, "biomarkers": {"cd19": True}},),
    ),
}


def per_record(message: str, args: tuple, count: int, redact: bool) -> float:
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if redact:
        handler.addFilter(RedactingFilter())
    logger = logging.Logger("bench")
    logger.addHandler(handler)
    started = time.perf_counter()
    for _ in range(count):
        logger.warning(message, *args)
    return (time.perf_counter() - started) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    print(f"{'record':<16} {'plain µs':>9} {'redacted µs':>12} {'added µs':>9}")
    for name, (message, args) in RECORDS.items():
        plain = statistics.median(
            per_record(message, args, options.records, False) for _ in range(options.repeat)
        )
        redacted = statistics.median(
            per_record(message, args, options.records, True) for _ in range(options.repeat)
        )
        print(f"{name:<16} {plain:>9.1f} {redacted:>12.1f} {redacted - plain:>9.1f}")


if __name__ == "__main__":
    main()

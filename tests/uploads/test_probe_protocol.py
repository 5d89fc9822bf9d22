"""The probe's workers answer in a fixed JSON shape; anything else is refused, never run."""

import json
import sys
from pathlib import Path

import pytest

from screening.documents import pdf_probe
from tests.uploads.samples import make_pdf

HOSTILE = Path(__file__).with_name("hostile_worker.py")

REFUSED_REPLIES = [
    "pickle",
    "not_json",
    "list",
    "extra_key",
    "missing_key",
    "bool_pages",
    "negative_pages",
    "unknown_outcome",
    "unknown_removal",
    "error_message",
    "bytes_without_success",
    "huge",
]


@pytest.mark.parametrize("mode", REFUSED_REPLIES)
def test_a_reply_outside_the_fixed_shape_is_refused_as_an_error_and_never_executed(mode, tmp_path):
    marker = tmp_path / "ran-the-childs-code"
    worker = pdf_probe._Worker([sys.executable, str(HOSTILE), mode, str(marker)])
    try:
        with pytest.raises(pdf_probe.WorkerFailed):
            worker.call("probe_pdf", {}, make_pdf(), timeout=10)
    finally:
        worker.stop()
    assert not marker.exists()


def test_a_real_worker_answers_in_the_fixed_shape():
    reply = pdf_probe.run_in_pool("probe_pdf", make_pdf(pages=3))
    assert reply == pdf_probe.Reply(outcome=pdf_probe.OK, pages=3)


def test_the_parent_asks_only_for_calls_on_the_allow_list():
    with pytest.raises(ValueError, match="not a probe call"):
        pdf_probe.run_in_pool("os.system", b"")
    with pytest.raises(ValueError, match="numbers"):
        pdf_probe.run_in_pool("sleep", seconds="__import__('os')")


def test_a_worker_asked_for_a_call_it_does_not_know_answers_unknown_call():
    # Straight onto the pipe, as a confused or hostile parent might: the worker itself refuses.
    worker = pdf_probe._Worker()
    try:
        request = json.dumps({"call": "eval", "args": {"source": "1"}}).encode()
        worker.process.stdin.write(pdf_probe._HEADER.pack(len(request), 0) + request)
        worker.process.stdin.flush()
        deadline = pdf_probe.time.monotonic() + 10
        json_size, data_size = pdf_probe._HEADER.unpack(
            worker._read(pdf_probe._HEADER.size, deadline)
        )
        reply = pdf_probe.parse_reply(worker._read(json_size, deadline), b"")
    finally:
        worker.stop()
    assert (reply.outcome, reply.error, data_size) == (pdf_probe.ERROR, "unknown_call", 0)


def test_a_malformed_request_is_answered_bad_request_and_the_worker_carries_on():
    worker = pdf_probe._Worker()
    try:
        deadline = pdf_probe.time.monotonic() + 10
        for request in (b"{not json", json.dumps({"call": "probe_pdf", "args": [1]}).encode()):
            worker.process.stdin.write(pdf_probe._HEADER.pack(len(request), 0) + request)
            worker.process.stdin.flush()
            json_size, _ = pdf_probe._HEADER.unpack(worker._read(pdf_probe._HEADER.size, deadline))
            reply = pdf_probe.parse_reply(worker._read(json_size, deadline), b"")
            assert (reply.outcome, reply.error) == (pdf_probe.ERROR, "bad_request")
        assert worker.call("probe_pdf", {}, make_pdf(pages=2), 10).pages == 2
    finally:
        worker.stop()


def test_a_worker_does_not_inherit_our_secrets(monkeypatch):
    # Read from the running worker's own environment block, as the kernel holds it.
    monkeypatch.setenv("DATABASE_URL", "postgres://navigator:not-for-the-child@db/navigator")
    monkeypatch.setenv("SECRET_KEY", "not-for-the-child-either")
    worker = pdf_probe._Worker()
    try:
        assert worker.call("probe_pdf", {}, make_pdf(), timeout=10).outcome == pdf_probe.OK
        environment = Path(f"/proc/{worker.process.pid}/environ").read_bytes()
    finally:
        worker.stop()
    assert b"not-for-the-child" not in environment
    assert b"PYTHONPATH=" in environment

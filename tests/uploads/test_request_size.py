"""Requests over the size limits get a friendly 413 page, before the body is read."""

import http.client
import time
from urllib.parse import urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from tests.uploads.samples import make_png

pytestmark = pytest.mark.django_db


def assert_friendly_413(response):
    assert response.status_code == 413
    text = response.content.decode()
    assert "too much to send at once" in text
    assert "Each file can be at most 20.0\xa0MB." in text
    assert "Nothing from this attempt was saved." in text
    assert "no-store" in response["Cache-Control"]


def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body(client):
    # The test client's body is 3 bytes; had anything tried to read the 200 MB it claims to
    # carry, the fake stream would have raised.
    response = client.generic(
        "POST",
        "/",
        data=b"a=b",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert_friendly_413(response)
    assert "larger than 100.0\xa0MB" in response.content.decode()


@override_settings(MAX_REQUEST_BYTES=50_000)
def test_a_real_multipart_upload_over_the_limit_is_refused(client):
    big = SimpleUploadedFile("scan.png", make_png() + b"\x00" * 60_000, "image/png")
    response = client.post("/", {"files": [big]})
    assert_friendly_413(response)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_form_fields_over_djangos_limit_get_the_same_page_not_a_400(client):
    response = client.post("/", {"notes": "x" * 5000})
    assert_friendly_413(response)
    assert "text fields were larger" in response.content.decode()


@override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=2)
def test_too_many_files_in_one_request_get_the_same_page(client):
    files = [SimpleUploadedFile(f"p{i}.png", make_png(), "image/png") for i in range(3)]
    response = client.post("/", {"files": files})
    assert_friendly_413(response)
    assert "more files or fields" in response.content.decode()


def test_a_normal_post_passes_through(client):
    # The home page only answers GET and HEAD: a small POST reaches it and gets its 405.
    assert client.post("/", {"a": "b"}).status_code == 405


def test_a_malformed_content_length_is_not_a_crash(client):
    response = client.generic("POST", "/", data=b"", CONTENT_LENGTH="lots")
    assert response.status_code == 405


@pytest.mark.django_db(transaction=True)
def test_over_a_real_socket_the_413_arrives_before_the_body_is_sent(live_server):
    """Headers announcing 200 MB, no body at all: the answer still comes, at once."""
    address = urlparse(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    started = time.monotonic()
    connection.putrequest("POST", "/status/whatever/")
    connection.putheader("Content-Type", "multipart/form-data; boundary=xyz")
    connection.putheader("Content-Length", str(200 * 1024 * 1024))
    connection.endheaders()
    try:
        response = connection.getresponse()
        body = response.read().decode()
    except (TimeoutError, ConnectionResetError) as error:  # pragma: no cover - diagnostic
        pytest.fail(f"no answer before the body was sent: {error!r}")
    finally:
        connection.close()
    assert response.status == 413
    assert "too much to send at once" in body
    assert time.monotonic() - started < 5

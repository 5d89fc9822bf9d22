"""The whole API over a real socket: pytest-django's live server, the standard library's HTTP
client, and a real local server receiving the webhook."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

import pytest

from screening.core.api_keys import create_organisation_key
from screening.models import Case, WebhookDelivery
from screening.notify.webhooks import verify_signature
from screening.pipeline.screen import screen_case
from screening.tasks import deliver_webhook_task
from tests.api.documents import VALID_CASE
from tests.api.receiver import WebhookReceiver
from tests.uploads.samples import make_pdf

pytestmark = pytest.mark.django_db(transaction=True)


class Http:
    def __init__(self, base: str, key: str):
        self.base, self.key = base, key

    def call(self, method, path, body: bytes | None = None, content_type=None, headers=None):
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("Authorization", f"Bearer {self.key}")
        if content_type:
            request.add_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as answer:
            return answer.code, json.loads(answer.read())

    def json(self, method, path, document=None, headers=None):
        body = None if document is None else json.dumps(document).encode()
        return self.call(method, path, body, "application/json", headers)

    def upload(self, path, category, name, data: bytes, content_type):
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\n'
                f'{category}\r\n--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{name}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.call("POST", path, body, f"multipart/form-data; boundary={boundary}")


def test_a_hospital_submits_uploads_reads_back_and_receives_a_signed_webhook(live_server, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK_HTTP = True
    settings.SITE_URL = live_server.url
    _org, new, _ = create_organisation_key("Riverside Infirmary", "cases:submit,cases:read")
    http = Http(live_server.url, new.secret)
    with WebhookReceiver() as receiver:
        status, hook = http.json("PUT", "/api/v1/webhook", {"url": receiver.url})
        assert status == 200 and hook["secret"].startswith("whsec_")

        status, created = http.json(
            "POST", "/api/v1/cases", VALID_CASE, headers={"Idempotency-Key": "live-1"}
        )
        assert status == 201, created
        reference = created["reference"]
        assert created["status_page_url"].startswith(live_server.url + "/status/")

        status, uploaded = http.upload(
            f"/api/v1/cases/{reference}/documents",
            "pathology",
            "biopsy.pdf",
            make_pdf("Synthetic pathology report"),
            "application/pdf",
        )
        assert status == 201, uploaded
        assert uploaded["documents"][0]["name"] == "biopsy.pdf"

        # The worker's part: screening moves the case, which queues the webhook; the
        # delivery task sends it to the receiver over a real socket.
        screen_case(Case.objects.get(reference=reference).pk)
        delivery = WebhookDelivery.objects.get()
        deliver_webhook_task.apply(args=[delivery.pk]).get()
        received = receiver.wait_for(1)[0]
        assert verify_signature(
            hook["secret"], received.body, received.headers["Navigator-Signature"]
        )
        event = json.loads(received.body)
        assert event["type"] == "case.status_changed"
        assert event["case"]["reference"] == reference
        assert event["case"]["url"] == f"{live_server.url}/api/v1/cases/{reference}"

        status, case = http.json("GET", f"/api/v1/cases/{reference}")
        assert status == 200
        assert case["status"] == "awaiting_review"
        assert [d["name"] for d in case["documents"]] == ["biopsy.pdf"]
        assert case["screening"]["products"]

        status, replay = http.json(
            "POST", "/api/v1/cases", VALID_CASE, headers={"Idempotency-Key": "live-1"}
        )
        assert status == 201 and replay == created
        assert Case.objects.count() == 1

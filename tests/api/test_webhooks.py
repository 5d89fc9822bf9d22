"""Webhooks: queued with the status change, signed, sent to a real local server, retried."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.utils import timezone

from screening.core.workflow import move_case
from screening.models import Case, CaseStatus, Organisation, WebhookDelivery, WebhookState
from screening.notify import webhooks
from screening.notify.webhooks import (
    WebhookUrlError,
    check_webhook_url,
    deliver_webhook,
    signature_header,
    verify_signature,
)
from screening.pipeline.screen import screen_case
from screening.pipeline.sweeper import sweep_pipeline
from screening.triage.actions import request_records
from tests.api.receiver import WebhookReceiver
from tests.factories import CaseFactory, LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK_HTTP = True


@pytest.fixture
def receiver():
    with WebhookReceiver() as server:
        yield server


def registered(api, url) -> str:
    response = api.put("/api/v1/webhook", {"url": url})
    assert response.status_code == 200, response.content
    return response.json()["secret"]


def deliver_all():
    for delivery_id in WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True):
        deliver_webhook(delivery_id)


def test_a_status_change_is_posted_signed_to_the_registered_endpoint(api, case_document, receiver):
    secret = registered(api, receiver.url)
    reference = api.post("/api/v1/cases", case_document).json()["reference"]
    case = Case.objects.get()
    screen_case(case.pk)  # submitted -> awaiting review
    move_case(Case.objects.get(), CaseStatus.IN_REVIEW, reason="looking at it")
    deliver_all()
    received = receiver.wait_for(2)
    first = received[0]
    assert first.path == "/hooks/navigator"
    assert verify_signature(secret, first.body, first.headers["Navigator-Signature"])
    payload = json.loads(first.body)
    assert payload["type"] == "case.status_changed"
    assert payload["case"]["reference"] == reference
    assert payload["data"] == {"from": "submitted", "to": "awaiting_review"}
    assert payload["id"] == first.headers["Navigator-Webhook-Id"]
    assert json.loads(received[1].body)["data"]["to"] == "in_review"
    # No names or medical details travel in a webhook.
    assert "Quill" not in first.body.decode() and "dlbcl" not in first.body.decode()
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"delivered"}


def test_a_records_request_is_posted_with_what_was_asked(api, case_document, receiver):
    registered(api, receiver.url)
    api.post("/api/v1/cases", case_document)
    case = Case.objects.get()
    screen_case(case.pk)
    WebhookDelivery.objects.all().delete()
    request_records(Case.objects.get(), ["cd19_positive"], ["pathology"], "", by=LeadFactory())
    deliver_all()
    bodies = [json.loads(r.body) for r in receiver.wait_for(2)]
    asked = next(b for b in bodies if b["type"] == "case.records_requested")
    assert asked["data"]["facts"][0]["field"] == "cd19_positive"
    assert asked["data"]["documents"] == [{"category": "pathology", "label": "Pathology report"}]


def test_cases_from_the_form_and_organisations_without_an_endpoint_queue_nothing(api):
    case = CaseFactory()
    move_case(case, CaseStatus.CLOSED, reason="test", outcome="withdrawn")
    assert not WebhookDelivery.objects.exists()


def test_a_failed_delivery_is_retried_with_backoff_then_delivered_once(api, case_document):
    with WebhookReceiver(statuses=[500, 503]) as server:
        registered(api, server.url)
        api.post("/api/v1/cases", case_document)
        screen_case(Case.objects.get().pk)
        delivery = WebhookDelivery.objects.get()
        assert deliver_webhook(delivery.pk) is False
        delivery.refresh_from_db()
        assert delivery.state == WebhookState.PENDING and delivery.last_status == 500
        assert delivery.next_attempt_at > timezone.now()
        # Not due yet: a duplicate task sends nothing.
        assert deliver_webhook(delivery.pk) is False
        assert len(server.received) == 1
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        assert deliver_webhook(delivery.pk) is False  # 503
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        assert deliver_webhook(delivery.pk) is True
        assert deliver_webhook(delivery.pk) is False  # already delivered
        delivery.refresh_from_db()
        assert delivery.state == WebhookState.DELIVERED and delivery.attempts == 3
        assert len(server.received) == 3
        ids = {r.headers["Navigator-Webhook-Id"] for r in server.received}
        assert len(ids) == 1


def test_backoff_doubles_and_is_capped():
    assert [webhooks.backoff_seconds(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert webhooks.backoff_seconds(30) == webhooks.MAX_BACKOFF


def test_an_endpoint_that_never_answers_is_marked_failed_after_the_last_attempt(
    api, case_document, receiver, monkeypatch
):
    registered(api, receiver.url)
    api.post("/api/v1/cases", case_document)
    screen_case(Case.objects.get().pk)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        url="http://127.0.0.1:9/", attempts=webhooks.MAX_ATTEMPTS - 1
    )
    api.organisation.webhook_url = "http://127.0.0.1:9/"  # nothing listens on port 9
    api.organisation.save()
    assert deliver_webhook(delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.state == WebhookState.FAILED
    assert "Error" in delivery.last_error


def test_the_sweeper_hands_out_due_retries(api, case_document, receiver):
    registered(api, receiver.url)
    api.post("/api/v1/cases", case_document)
    screen_case(Case.objects.get().pk)
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    assert sweep_pipeline().webhooks == 1


def test_signatures_refuse_a_changed_body_a_wrong_secret_and_an_old_timestamp():
    body = b'{"a":1}'
    header = signature_header("whsec_one", body)
    assert verify_signature("whsec_one", body, header)
    assert not verify_signature("whsec_one", b'{"a":2}', header)
    assert not verify_signature("whsec_two", body, header)
    old = signature_header("whsec_one", body, timestamp=int(time.time()) - 3600)
    assert not verify_signature("whsec_one", body, old)
    assert not verify_signature("whsec_one", body, "garbage")


@pytest.mark.parametrize(
    "url",
    [
        "http://hospital.example.org/hook",
        "ftp://hospital.example.org/hook",
        "https://user:pw@hospital.example.org/hook",
        "https://169.254.169.254/latest",
        "not a url",
        "https://",
    ],
)
def test_only_https_endpoints_are_accepted(url):
    with pytest.raises(WebhookUrlError):
        check_webhook_url(url)


def test_plain_http_to_loopback_only_where_allowed(settings):
    assert check_webhook_url("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080/x"
    settings.WEBHOOK_ALLOW_LOOPBACK_HTTP = False
    with pytest.raises(WebhookUrlError):
        check_webhook_url("http://127.0.0.1:8080/x")
    assert check_webhook_url("https://hospital.example.org/h") == "https://hospital.example.org/h"


def test_registering_shows_the_secret_once_and_ping_reaches_the_endpoint(api, receiver):
    secret = registered(api, receiver.url)
    again = api.put("/api/v1/webhook", {"url": receiver.url})
    assert "secret" not in again.json()
    response = api.post("/api/v1/webhook/ping", {})
    assert response.status_code == 202
    deliver_all()
    ping = receiver.wait_for(1)[0]
    assert json.loads(ping.body)["type"] == "ping"
    assert verify_signature(secret, ping.body, ping.headers["Navigator-Signature"])
    state = api.get("/api/v1/webhook").json()
    assert state["last_delivery"]["state"] == "delivered" and state["failures"] == 0
    assert api.delete("/api/v1/webhook").status_code == 204
    assert api.post("/api/v1/webhook/ping", {}).status_code == 422


@pytest.mark.parametrize("url", ["https://10.1.2.3/hook", "https://192.168.0.9/hook"])
def test_private_network_endpoints_are_refused_unless_allowed(url, settings):
    with pytest.raises(WebhookUrlError):
        check_webhook_url(url)
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    assert check_webhook_url(url) == url


def test_a_host_name_that_resolves_inside_the_network_is_not_sent_to(api, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK_HTTP = False
    # A name that passed registration but resolves to a loopback address when sending.
    Organisation.objects.filter(pk=api.organisation.pk).update(
        webhook_url="https://localhost/hook", webhook_secret="whsec_test"
    )
    delivery = WebhookDelivery.objects.create(
        organisation=api.organisation,
        kind="ping",
        payload={"type": "ping"},
        url="https://localhost/hook",
        next_attempt_at=timezone.now(),
    )
    assert deliver_webhook(delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.state == WebhookState.PENDING
    assert "not allowed" in delivery.last_error

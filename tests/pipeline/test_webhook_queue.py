"""Webhooks through the real queue: a real Redis, a real prefork Celery worker, a real local
HTTP server. The API's case is screened by the worker, which moves its status; the move queues
a webhook and the worker delivers it, signed, once; a failing endpoint is retried with backoff."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from screening.core.api_keys import create_organisation_key
from screening.intake.referrals import submit_referral
from screening.intake.structured import answers_from_document
from screening.models import WebhookDelivery, WebhookState
from screening.notify.webhooks import set_webhook, verify_signature
from tests.api.documents import VALID_CASE
from tests.api.receiver import WebhookReceiver
from tests.pipeline.conftest import wait_for

pytestmark = [pytest.mark.queue, pytest.mark.django_db(transaction=True)]


def refer(settings, url):
    settings.WEBHOOK_ALLOW_LOOPBACK_HTTP = True
    organisation, new, _ = create_organisation_key("Queue Hospital", "cases:submit,cases:read")
    secret = set_webhook(organisation, url)
    answers = answers_from_document(VALID_CASE).answers
    with transaction.atomic():
        case = submit_referral(organisation, answers, api_key=new.key)
    return case, secret


def test_the_worker_screens_the_case_and_delivers_the_signed_webhook_once(
    start_worker, coordinator, settings
):
    with WebhookReceiver() as receiver:
        # DEBUG=1 lets the worker send to the loopback receiver (WEBHOOK_ALLOW_LOOPBACK_HTTP).
        start_worker(concurrency=2, DEBUG="1")
        case, secret = refer(settings, receiver.url)
        received = receiver.wait_for(1, timeout=60)
        wait_for(lambda: WebhookDelivery.objects.filter(state=WebhookState.DELIVERED).exists(), 20)
        body = json.loads(received[0].body)
        assert body["case"]["reference"] == case.reference
        assert body["data"] == {"from": "submitted", "to": "awaiting_review"}
        assert verify_signature(
            secret, received[0].body, received[0].headers["Navigator-Signature"]
        )
        assert len(receiver.received) == 1


def test_a_failing_endpoint_is_retried_by_the_worker_until_it_answers(
    start_worker, coordinator, settings
):
    with WebhookReceiver(statuses=[502]) as receiver:
        start_worker(concurrency=1, DEBUG="1")
        refer(settings, receiver.url)
        # The first attempt fails (502); the retry comes after the first backoff (30 s).
        receiver.wait_for(2, timeout=90)
        delivery = WebhookDelivery.objects.get()
        wait_for(lambda: WebhookDelivery.objects.get().state == WebhookState.DELIVERED, 20)
        delivery.refresh_from_db()
        assert delivery.attempts == 2 and delivery.last_status == 200

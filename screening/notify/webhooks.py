"""Webhooks to referring organisations: signed, sent once from an outbox, retried with backoff.

When a case an organisation submitted changes status, or its coordinator asks for records, a
`WebhookDelivery` row is written in the same transaction as the timeline event that records
the change (a post_save receiver on CaseEvent, connected in screening/apps.py, so the workflow
never imports this module). After the commit the delivery task POSTs it.

Sending follows the email outbox's pattern (screening/notify/delivery.py): a delivery first
claims the row with a conditional update (pending and due → sending, with its claim time), so
a duplicated or redelivered task sends nothing twice; a claim whose sender died goes stale
after CLAIM_STALE_AFTER and the sweeper hands it out again. An answer other than 2xx, a
timeout or a refused connection puts the row back to pending with the next attempt due after
an exponential backoff (30 s doubling, at most 6 h, MAX_ATTEMPTS attempts over about a day and
a half); then it is marked failed. Redirects are never followed.

Each request carries `Navigator-Signature: t=<unix time>,v1=<hex>`, where v1 is the
HMAC-SHA256, keyed with the organisation's webhook secret, of `<t>.<body>`. The receiver
recomputes it over the raw body, compares in constant time and refuses a timestamp more than
five minutes away from its clock (`verify_signature` does exactly that), so a captured request
cannot be replayed later. `Navigator-Webhook-Id` is unique per event, for de-duplication.

Endpoints must be public: a private, loopback, link-local or otherwise internal address is
refused when the URL is registered (for an IP address) and again just before each send (for
the addresses a host name resolves to then), unless WEBHOOK_ALLOW_PRIVATE_NETWORKS is set for
a hospital reached over a private link. A name that resolves differently between that check
and the connection is not caught; the check closes the simple case.

Bodies carry the case reference, status and what was asked for; never names or medical
details.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from screening.core.workflow import PATIENT_STATUS_TEXT
from screening.jobs import enqueue
from screening.models import (
    ApiSubmission,
    CaseEvent,
    DocumentCategory,
    EventKind,
    Organisation,
    WebhookDelivery,
    WebhookState,
)
from screening.rules.facts import DOCUMENTS, FACT_NAMES

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Navigator-Signature"
ID_HEADER = "Navigator-Webhook-Id"
EVENT_HEADER = "Navigator-Event"
SIGNATURE_TOLERANCE = 300
# Far longer than one POST can take (WEBHOOK_TIMEOUT), short enough that a webhook whose sender
# died goes out within a few minutes (the sweeper runs every minute).
CLAIM_STALE_AFTER = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 15
FIRST_BACKOFF = 30
MAX_BACKOFF = 6 * 60 * 60
# Retries due sooner than this are queued with a countdown; later ones wait for the sweeper
# (a countdown must stay well below the broker's visibility timeout).
MAX_COUNTDOWN = 600
EVENT_TYPES = {
    EventKind.STATUS_CHANGED: "case.status_changed",
    EventKind.RECORDS_REQUESTED: "case.records_requested",
}
LOOPBACK_NAMES = {"localhost"}


class WebhookUrlError(ValueError):
    """An endpoint Navigator will not send to; the message says why."""


# --- Registering ----------------------------------------------------------------------------


def _internal(address) -> bool:
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def check_webhook_url(url: str) -> str:
    """The URL if Navigator may send to it: HTTPS to a public address (a private network only
    where WEBHOOK_ALLOW_PRIVATE_NETWORKS is on), or plain http to a loopback address only
    where WEBHOOK_ALLOW_LOOPBACK_HTTP is on (development and tests)."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a port out of range
    except ValueError:
        raise WebhookUrlError("This is not a valid URL.") from None
    del port
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password or len(url) > 500:
        raise WebhookUrlError("Give a full https:// URL without user name or password.")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    loopback = host in LOOPBACK_NAMES or (address is not None and address.is_loopback)
    if parts.scheme == "https" and not loopback:
        if address is not None and not _may_reach(address):
            raise WebhookUrlError("Navigator does not send webhooks to that address.")
        return url
    if parts.scheme == "http" and loopback and settings.WEBHOOK_ALLOW_LOOPBACK_HTTP:
        return url
    raise WebhookUrlError("Webhook endpoints must use https://.")


def _may_reach(address) -> bool:
    if address.is_loopback:
        return bool(settings.WEBHOOK_ALLOW_LOOPBACK_HTTP)
    if address.is_link_local or address.is_unspecified or address.is_multicast:
        return False  # cloud metadata services live on link-local addresses
    return not _internal(address) or bool(settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS)


def check_resolved_host(url: str) -> None:
    """Refuse, just before sending, a host name that now resolves to an address Navigator may
    not reach (a name registered as public can later point inside our network)."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return  # the connection attempt reports the name that does not resolve
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not _may_reach(address):
            raise WebhookUrlError(f"{host} resolves to {address}, which is not allowed.")


def new_webhook_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def set_webhook(organisation: Organisation, url: str, *, rotate_secret: bool = False) -> str | None:
    """Register (or change) the organisation's endpoint. Returns the signing secret when one
    is made (the first time, or on rotation): it is shown once and never again."""
    url = check_webhook_url(url)
    made = None
    if rotate_secret or not organisation.webhook_secret:
        made = organisation.webhook_secret = new_webhook_secret()
    organisation.webhook_url = url
    organisation.save(update_fields=["webhook_url", "webhook_secret"])
    return made


def remove_webhook(organisation: Organisation) -> int:
    """Stop webhooks: forget the endpoint and cancel what has not gone out. Returns how many
    deliveries were cancelled."""
    with transaction.atomic():
        organisation.webhook_url = ""
        organisation.save(update_fields=["webhook_url"])
        return WebhookDelivery.objects.filter(
            organisation=organisation, state=WebhookState.PENDING
        ).update(state=WebhookState.CANCELLED, last_error="endpoint removed")


# --- What is sent ----------------------------------------------------------------------------


def requested_fact(name: str) -> dict:
    return {"field": name, "fact": FACT_NAMES.get(name, name), "document": DOCUMENTS.get(name, "")}


def requested_document(category: str) -> dict:
    label = DocumentCategory(category).label if category in DocumentCategory.values else category
    return {"category": category, "label": str(label)}


def case_api_url(reference: str) -> str:
    return settings.SITE_URL + reverse("api:case", args=[reference])


def _event_payload(event: CaseEvent, event_type: str, status: str) -> dict:
    data = event.data or {}
    if event.kind == EventKind.STATUS_CHANGED:
        details = {"from": data.get("from"), "to": data.get("to")}
        if data.get("outcome"):
            details["outcome"] = data["outcome"]
    else:
        details = {
            "facts": [requested_fact(name) for name in data.get("facts") or ()],
            "documents": [requested_document(c) for c in data.get("categories") or ()],
        }
    return {
        "type": event_type,
        "created_at": event.at.isoformat(),
        "case": {
            "reference": event.case.reference,
            "status": status,
            "status_text": PATIENT_STATUS_TEXT.get(status, status),
            "url": case_api_url(event.case.reference),
        },
        "data": details,
    }


def on_case_event(sender, instance: CaseEvent, created: bool, raw: bool = False, **kwargs):
    """post_save receiver: queue a webhook for a status change or a records request on a case
    an organisation submitted and that organisation has an endpoint for."""
    if raw or not created or instance.kind not in EVENT_TYPES:
        return
    submission = (
        ApiSubmission.objects.select_related("organisation")
        .filter(case_id=instance.case_id, organisation__active=True)
        .exclude(organisation__webhook_url="")
        .first()
    )
    if submission is None:
        return
    status = (instance.data or {}).get("to") or instance.case.status
    queue_delivery(
        submission.organisation,
        EVENT_TYPES[instance.kind],
        _event_payload(instance, EVENT_TYPES[instance.kind], status),
        case=instance.case,
        case_event=instance,
    )


def queue_ping(organisation: Organisation) -> WebhookDelivery:
    """A test event the organisation asks for, to check its endpoint and signature code."""
    if not organisation.webhook_url:
        raise WebhookUrlError("Register a webhook endpoint first.")
    payload = {"type": "ping", "created_at": timezone.now().isoformat(), "case": None, "data": {}}
    return queue_delivery(organisation, "ping", payload)


def queue_delivery(organisation, kind, payload, *, case=None, case_event=None) -> WebhookDelivery:
    """The outbox row, written in the caller's transaction; sending is queued after commit."""
    delivery = WebhookDelivery(
        organisation=organisation,
        case=case,
        case_event=case_event,
        kind=kind,
        url=organisation.webhook_url,
        next_attempt_at=timezone.now(),
    )
    delivery.payload = {"id": str(delivery.event_id), **payload}
    delivery.save()
    enqueue("screening.deliver_webhook_task", delivery.pk)
    return delivery


# --- Signing ---------------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify_signature(
    secret: str, body: bytes, header: str, *, tolerance: int = SIGNATURE_TOLERANCE, now=None
) -> bool:
    """What a receiver does: True only for a correct signature made within `tolerance` s."""
    parts = dict(item.split("=", 1) for item in (header or "").split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), parts.get("v1", ""))


def body_bytes(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")


# --- Sending ---------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is an answer like any other non-2xx: the attempt failed


_opener = urllib.request.build_opener(_NoRedirects)


def _claimable(now: dt.datetime) -> Q:
    due = Q(state=WebhookState.PENDING, next_attempt_at__lte=now)
    stale = Q(state=WebhookState.SENDING, claimed_at__lt=now - CLAIM_STALE_AFTER)
    return due | stale


def backoff_seconds(attempts: int) -> int:
    return min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** max(0, attempts - 1))


def post_webhook(url: str, body: bytes, headers: dict) -> int:
    """POST the body; returns the HTTP status. Raises OSError (incl. timeouts) for no answer."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
            response.read(1024)
            return response.status
    except urllib.error.HTTPError as answer:
        return answer.code


def deliver_webhook(delivery_id: int) -> bool:
    """Claim and send one webhook if it is due and nobody else has; True if it was delivered."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(_claimable(now), pk=delivery_id).update(
        state=WebhookState.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    delivery = WebhookDelivery.objects.select_related("organisation").get(pk=delivery_id)
    mine = WebhookDelivery.objects.filter(
        pk=delivery.pk, state=WebhookState.SENDING, claimed_at=delivery.claimed_at
    )
    organisation = delivery.organisation
    if not organisation.webhook_url or not organisation.active:
        mine.update(state=WebhookState.CANCELLED, last_error="endpoint removed")
        return False
    body = body_bytes(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Navigator-Webhooks/1",
        ID_HEADER: str(delivery.event_id),
        EVENT_HEADER: delivery.kind,
        SIGNATURE_HEADER: signature_header(organisation.webhook_secret, body),
    }
    status, problem = None, ""
    try:
        check_resolved_host(organisation.webhook_url)
        status = post_webhook(organisation.webhook_url, body, headers)
    except (OSError, ValueError) as exc:  # refused, reset, DNS, TLS, timeout; bad URL
        problem = f"{type(exc).__name__}: {exc}"
    finished = timezone.now()
    if status is not None and 200 <= status < 300:
        mine.update(
            state=WebhookState.DELIVERED,
            delivered_at=finished,
            last_attempt_at=finished,
            last_status=status,
            last_error="",
        )
        return True
    problem = problem or f"HTTP {status}"
    if delivery.attempts >= MAX_ATTEMPTS:
        mine.update(
            state=WebhookState.FAILED,
            last_attempt_at=finished,
            last_status=status,
            last_error=problem[:300],
        )
        logger.warning("Webhook %s to %s failed for good: %s", delivery.pk, organisation, problem)
        return False
    wait = backoff_seconds(delivery.attempts)
    mine.update(
        state=WebhookState.PENDING,
        claimed_at=None,
        next_attempt_at=finished + dt.timedelta(seconds=wait),
        last_attempt_at=finished,
        last_status=status,
        last_error=problem[:300],
    )
    if wait <= MAX_COUNTDOWN:
        enqueue("screening.deliver_webhook_task", delivery.pk, countdown=wait)
    return False


def due_webhook_deliveries():
    """Ids of deliveries to hand out again: due retries and claims whose sender died."""
    return WebhookDelivery.objects.filter(_claimable(timezone.now())).values_list("pk", flat=True)

"""The OpenAPI schema and docs page, the create_api_key command, and the leads' admin."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openapi_spec_validator import validate

from screening.core.api_keys import find_api_key
from screening.core.references import hash_token
from screening.models import ApiKey, Organisation, WebhookDelivery
from tests.api.conftest import ApiClient
from tests.auth import staff_login
from tests.factories import CoordinatorFactory, LeadFactory

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_is_valid_openapi_3_and_covers_every_endpoint(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/cases",
        "/api/v1/cases/{reference}",
        "/api/v1/cases/{reference}/documents",
        "/api/v1/cases/fhir",
        "/api/v1/screen",
        "/api/v1/webhook",
        "/api/v1/consent",
    } <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    submit = schema["paths"]["/api/v1/cases"]["post"]
    assert submit["security"] == [{"ApiKey": []}]
    assert "Idempotency-Key" in {p["name"] for p in submit["parameters"]}


def test_the_docs_page_loads_only_local_files_and_no_inline_script(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(not s.startswith(("http:", "https:", "//")) for s in sources)
    assert "<script>" not in html and "<style>" not in html
    assert "not medical advice" in html or "never gives medical advice" in html
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_the_command_makes_the_organisation_and_prints_the_key_once():
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_key",
        "Mercy General",
        "--scopes",
        "screen,cases:submit,cases:read",
        stdout=out,
        stderr=err,
    )
    secret = out.getvalue().strip()
    assert secret.startswith("nav_") and "\n" not in secret
    organisation = Organisation.objects.get(name="Mercy General")
    assert organisation.allowed_scopes == ["cases:submit", "cases:read", "screen"]
    key = ApiKey.objects.get()
    assert key.key_hash == hash_token(secret) and secret not in str(key.__dict__)
    assert find_api_key(secret) == key
    assert ApiClient(secret).get("/api/v1/consent").status_code == 200
    # A second key for the same organisation; it is not made twice.
    call_command("create_api_key", "Mercy General", "--scopes", "screen", stdout=io.StringIO())
    assert Organisation.objects.count() == 1 and ApiKey.objects.count() == 2


@pytest.mark.parametrize(
    "scopes, message",
    [("cases:delete", "Unknown scope"), ("", "at least one scope")],
)
def test_the_command_refuses_unknown_scopes(scopes, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_api_key", "Mercy General", "--scopes", scopes)


def test_the_command_refuses_a_scope_an_existing_organisation_does_not_allow():
    call_command("create_api_key", "Mercy General", "--scopes", "screen", stdout=io.StringIO())
    with pytest.raises(CommandError, match="not allowed"):
        call_command("create_api_key", "Mercy General", "--scopes", "cases:read")


def test_a_lead_creates_a_key_in_the_admin_and_sees_it_once_then_revokes_it(client):
    lead = LeadFactory()
    staff_login(client, lead)
    organisation = Organisation.objects.create(name="Hope Clinic", allowed_scopes=["screen"])
    url = f"/admin/screening/organisation/{organisation.pk}/keys/new/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "EHR", "scopes": ["screen"]})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = re.search(r"(nav_[0-9a-f]{8}_[A-Za-z0-9_-]+)", response.content.decode()).group(1)
    key = find_api_key(secret)
    assert key.created_by == lead and key.scopes == ["screen"]
    page = client.get(f"/admin/screening/organisation/{organisation.pk}/change/")
    assert secret not in page.content.decode() and key.prefix in page.content.decode()
    refused = client.post(url, {"scopes": ["cases:read"]})
    assert "not allowed" in refused.content.decode()
    client.post(f"/admin/screening/apikey/{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == lead
    assert ApiClient(secret).get("/api/v1/consent").status_code == 401


def test_coordinators_cannot_see_or_make_keys(client):
    staff_login(client, CoordinatorFactory())
    organisation = Organisation.objects.create(name="Hope Clinic", allowed_scopes=["screen"])
    assert client.get("/admin/screening/organisation/").status_code == 403
    url = f"/admin/screening/organisation/{organisation.pk}/keys/new/"
    assert client.post(url, {"scopes": ["screen"]}).status_code == 403
    assert not ApiKey.objects.exists()


def test_a_lead_registers_a_webhook_and_sees_its_secret_once_and_the_failures(client, settings):
    staff_login(client, LeadFactory())
    organisation = Organisation.objects.create(name="Hope Clinic", allowed_scopes=["screen"])
    response = client.post(
        f"/admin/screening/organisation/{organisation.pk}/change/",
        {
            "name": "Hope Clinic",
            "allowed_scopes": ["screen"],
            "active": "on",
            "webhook_url": "https://hooks.hope.example.org/navigator",
            "keys-TOTAL_FORMS": "0",
            "keys-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200, response.content[:500]
    organisation.refresh_from_db()
    assert organisation.webhook_secret and organisation.webhook_secret in response.content.decode()
    WebhookDelivery.objects.create(
        organisation=organisation,
        kind="ping",
        payload={},
        url=organisation.webhook_url,
        state="failed",
        next_attempt_at="2026-01-01T00:00Z",
    )
    listing = client.get("/admin/screening/organisation/").content.decode()
    assert "hooks.hope.example.org" in listing
    assert "state__exact=failed" in listing
    assert client.get("/admin/screening/webhookdelivery/").status_code == 200
    plain = client.post(
        f"/admin/screening/organisation/{organisation.pk}/change/",
        {
            "name": "Hope Clinic",
            "allowed_scopes": ["screen"],
            "active": "on",
            "webhook_url": "http://hooks.hope.example.org/navigator",
            "keys-TOTAL_FORMS": "0",
            "keys-INITIAL_FORMS": "0",
        },
    )
    assert "must use https" in plain.content.decode()

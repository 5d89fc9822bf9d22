"""API test fixtures: organisations with keys, a JSON client that sends the key, a fresh rate
limit counter per test, and a valid case document."""

from __future__ import annotations

import copy
import json
import uuid

import pytest
from django.conf import settings as django_settings
from django.test import Client

from screening.core.api_keys import create_organisation_key
from tests.api.documents import VALID_CASE

ALL_SCOPES = "screen,cases:submit,cases:read"


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings):
    """Each test counts calls in its own cache (clearing the shared one would flush the
    broker's Redis database)."""
    settings.CACHES = {
        **django_settings.CACHES,
        "api-tests": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        },
    }
    settings.RATELIMIT_USE_CACHE = "api-tests"


class ApiClient:
    """Django's test client speaking JSON with an API key."""

    def __init__(self, secret: str | None, organisation=None, key=None):
        self.client = Client()
        self.secret = secret
        self.organisation = organisation
        self.key = key

    def _headers(self, headers):
        found = dict(headers or {})
        if self.secret:
            found.setdefault("Authorization", f"Bearer {self.secret}")
        return found

    def get(self, path, *, headers=None, **params):
        return self.client.get(path, params, headers=self._headers(headers))

    def post(self, path, body=None, *, headers=None, content_type="application/json", raw=None):
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(
            path, data, content_type=content_type, headers=self._headers(headers)
        )

    def post_files(self, path, data, *, headers=None):
        return self.client.post(path, data, headers=self._headers(headers))

    def put(self, path, body, *, headers=None):
        return self.client.put(
            path, json.dumps(body), content_type="application/json", headers=self._headers(headers)
        )

    def delete(self, path, *, headers=None):
        return self.client.delete(path, headers=self._headers(headers))


@pytest.fixture
def make_client(db):
    def make(name="St Elsewhere Hospital", scopes=ALL_SCOPES) -> ApiClient:
        organisation, new, _created = create_organisation_key(name, scopes)
        return ApiClient(new.secret, organisation, new.key)

    return make


@pytest.fixture
def api(make_client) -> ApiClient:
    return make_client()


@pytest.fixture
def case_document():
    return copy.deepcopy(VALID_CASE)


def errors(response) -> list[dict]:
    return response.json()["errors"]


def error_fields(response) -> set:
    return {item["field"] for item in errors(response)}

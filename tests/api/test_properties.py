"""Hypothesis over the JSON endpoints: whatever arrives, the answer is a 2xx or a 4xx in the
error shape, never a 5xx, and a refused request stores nothing."""

from __future__ import annotations

import copy
import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.models import ApiSubmission, Case, CaseEvent, IdempotencyRecord
from tests.api.documents import CONSENT, CONTACT, VALID_CASE
from tests.api.fhir_bundles import BUNDLES
from tests.rules.profiles import relapsed_b_all_adult

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["", "yes", "2024-13", "1900-01-01", "3000-01-01", "b_all", "\x00", "NaN"])
)
any_json = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths(child, (*prefix, index))


@st.composite
def mutated(draw, original):
    document = copy.deepcopy(original)
    where = draw(st.sampled_from([p for p in paths(document) if p]))
    parent = document
    for part in where[:-1]:
        parent = parent[part]
    action = draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace" or isinstance(parent, list):
        parent[where[-1]] = draw(any_json)
    elif action == "delete":
        del parent[where[-1]]
    else:
        parent[draw(st.text(min_size=1, max_size=10))] = draw(any_json)
    return document


def counts():
    return (
        Case.objects.count(),
        ApiSubmission.objects.count(),
        CaseEvent.objects.count(),
        IdempotencyRecord.objects.count(),
    )


def check(response, before):
    assert response.status_code < 500, response.content
    body = json.loads(response.content)
    if response.status_code >= 400:
        assert set(body) == {"errors"} and body["errors"]
        for item in body["errors"]:
            assert set(item) == {"field", "code", "message"}
            assert isinstance(item["code"], str) and isinstance(item["message"], str)
        assert counts() == before, "a refused request stored something"
    return body


@SETTINGS
@given(document=mutated(VALID_CASE) | any_json)
def test_case_submission_never_fails_on_our_side(api, document):
    before = counts()
    # A new key each time: a repeated key with another body is (rightly) refused before the
    # content is looked at, which would hide the submission path from most examples.
    key = uuid.uuid4().hex
    response = api.post("/api/v1/cases", document, headers={"Idempotency-Key": key})
    check(response, before)


@SETTINGS
@given(
    document=mutated(
        {"bundle": BUNDLES["dlbcl_after_r_chop"], "contact": CONTACT, "consent": CONSENT}
    )
)
def test_fhir_submission_never_fails_on_our_side(api, document):
    before = counts()
    check(api.post("/api/v1/cases/fhir", document), before)


@SETTINGS
@given(profiles=st.lists(mutated(relapsed_b_all_adult()), max_size=3) | any_json)
def test_screening_never_fails_on_our_side_and_stores_nothing(api, profiles):
    before = counts()
    response = api.post("/api/v1/screen", profiles)
    body = check(response, before)
    assert counts() == before
    if response.status_code == 200:
        assert len(body) == len(profiles)


@SETTINGS
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_bytes_that_are_not_json_are_a_4xx(api, raw):
    before = counts()
    response = api.post("/api/v1/cases", raw=raw, content_type="application/json")
    check(response, before)

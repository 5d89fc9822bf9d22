"""Keys, scopes, ownership, rate limits and the error shape for requests that are refused."""

from __future__ import annotations

import pytest

from screening.core.api_keys import revoke_api_key
from screening.models import AccessRecord, Case, Organisation
from tests.api.conftest import ApiClient, error_fields, errors

pytestmark = pytest.mark.django_db


def test_a_call_without_a_key_is_refused_with_401_and_a_bearer_challenge(api):
    anonymous = ApiClient(None)
    response = anonymous.get("/api/v1/cases")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert errors(response) == [
        {
            "field": "Authorization",
            "code": "not_authenticated",
            "message": "Send an API key: 'Authorization: Bearer <key>'.",
        }
    ]


@pytest.mark.parametrize(
    "header, code",
    [
        ("Bearer nav_00000000_nosuchkey", "invalid_key"),
        ("Token abc", "invalid_header"),
        ("Bearer", "invalid_header"),
        ("Bearer not-even-ours", "invalid_key"),
    ],
)
def test_a_wrong_key_is_refused_with_its_reason(api, header, code):
    response = api.get("/api/v1/cases", headers={"Authorization": header})
    assert response.status_code == 401
    assert errors(response)[0]["code"] == code


def test_a_revoked_key_is_refused(api):
    revoke_api_key(api.key)
    response = api.get("/api/v1/cases")
    assert response.status_code == 401
    assert errors(response)[0]["code"] == "revoked_key"


def test_an_inactive_organisation_is_refused(api):
    Organisation.objects.filter(pk=api.organisation.pk).update(active=False)
    response = api.get("/api/v1/cases")
    assert response.status_code == 401
    assert errors(response)[0]["code"] == "organisation_inactive"


def test_a_key_without_cases_read_cannot_read(make_client, case_document):
    submitter = make_client("Submit Only Clinic", "cases:submit")
    reference = submitter.post("/api/v1/cases", case_document).json()["reference"]
    response = submitter.get(f"/api/v1/cases/{reference}")
    assert response.status_code == 403
    assert errors(response)[0]["code"] == "missing_scope"
    assert submitter.get("/api/v1/cases").status_code == 403
    assert AccessRecord.objects.count() == 0


def test_a_key_without_cases_submit_cannot_submit(make_client, case_document):
    reader = make_client("Read Only Clinic", "cases:read,screen")
    response = reader.post("/api/v1/cases", case_document)
    assert response.status_code == 403
    assert Case.objects.count() == 0


def test_a_scope_taken_from_the_organisation_is_taken_from_its_keys(api, case_document):
    Organisation.objects.filter(pk=api.organisation.pk).update(allowed_scopes=["screen"])
    assert api.post("/api/v1/cases", case_document).status_code == 403


def test_an_organisation_cannot_read_another_organisations_case_and_gets_404(
    make_client, case_document
):
    hospital_a = make_client("Hospital A")
    hospital_b = make_client("Hospital B")
    reference = hospital_b.post("/api/v1/cases", case_document).json()["reference"]
    theirs = hospital_a.get(f"/api/v1/cases/{reference}")
    nobody = hospital_a.get("/api/v1/cases/NAV-0000-0000")
    assert theirs.status_code == nobody.status_code == 404
    assert theirs.json()["errors"][0]["code"] == nobody.json()["errors"][0]["code"] == "not_found"
    assert hospital_a.get("/api/v1/cases", updated_since="2000-01-01T00:00Z").json()["cases"] == []
    upload = hospital_a.post_files(f"/api/v1/cases/{reference}/documents", {"category": "labs"})
    assert upload.status_code == 404
    assert AccessRecord.objects.count() == 0


def test_every_call_counts_against_its_keys_rate_limit(api, settings):
    settings.API_RATE_LIMIT = "3/m"
    codes = [api.get("/api/v1/consent").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = api.get("/api/v1/consent")
    assert errors(response)[0]["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1


def test_guessing_keys_is_rate_limited_by_address(settings, db):
    settings.API_RATE_LIMIT = "2/m"
    guesser = ApiClient("nav_00000000_guess")
    codes = [guesser.get("/api/v1/cases").status_code for _ in range(3)]
    assert codes == [401, 401, 429]


@pytest.mark.parametrize(
    "path, method",
    [("/api/v1/nothing", "get"), ("/api/v2/cases", "get"), ("/api/v1/screen", "get")],
)
def test_addresses_and_methods_nobody_serves_answer_in_the_error_shape(api, path, method):
    response = getattr(api, method)(path)
    assert response.status_code in (404, 405)
    assert response["Content-Type"].startswith("application/json")
    assert errors(response)[0]["code"] in {"not_found", "method_not_allowed"}


def test_invalid_json_a_wrong_content_type_and_a_huge_body_are_4xx(api, settings):
    bad_json = api.post("/api/v1/cases", raw="{not json", content_type="application/json")
    assert bad_json.status_code == 400 and errors(bad_json)[0]["code"] == "parse_error"
    form = api.post("/api/v1/cases", raw="a=1", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415 and error_fields(form) == {"Content-Type"}
    settings.API_MAX_BODY_BYTES = 1000
    huge = api.post("/api/v1/screen", raw="[" + "1," * 1000 + "1]")
    assert huge.status_code == 413 and errors(huge)[0]["code"] == "too_large"
    deep = api.post("/api/v1/screen", raw="[" * 200 + "]" * 200)
    assert deep.status_code in (400, 422)


def test_deeply_nested_json_is_a_parse_error_not_a_crash(api):
    response = api.post("/api/v1/screen", raw="[" * 100_000 + "]" * 100_000)
    assert response.status_code in (400, 413)


def test_a_request_over_the_site_limit_is_refused_in_json_before_it_is_read(api, settings):
    settings.MAX_REQUEST_BYTES = 10
    response = api.client.generic(
        "POST",
        "/api/v1/cases/NAV-0000-0000/documents",
        b"x" * 100,
        content_type="multipart/form-data; boundary=x",
        headers={"Authorization": f"Bearer {api.secret}"},
    )
    assert response.status_code == 413
    assert errors(response)[0]["code"] == "too_large"

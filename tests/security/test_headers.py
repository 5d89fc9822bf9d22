"""Headers on every public and admin URL: a Content-Security-Policy without inline script, and
Cache-Control: no-store wherever a person's data can be shown (which is every page we write);
frame and sniffing protection; downloads as attachments; unscanned files held back."""

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from screening.core.tokens import issue_status_token
from screening.models import Case, Note, ScanStatus
from tests.admin.conftest import screened_case
from tests.auth import staff_login
from tests.factories import DocumentFactory, LeadFactory
from tests.intake.helpers import STEPS, post_step, step_url, walk_to_review

pytestmark = pytest.mark.django_db


def assert_protected(response, url):
    # /readyz answers 503 when no worker listens (none does here); nothing else may fail.
    assert response.status_code < 500 or url == "/readyz", (url, response.status_code)
    policy = response.get("Content-Security-Policy", "")
    script_src = re.search(r"script-src ([^;]*)", policy)
    # Either our policy with its script-src, or a download's stricter "default-src 'none'".
    assert script_src or "default-src 'none'" in policy, (url, policy)
    assert "'unsafe-inline'" not in (script_src.group(1) if script_src else ""), url
    assert "frame-ancestors 'none'" in policy, url
    assert "no-store" in response.get("Cache-Control", ""), (url, response.get("Cache-Control"))
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["X-Frame-Options"] == "DENY", url


@pytest.fixture
def world(db):
    from screening.core.roles import sync_roles

    sync_roles()
    lead = LeadFactory()
    case = screened_case(assigned_to=lead)
    DocumentFactory(case=case, scan_status=ScanStatus.CLEAN)
    Note.objects.create(case=case, author=lead, text="Called the referring hospital.")
    Case.objects.filter(pk=case.pk).update(first_name="Odile")  # a history row to page through
    return {"lead": lead, "case": case, "token": issue_status_token(case)}


def public_urls(token: str, reference: str) -> list[str]:
    return [
        "/",
        "/healthz",
        "/readyz",
        "/intake/",
        *[step_url(step) for step in STEPS],
        "/intake/save/",
        "/intake/save/sent/",
        "/intake/submitted/",
        "/intake/resume/not-a-real-token/",
        f"/status/{token}/",
        "/status/not-a-real-token/",
        "/no-such-page/",
        "/admin/login/",
        # The referring organisations' API: refused without a key, its schema and docs open.
        "/api/v1/schema/",
        "/api/v1/docs/",
        "/api/v1/cases",
        f"/api/v1/cases/{reference}",
        "/api/v1/webhook",
        "/api/v2/nothing",
    ]


def admin_urls() -> list[str]:
    """Every admin URL: the site's own and each registered model's, filled in with a real
    object of that model where one exists."""
    urls = [
        reverse("admin:index"),
        reverse("admin:password_change"),
        reverse("admin:password_change_done"),
        reverse("admin:jsi18n"),
        reverse("admin:autocomplete"),
        reverse("admin:second_factor"),
        reverse("admin:second_factor_enrol"),
        reverse("admin:second_factor_recovery_codes"),
    ]
    labels = {model._meta.app_label for model in admin.site._registry}
    urls += [reverse("admin:app_list", args=[label]) for label in sorted(labels)]
    for model, model_admin in admin.site._registry.items():
        instance = model._default_manager.order_by("pk").first()
        history = getattr(model, "history", None)
        version = history.order_by("pk").first() if history is not None else None
        candidates = [[]]
        if instance is not None:
            candidates += [[instance.pk]]
            if version is not None:
                candidates += [[instance.pk, version.pk]]
        for pattern in model_admin.get_urls():
            if not pattern.name:
                continue
            for args in candidates:
                try:
                    urls.append(reverse(f"admin:{pattern.name}", args=args))
                    break
                except NoReverseMatch:
                    continue
    return sorted(set(urls))


def test_every_public_url_carries_the_policy_and_no_store(world):
    client = Client()
    walk_to_review(client)  # a draft, so every step and the review page render with answers
    for url in public_urls(world["token"], world["case"].reference):
        assert_protected(client.get(url), url)
    # Answers sent: the step that comes back (with errors) too.
    assert_protected(post_step(client, "about", {}), "POST about")


def test_every_admin_url_carries_the_policy_and_no_store(world):
    client = staff_login(Client(), world["lead"])
    urls = admin_urls()
    assert len(urls) > 40  # every model's pages, not a handful
    for url in urls:
        assert_protected(client.get(url), url)


def test_the_admin_refuses_and_still_protects_when_signed_out(world):
    client = Client()
    for url in admin_urls():
        response = client.get(url)
        assert_protected(response, url)
        if "second-factor" not in url and "logout" not in url:
            assert response.status_code in (302, 404), url


def test_a_download_is_an_attachment_with_its_own_sandboxing_policy(world):
    client = staff_login(Client(), world["lead"])
    document = world["case"].documents.get()
    response = client.get(reverse("admin:screening_document_download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; sandbox; frame-ancestors 'none'"
    )
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))


def test_unscanned_files_are_held_back_unless_allowed(world, settings):
    settings.ALLOW_UNSCANNED_DOWNLOADS = False
    client = staff_login(Client(), world["lead"])
    document = DocumentFactory(case=world["case"], scan_status=ScanStatus.NOT_SCANNED)
    url = reverse("admin:screening_document_download", args=[document.pk])

    refused = client.get(url)
    assert refused.status_code == 403
    assert "not virus-scanned" in refused.content.decode()
    case_page = client.get(reverse("admin:screening_case_change", args=[world["case"].pk]))
    assert url not in case_page.content.decode()

    settings.ALLOW_UNSCANNED_DOWNLOADS = True
    assert client.get(url).status_code == 200


def test_the_status_page_and_review_keep_their_stricter_headers(world):
    client = Client()
    status = client.get(f"/status/{world['token']}/")
    assert status["Referrer-Policy"] == "same-origin"
    assert "noindex" in status["X-Robots-Tag"]
    review = walk_to_review(client)
    assert "no-store" in review["Cache-Control"]

"""`manage.py check_labels` against a local DailyMed (a real socket) serving saved answers, and
against saved answers read from files: a changed label becomes one item for the leads (the
dashboard and one email), however often the watch runs; bad answers change nothing."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from screening.models import LabelChange, LabelCheck, Notification
from tests.auth import staff_login
from tests.factories import CoordinatorFactory, LeadFactory
from tests.labels.conftest import DATA, saved

pytestmark = pytest.mark.django_db

KYMRIAH = "aad3ba54-dfd3-4cb3-9e2b-c5ef89559189"
YESCARTA = "9b70606e-b99c-4272-a0f1-b5523cce0c59"
DASHBOARD = reverse("admin:screening_case_dashboard")


def check_labels(*args) -> str:
    out = StringIO()
    call_command("check_labels", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def leads():
    return [
        LeadFactory(email="lead.one@example.org"),
        LeadFactory(email="lead.two@example.org"),
        LeadFactory(email="gone@example.org", is_active=False),
    ]


@pytest.fixture
def kymriah_changed(serving_every_label):
    """Kymriah's label is at version 4 (the rules read version 3); Yescarta's still at 3."""
    serving_every_label.histories[KYMRIAH] = saved("kymriah-history.json")
    serving_every_label.histories[YESCARTA] = saved("yescarta-history.json")
    return serving_every_label


def test_a_changed_label_becomes_one_item_for_the_leads_and_an_unchanged_one_none(
    kymriah_changed, leads
):
    out = check_labels()

    change = LabelChange.objects.get()
    assert (change.product, change.set_id) == ("kymriah", KYMRIAH)
    assert (change.recorded_version, change.current_version) == (3, 4)
    assert change.recorded_revised == "2025-12"
    assert change.current_published == dt.date(2026, 11, 20)
    assert change.url == f"https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid={KYMRIAH}"
    assert (
        change.summary == "version 4 (published 2026-11-20) instead of version 3 (revised 2025-12)"
    )
    assert change.title.startswith("KYMRIAH (TISAGENLECLEUCEL)")
    assert "19 label(s) checked" in out and "18 unchanged, 1 changed" in out
    assert "1 new change(s) for the leads" in out
    check = LabelCheck.objects.get()
    assert check.outcomes["yescarta"]["state"] == "unchanged"
    assert check.outcomes["kymriah"]["versions"] == [[KYMRIAH, 4, "2026-11-20"]]
    # The live API was asked once per label, for its history.
    assert len(kymriah_changed.requests) == 19
    assert any(f"/spls/{KYMRIAH}/history.json" in path for path in kymriah_changed.requests)

    email = Notification.objects.get(template="label_changed")
    assert email.to == ["lead.one@example.org", "lead.two@example.org"]
    assert email.subject == "Navigator label watch: 1 product label changed"
    assert "Kymriah: version 4 (published 2026-11-20) instead of version 3" in email.body_text
    assert change.url in email.body_text
    assert "/admin/dashboard/" in email.body_text or DASHBOARD in email.body_text


def test_the_item_and_the_email_appear_once_however_often_the_watch_runs(kymriah_changed, leads):
    check_labels()
    out = check_labels()
    check_labels()

    assert LabelChange.objects.count() == 1
    assert Notification.objects.filter(template="label_changed").count() == 1
    assert "0 new change(s)" in out
    assert LabelCheck.objects.count() == 3  # each run is on record


def test_a_further_version_is_a_new_item(kymriah_changed, leads):
    check_labels()
    newer = saved("kymriah-history.json")
    newer["data"]["history"].insert(0, {"spl_version": 5, "published_date": "Dec 01, 2026"})
    kymriah_changed.histories[KYMRIAH] = newer

    check_labels()

    assert list(
        LabelChange.objects.order_by("current_version").values_list("current_version", flat=True)
    ) == [4, 5]
    assert Notification.objects.filter(template="label_changed").count() == 2


def test_a_timeout_is_reported_for_that_product_and_changes_nothing(
    kymriah_changed, leads, settings
):
    settings.DAILYMED_TIMEOUT = 0.3
    kymriah_changed.slow[KYMRIAH] = 1.0

    with pytest.raises(CommandError) as refused:
        check_labels()

    assert refused.value.returncode == 2
    assert not LabelChange.objects.exists()
    assert not Notification.objects.filter(template="label_changed").exists()
    outcome = LabelCheck.objects.get().outcomes["kymriah"]
    assert outcome == {
        "state": "failed",
        "detail": "DailyMed did not answer within 0.3 s",
        "versions": [],
    }
    assert LabelCheck.objects.get().outcomes["yescarta"]["state"] == "unchanged"


def test_an_error_status_or_a_malformed_answer_is_reported_per_product(
    kymriah_changed, recorded_labels
):
    del kymriah_changed.histories[KYMRIAH]  # 404
    kymriah_changed.histories[YESCARTA] = (DATA / "truncated.json").read_bytes()

    with pytest.raises(CommandError):
        check_labels()

    outcomes = LabelCheck.objects.get().outcomes
    assert outcomes["kymriah"]["detail"] == "DailyMed answered HTTP 404"
    assert outcomes["yescarta"]["detail"].startswith("DailyMed's answer is not JSON (line 5")
    assert sum(o["state"] == "unchanged" for o in outcomes.values()) == 17
    assert not LabelChange.objects.exists()


def test_saved_answers_are_read_from_files(leads):
    out = check_labels(
        "--file", str(DATA / "kymriah-history.json"), "--file", str(DATA / "yescarta-history.json")
    )

    # The rule data records no SPL version yet: the first answer is a change to review.
    changes = {change.product: change for change in LabelChange.objects.all()}
    assert set(changes) == {"kymriah", "yescarta"}
    assert changes["kymriah"].summary == (
        "version 4 (published 2026-11-20) instead of no version recorded (revised 2025-12)"
    )
    assert changes["kymriah"].recorded_version is None
    assert "17 not checked" in out
    assert "saved answers: " in LabelCheck.objects.get().source
    assert Notification.objects.filter(template="label_changed").count() == 1


def test_a_label_without_a_set_id_lists_every_label_of_its_brand_for_review(dailymed, leads):
    dailymed.listings["LUNSUMIO"] = saved("lunsumio-listing.json")

    with pytest.raises(CommandError):  # the other labels are not served: 404s
        check_labels()

    changes = LabelChange.objects.filter(product="lunsumio").order_by("title")
    assert [change.title.split(" (")[0] for change in changes] == ["LUNSUMIO", "LUNSUMIO VELO"]
    assert all(change.summary.startswith("set id not recorded") for change in changes)
    assert any("drug_name=LUNSUMIO" in path for path in dailymed.requests)


def test_a_malformed_saved_file_is_refused_and_nothing_changes(leads):
    with pytest.raises(CommandError) as refused:
        check_labels("--file", str(DATA / "truncated.json"))

    assert refused.value.returncode == 2
    assert not LabelChange.objects.exists()
    check = LabelCheck.objects.get()
    assert check.failed == 1
    assert not Notification.objects.exists()


def test_a_saved_answer_with_a_bad_version_fails_its_product_only(leads):
    with pytest.raises(CommandError):
        check_labels(
            "--file", str(DATA / "bad-version.json"), "--file", str(DATA / "kymriah-history.json")
        )

    outcomes = LabelCheck.objects.get().outcomes
    assert outcomes["yescarta"]["state"] == "failed"
    assert "spl_version 'seven' is not a version number" in outcomes["yescarta"]["detail"]
    assert list(LabelChange.objects.values_list("product", flat=True)) == ["kymriah"]


def test_a_missing_file_is_a_plain_error(db):
    with pytest.raises(CommandError, match="cannot read .*nowhere.json"):
        check_labels("--file", "/nowhere.json")


def test_the_dashboard_lists_the_change_until_a_lead_marks_it_reviewed(
    kymriah_changed, leads, client
):
    check_labels()
    change = LabelChange.objects.get()
    lead = leads[0]
    staff_login(client, lead)

    page = client.get(DASHBOARD).text
    panel = page[page.index('id="label-watch"') :]
    assert "Kymriah" in panel and change.summary in panel and change.url in panel

    response = client.post(
        reverse("admin:screening_labelchange_change", args=[change.pk]),
        {
            "review_note": "Read it: safety wording only; rule data updated to version 4.",
            "reviewed": "on",
        },
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.reviewed_by == lead and change.reviewed_at is not None
    assert change.review_note.startswith("Read it")
    page = client.get(DASHBOARD).text
    assert "No label change waiting for review." in page


def test_coordinators_do_not_see_the_label_changes(kymriah_changed, client):
    check_labels()
    staff_login(client, CoordinatorFactory())
    response = client.get(reverse("admin:screening_labelchange_changelist"))
    assert response.status_code == 403


def test_the_weekly_task_runs_the_live_check(kymriah_changed, leads):
    from screening.tasks import check_labels_task

    assert check_labels_task() == 1
    assert json.loads(json.dumps(LabelCheck.objects.get().outcomes))["kymriah"]["state"] == (
        "changed"
    )

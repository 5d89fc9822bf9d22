"""Who gets what, for every admin page and the download view, per persona.

Anonymous people, patients holding their status token, inactive accounts and non-staff users
are sent to the sign-in page by everything; coordinators read every open case and change only
their own; leads do everything, including the history, the access log and the dashboard.
"""

import pytest
from django.urls import reverse

from screening.models import CaseStatus, Note
from tests.admin.conftest import screened_case
from tests.auth import staff_login
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db

LOGIN = "login"
PERSONAS = ("anonymous", "patient", "coordinator", "lead", "inactive", "not_staff")


@pytest.fixture
def world(personas, own_case, others_case, patient_token):
    closed_other = screened_case(assigned_to=personas.other_coordinator, status=CaseStatus.CLOSED)
    return {
        "personas": personas,
        "own": own_case,
        "other": others_case,
        "closed_other": closed_other,
        "own_doc": DocumentFactory(case=own_case),
        "other_doc": DocumentFactory(case=others_case),
        "closed_doc": DocumentFactory(case=closed_other),
        "token": patient_token,
    }


def client_for(client, persona, world):
    people = world["personas"]
    if persona == "patient":
        # A patient's only key is the token: their status page opens, and nothing else.
        assert client.get(f"/status/{world['token']}/").status_code == 200
    elif persona != "anonymous":
        staff_login(client, getattr(people, persona))
    return client


PAGES = {
    "index": lambda w: reverse("admin:index"),
    "queue": lambda w: reverse("admin:screening_case_changelist"),
    "own case": lambda w: reverse("admin:screening_case_change", args=[w["own"].pk]),
    "other's case": lambda w: reverse("admin:screening_case_change", args=[w["other"].pk]),
    "other's closed case": lambda w: reverse(
        "admin:screening_case_change", args=[w["closed_other"].pk]
    ),
    "history": lambda w: reverse("admin:screening_case_history", args=[w["own"].pk]),
    "dashboard": lambda w: reverse("admin:screening_case_dashboard"),
    "documents": lambda w: reverse("admin:screening_document_changelist"),
    "download own": lambda w: reverse("admin:screening_document_download", args=[w["own_doc"].pk]),
    "download other's": lambda w: reverse(
        "admin:screening_document_download", args=[w["other_doc"].pk]
    ),
    "download closed other's": lambda w: reverse(
        "admin:screening_document_download", args=[w["closed_doc"].pk]
    ),
    "download with the patient's token": lambda w: (
        reverse("admin:screening_document_download", args=[w["own_doc"].pk])
        + f"?token={w['token']}"
    ),
    "access log": lambda w: reverse("admin:screening_accessrecord_changelist"),
    "coordinator profiles": lambda w: reverse("admin:screening_coordinatorprofile_changelist"),
}

# page -> (coordinator, lead); everyone else is sent to sign in.
# "gone" = the case is not in the coordinator's queue: the admin says so and goes home.
EXPECTED = {
    "index": (200, 200),
    "queue": (200, 200),
    "own case": (200, 200),
    "other's case": (200, 200),
    "other's closed case": ("gone", 200),
    "history": (403, 200),
    "dashboard": (403, 200),
    "documents": (200, 200),
    "download own": (200, 200),
    "download other's": (200, 200),
    "download closed other's": (403, 200),
    "download with the patient's token": (200, 200),
    "access log": (403, 200),
    "coordinator profiles": (200, 200),
}


def expected_for(page, persona):
    if persona in ("coordinator", "lead"):
        return EXPECTED[page][0 if persona == "coordinator" else 1]
    return LOGIN


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", list(PAGES))
def test_each_persona_gets_exactly_its_share_of_each_page(client, world, page, persona):
    client = client_for(client, persona, world)
    response = client.get(PAGES[page](world))
    expected = expected_for(page, persona)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    elif expected == "gone":
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
    else:
        assert response.status_code == expected


def test_a_coordinator_reads_another_coordinators_case_without_any_way_to_change_it(client, world):
    staff_login(client, world["personas"].coordinator)
    page = client.get(reverse("admin:screening_case_change", args=[world["other"].pk])).text

    assert "only its coordinator (or a lead) can change it" in page
    assert 'id="move-form"' not in page
    assert 'id="records-form"' not in page
    assert 'name="_save"' not in page


def test_the_queue_shows_a_coordinator_open_cases_and_their_own_but_not_others_closed_ones(
    client, world
):
    staff_login(client, world["personas"].coordinator)
    page = client.get(reverse("admin:screening_case_changelist") + "?status=all").text
    assert world["own"].reference in page
    assert world["other"].reference in page
    assert world["closed_other"].reference not in page


def action_posts(world, case):
    """(name, url, data) for every case action, aimed at `case`."""
    duplicate_target = world["other"] if case == world["own"] else world["own"]
    url = lambda name: reverse(f"admin:screening_case_{name}", args=[case.pk])  # noqa: E731
    return [
        ("move", url("move"), {"target": "referred", "reason": "referral agreed"}),
        ("records", url("records"), {"categories": ["pathology"], "message": ""}),
        ("rescreen", url("rescreen"), {}),
        ("note", url("note"), {"text": "Called the family."}),
        ("duplicate", url("duplicate"), {"original": duplicate_target.reference}),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("target", ["own", "other"])
def test_case_actions_are_refused_unless_the_case_is_yours_or_you_lead(
    client, world, persona, target
):
    client = client_for(client, persona, world)
    case = world[target]
    may_change = persona == "lead" or (persona == "coordinator" and target == "own")
    for name, url, data in action_posts(world, case):
        before = (case.status, Note.objects.filter(case=case).count())
        response = client.post(url, data)
        case.refresh_from_db()
        if persona not in ("coordinator", "lead"):
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("admin:login")), name
            assert (case.status, Note.objects.filter(case=case).count()) == before, name
        elif may_change:
            assert response.status_code == 302, name
            assert response["Location"] == reverse("admin:screening_case_change", args=[case.pk])
        else:
            assert response.status_code == 403, name
            assert (case.status, Note.objects.filter(case=case).count()) == before, name
    if may_change:
        # The moves ran in order: referred, then closed as a duplicate (records and notes
        # in between were refused or applied as the workflow allows).
        assert case.status == CaseStatus.CLOSED
        assert Note.objects.filter(case=case).count() == 1


def test_case_actions_answer_only_to_post(client, world):
    staff_login(client, world["personas"].lead)
    for _name, url, _data in action_posts(world, world["own"]):
        assert client.get(url).status_code == 405


def test_a_patients_token_opens_nothing_in_the_admin(client, world):
    client = client_for(client, "patient", world)
    for page in PAGES.values():
        response = client.get(page(world))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))

"""The amendment pages: who may use them, what a refusal looks like, and two coordinators at
once. Through the admin with a verified staff session, as a coordinator clicks them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from screening.models import Amendment, Case

pytestmark = pytest.mark.django_db

CD22 = "biomarkers.cd22_positive"


def amend_url(case, path=CD22):
    return reverse("admin:screening_case_amend", args=[case.pk, path])


def withdraw_url(case, amendment):
    return reverse("admin:screening_case_withdraw_amendment", args=[case.pk, amendment.pk])


def from_report(document, value="true", revision=0, **extra):
    return {
        "value": value,
        "source": "document",
        "document": document.pk,
        "page": "1",
        "revision": str(revision),
        **extra,
    }


def test_the_page_shows_the_value_now_where_it_came_from_and_the_form(
    login, coordinator, cd22_case, flow_report
):
    response = login(coordinator).get(amend_url(cd22_case))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Amend CD22 expression" in text
    assert "the intake answers" in text
    assert "flow-cytometry.pdf (Flow cytometry report" in text
    assert 'name="revision" value="0"' in text
    assert "Not medical advice" in text


def test_saving_amends_rescreens_and_goes_back_to_the_facts(
    login, coordinator, cd22_case, flow_report
):
    client = login(coordinator)
    response = client.post(amend_url(cd22_case), from_report(flow_report))

    assert response.status_code == 302
    assert response["Location"].endswith(f"/admin/screening/case/{cd22_case.pk}/change/#facts")
    amendment = Amendment.objects.get()
    assert (amendment.new_value, amendment.document, amendment.created_by) == (
        True,
        flow_report,
        coordinator,
    )
    assert Case.objects.get(pk=cd22_case.pk).latest_run.verdicts["besponsa"] == "eligible"
    message = [str(m) for m in response.wsgi_request._messages][0]
    assert "Besponsa: needs review → likely eligible" in message


def test_a_value_outside_the_vocabulary_comes_back_with_the_fields_message(
    login, coordinator, cd22_case, flow_report
):
    response = login(coordinator).post(amend_url(cd22_case), from_report(flow_report, "maybe"))
    assert response.status_code == 200
    assert (
        "biomarkers.cd22_positive: &#x27;maybe&#x27; is not allowed; expected true, false, or "
        "null if unknown." in response.content.decode()
    )
    assert not Amendment.objects.exists()


def test_a_number_out_of_range_is_refused_with_the_rules_message(login, coordinator, cd22_case):
    body = {
        "value": "250",
        "source": "patient",
        "contact_date": "2026-11-01",
        "revision": "0",
    }
    response = login(coordinator).post(amend_url(cd22_case, "age_years"), body)
    assert response.status_code == 200
    assert "age_years: 250 is not allowed; expected an age in years" in response.content.decode()


def test_an_amendment_without_a_source_is_refused_and_the_value_kept(login, coordinator, cd22_case):
    response = login(coordinator).post(amend_url(cd22_case), {"value": "true", "revision": "0"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Say where the value comes from." in text
    assert 'value="true" required id="id_value_0" checked' in text or "checked" in text
    assert not Amendment.objects.exists()


def test_the_second_of_two_coordinators_is_shown_the_first_change_and_confirms(
    login, client, coordinator, lead, cd22_case, flow_report
):
    from django.test import Client

    from tests.auth import staff_login

    lead_client = staff_login(Client(), lead)
    mine = login(coordinator)
    # Both pages were opened at revision 0; the lead saves first.
    assert lead_client.post(amend_url(cd22_case), from_report(flow_report)).status_code == 302

    answer = from_report(flow_report, "false", note="The letter says negative")
    response = mine.post(amend_url(cd22_case), answer)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Leda Marchetti changed CD22 expression" in text
    assert "it is now “present”" in text
    assert 'name="revision" value="1"' in text
    assert "The letter says negative" in text  # the coordinator's input is kept
    assert Amendment.objects.count() == 1

    confirm = {**answer, "revision": "1"}
    assert mine.post(amend_url(cd22_case), confirm).status_code == 302
    assert list(Amendment.objects.values_list("new_value", flat=True)) == [True, False]


def test_a_coordinator_cannot_amend_a_case_they_may_not_change(
    login, other_coordinator, cd22_case, flow_report
):
    client = login(other_coordinator)
    assert client.get(amend_url(cd22_case)).status_code == 403
    assert client.post(amend_url(cd22_case), from_report(flow_report)).status_code == 403
    assert not Amendment.objects.exists()


def test_a_lead_may_amend_any_case(login, lead, cd22_case, flow_report):
    assert login(lead).post(amend_url(cd22_case), from_report(flow_report)).status_code == 302
    assert Amendment.objects.get().created_by == lead


def test_an_unknown_field_is_not_found(login, coordinator, cd22_case):
    assert login(coordinator).get(amend_url(cd22_case, "biomarkers.cd33")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, cd22_case):
    response = client.get(amend_url(cd22_case))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_withdrawing_needs_a_reason_and_is_refused_to_others(
    login, coordinator, other_coordinator, cd22_case, flow_report
):
    client = login(coordinator)
    client.post(amend_url(cd22_case), from_report(flow_report))
    amendment = Amendment.objects.get()

    client.post(withdraw_url(cd22_case, amendment), {"reason": ""})
    assert Amendment.objects.get().is_active

    from django.test import Client

    from tests.auth import staff_login

    other = staff_login(Client(), other_coordinator)
    assert other.post(withdraw_url(cd22_case, amendment), {"reason": "x"}).status_code == 403

    response = client.post(withdraw_url(cd22_case, amendment), {"reason": "Another patient's"})
    assert response.status_code == 302
    withdrawn = Amendment.objects.get()
    assert (withdrawn.withdrawn_by, withdrawn.withdrawal_reason) == (
        coordinator,
        "Another patient's",
    )
    assert Case.objects.get(pk=cd22_case.pk).profile["biomarkers"]["cd22_positive"] is None


def test_withdrawing_is_post_only(login, coordinator, cd22_case, flow_report):
    client = login(coordinator)
    client.post(amend_url(cd22_case), from_report(flow_report))
    amendment = Amendment.objects.get()
    assert client.get(withdraw_url(cd22_case, amendment)).status_code == 405


def test_the_history_lists_every_amendment_and_withdrawal_with_who_and_why(
    login, lead, coordinator, cd22_case, flow_report
):
    client = login(coordinator)
    client.post(amend_url(cd22_case), from_report(flow_report, note="Report of 30 Nov"))
    amendment = Amendment.objects.get()
    client.post(withdraw_url(cd22_case, amendment), {"reason": "Report is for another patient"})

    from django.test import Client

    from tests.auth import staff_login

    history = staff_login(Client(), lead).get(
        reverse("admin:screening_case_history", args=[cd22_case.pk])
    )
    assert history.status_code == 200
    text = " ".join(re.sub(r"<[^>]+>", " ", history.content.decode()).split())
    assert "CD22 expression: unknown → present" in text
    assert "Ines Holloway" in text and "Report of 30 Nov" in text
    assert "Report is for another patient" in text
    assert "Amended CD22 expression: unknown → present" in text  # the case's own history row
    assert "Amendment of CD22 expression withdrawn" in text


def test_a_coordinator_cannot_read_the_history(login, coordinator, cd22_case):
    response = login(coordinator).get(reverse("admin:screening_case_history", args=[cd22_case.pk]))
    assert response.status_code == 403

"""No email carries a medical detail (README "Data minimisation"): every template under
templates/emails/, in every language we offer, rendered for a case whose diagnosis, biomarkers,
treatments and screening results are all known, names none of them in its subject or bodies.

The templates are found by walking the directory, so a new one is covered the day it is added:
a template missing from KNOWN below fails the test until someone says how it is built.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation

from screening.models import Case, LabelChange, RecordsRequest
from screening.notify.emails import NOTICE, case_admin_url, render_email
from screening.patient.fact_words import FACTS
from screening.patient.records import EMAIL_DOCUMENT_TYPES, requested_document_types
from screening.rules.data.products import PRODUCTS
from screening.rules.facts import DOCUMENTS
from screening.rules.vocabulary import BIOMARKERS, DIAGNOSES, PRIOR_THERAPIES
from screening.summaries.content import summary_context
from screening.triage.actions import request_records
from screening.triage.digest import build_digests, digest_context
from tests.admin.conftest import screened_case
from tests.factories import CoordinatorFactory, LeadFactory
from tests.outbox import deliver_outbox
from tests.rules.profiles import relapsed_b_all_adult

pytestmark = pytest.mark.django_db

EMAILS = Path(settings.BASE_DIR) / "templates" / "emails"
LANGUAGES = [code for code, _name in settings.LANGUAGES]

# A case that has everything an email could leak: a diagnosis, every biomarker, an MRD level,
# treatments by drug name, and products it is likely eligible for.
MEDICAL_PROFILE = relapsed_b_all_adult(
    prior_therapies=["chemotherapy", "anthracycline", "blinatumomab", "inotuzumab", "tki"],
    mrd_percent=0.4,
    biomarkers={
        "cd19_positive": True,
        "cd22_positive": True,
        "bcma_positive": False,
        "kmt2a_rearranged": True,
        "npm1_mutated": False,
        "philadelphia_positive": True,
    },
)
COORDINATOR_NOTE = (
    "Your CD22 result and the KMT2A translocation decide Besponsa; lenalidomide is not relevant."
)

# Marker and drug names as written in every language (the catalogues keep them).
MARKERS = ["CD19", "CD20", "CD22", "CD38", "BCMA", "GPRC5D", "KMT2A", "NPM1", "BCR::ABL1", "MRD"]
MARKERS += ["ECOG", "Philadelphia", "Filadelfia", "费城"]
DRUGS = sorted(
    {
        word
        for label in PRIOR_THERAPIES.values()
        for word in re.findall(r"[a-z]+(?:mab|mide|clax|nib|cin|ozogamicin)\b", label)
    }
)
DISEASE_WORDS = ["leukemia", "lymphoma", "myeloma", "leucemia", "linfoma", "mieloma"]
DISEASE_WORDS += ["白血病", "淋巴瘤", "骨髓瘤"]


def medical_terms(language: str) -> set[str]:
    """Everything that would be a medical detail in an email, in `language`."""
    with translation.override(language):
        facts = {str(words) for field, words in FACTS.items() if field != "age_years"}
    terms = facts | set(MARKERS) | set(DRUGS) | set(DISEASE_WORDS)
    terms |= set(DIAGNOSES.values()) | set(BIOMARKERS.values())
    terms |= {product.brand for product in PRODUCTS.values()}
    return terms


def brand_names() -> set[str]:
    return {product.brand for product in PRODUCTS.values()}


def found(terms: set[str], text: str) -> list[str]:
    hits = []
    for term in terms:
        if term.isascii():
            if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, re.IGNORECASE):
                hits.append(term)
        elif term in text:
            hits.append(term)
    return sorted(hits)


# --- How each template is built (the context its caller gives it) ----------------------------


def _patient_link(case):
    return {"first_name": case.first_name, "status_url": "https://nav.example.org/status/t0k3n/"}


def _records_request(case):
    request = RecordsRequest.objects.create(
        case=case,
        facts=list(BIOMARKERS) + ["diagnosis", "mrd_percent", "lenalidomide_refractory"],
        categories=["flow_cytometry", "treatment_summary"],
        message=COORDINATOR_NOTE,
    )
    return {**_patient_link(case), "items": requested_document_types(request), "has_message": 1}


def _label_changes(case):
    brands = ["Besponsa", "Blincyto", "Kymriah"]
    return {
        "changes": [
            LabelChange(
                product=key,
                label_name=f"{PRODUCTS[key].brand} prescribing information",
                set_id="00000000-0000-0000-0000-000000000000",
                current_version=13,
                url="https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid=0",
                summary="version 13 (published 2026-11-20) instead of 12",
                title=f"{PRODUCTS[key].brand} prescribing information",
            )
            for key in PRODUCTS
            if PRODUCTS[key].brand in brands
        ],
        "dashboard_url": "https://nav.example.org/admin/screening/case/dashboard/",
    }


def _daily_digest(case):
    """The assignee's digest with the case overdue, and a lead's team view, as the digest
    builds them (screening/triage/digest.py)."""
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(hours=2))
    lead = LeadFactory()
    [digest] = [d for d in build_digests() if d.user.pk == lead.pk]
    [own] = [d for d in build_digests() if d.user.pk == case.assigned_to_id]
    digest.sections[:3] = own.sections[:3]
    assert [s.total for s in digest.sections] == [1, 0, 0, 1]  # the case, twice
    return digest_context(digest)


def _summary(delivery):
    """A case summary as screening/summaries/render.py builds its email (clinical wording)."""

    def context(case):
        return {
            **summary_context(case, "physician"),
            "recipient_name": "Dr Aurelia Voss",
            "cover_note": "As agreed on the phone.",
            "sender_name": "Ines Holloway",
            "download_url": "https://nav.example.org/summary/t0k3n/",
            "link_days": 7,
        }

    return context


KNOWN = {
    # Patient-facing: a link to the status page, never what is on it.
    "intake_confirmation": lambda case: {
        **_patient_link(case),
        "reference": case.reference,
        "document_count": 3,
    },
    "case_updated": lambda case: {**_patient_link(case), "reason": "amended"},
    "records_request": _records_request,
    "message_waiting": _patient_link,
    "resume_link": lambda case: {
        "resume_url": "https://nav.example.org/intake/resume/t0k3n/",
        "expires_at": timezone.now(),
    },
    # Staff-facing: a reference and a sign-in link.
    "coordinator_assigned": lambda case: {
        "recipient": case.assigned_to,
        "case_url": case_admin_url(case),
    },
    "records_received": lambda case: {
        "recipient": case.assigned_to,
        "case_url": case_admin_url(case),
        "count": 2,
    },
    # Each morning to each coordinator and lead: references, first names and links.
    "daily_digest": _daily_digest,
    "message_received": lambda case: {
        "recipient": case.assigned_to,
        "case_url": case_admin_url(case) + "#messages",
        "with_document": True,
    },
    # To the leads about product labels, not about a person: brand names are its subject.
    "label_changed": _label_changes,
    # A case summary to a physician, a center or another address: only the download link.
    "case_summary_link": _summary("link"),
    # The case summary itself, which staff send on purpose (to the patient's own address, or
    # with SUMMARY_LINK_FOR_OTHERS off): it is the medical detail, and says it is not advice.
    "case_summary": _summary("attached"),
}
ALLOWED = {"label_changed": brand_names()}
MEDICAL_ON_PURPOSE = {"case_summary"}


def email_templates() -> list[str]:
    return sorted(path.name for path in EMAILS.iterdir() if path.is_dir())


def test_every_email_template_is_known_to_this_test():
    unlisted = set(email_templates()) - set(KNOWN)
    assert not unlisted, (
        f"New email template(s) {sorted(unlisted)}: add them to KNOWN in {__file__} with the "
        "context their caller gives them, so they are checked for medical details."
    )
    assert set(KNOWN) <= set(email_templates()), "KNOWN lists a template that is gone"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", email_templates())
def test_no_email_names_a_diagnosis_biomarker_drug_or_fact(template, language):
    case = screened_case(profile=MEDICAL_PROFILE, assigned_to=CoordinatorFactory())
    assert case.screening_summary  # screened: it has results that name products
    context = {"case": case, **KNOWN[template](case)}
    with translation.override(language):
        subject, text, html = render_email(template, context)
    terms = medical_terms(language) | medical_terms("en")
    terms -= ALLOWED.get(template, set())
    if template in MEDICAL_ON_PURPOSE:
        # The opposite holds: the body names the products, the subject nothing, both parts
        # carry the notice that this is not medical advice.
        assert found(terms, subject) == [], f"{template} ({language}) subject"
        for content in (text, html):
            assert "Kymriah" in content and str(NOTICE) in html.replace("&#x27;", "'")
        return
    for part, content in (("subject", subject), ("text", text), ("html", html)):
        assert found(terms, content) == [], f"{template} ({language}) {part}"


def test_the_checker_finds_what_it_looks_for():
    terms = medical_terms("es")
    assert found(terms, "expresión de CD22; Besponsa; inotuzumab ozogamicin") == sorted(
        {"CD22", "Besponsa", "inotuzumab", "ozogamicin", "expresión de CD22"} & terms
    )
    assert found(medical_terms("zh-hans"), "急性髓系白血病") == ["白血病"]
    assert found(terms, "a flow cytometry report; a treatment summary") == []


def test_every_fact_a_coordinator_can_ask_for_has_a_document_type_for_the_email():
    assert set(EMAIL_DOCUMENT_TYPES) == set(DOCUMENTS)


def test_the_records_request_email_names_document_types_and_keeps_the_message_on_the_status_page(
    client,
):
    coordinator = CoordinatorFactory()
    LeadFactory()
    profile = relapsed_b_all_adult(
        biomarkers={**MEDICAL_PROFILE["biomarkers"], "cd22_positive": None}
    )
    case = screened_case(profile=profile, assigned_to=coordinator, status="in_review")
    mail.outbox.clear()
    facts = ["cd22_positive", "kmt2a_rearranged", "philadelphia_positive", "prior_therapies"]

    request_records(case, facts, ["labs"], COORDINATOR_NOTE, by=coordinator)
    deliver_outbox()

    [email] = [m for m in mail.outbox if case.email in m.to]
    items = re.findall(r"^- (.+)$", email.body, re.MULTILINE)
    assert items == [
        "Flow cytometry report",
        "Cytogenetics or molecular report",
        "Treatment summary",
        "Lab results",
    ]
    assert "left you a message" in email.body
    for content in (email.subject, email.body, email.alternatives[0][0]):
        assert found(medical_terms("en"), content) == []
        assert "lenalidomide is not relevant" not in content
    # The message and what each record would show are on the status page, behind the token.
    link = re.search(r"http://\S+(/status/[\w-]+/)", email.body).group(1)
    page = client.get(link).text
    assert "lenalidomide is not relevant" in page
    assert "CD22 expression" in page

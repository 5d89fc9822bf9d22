"""Demo data for local runs: a coordinator and a lead login, and about thirty synthetic cases
that went through the real services (screened by the pipeline, moved through the workflow,
records requested, notes, documents), so `make run` opens on a useful queue.

Everything is synthetic: invented names, example.org addresses, profiles built from the
case-schema vocabulary. Seeding sends no email (the timeline still shows what would have
been sent) and is idempotent: demo cases are keyed by their submission key, and a second run
creates nothing and changes no password.
"""

from __future__ import annotations

import secrets
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from screening.core.roles import COORDINATOR, LEAD, sync_roles
from screening.models import Case, CaseStatus, CoordinatorProfile, Outcome
from screening.rules.vocabulary import BIOMARKERS, FLAGS

# The demo coordinator's group (the role created by the roles migration).
COORDINATORS_GROUP = COORDINATOR
DEMO_USERNAME = "coordinator"
DEMO_LEAD_USERNAME = "lead"
DEMO_KEY_PREFIX = "demo-case-"
DEMO_CASES = 30


@dataclass(frozen=True)
class DemoSeedResult:
    username: str
    password: str | None  # set only when the user was created by this call
    cases_created: int
    lead_username: str = DEMO_LEAD_USERNAME
    lead_password: str | None = None


def _user(username, *, first_name, last_name, groups, languages, accepting):
    """Get or create a staff user; returns (user, password shown once or None)."""
    user_model = get_user_model()
    password = None
    user = user_model.objects.filter(username=username).first()
    if user is None:
        password = secrets.token_urlsafe(12)
        user = user_model.objects.create_user(
            username=username,
            email=f"{username}@example.org",
            password=password,
            first_name=first_name,
            last_name=last_name,
            is_staff=True,
        )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    CoordinatorProfile.objects.get_or_create(
        user=user, defaults={"languages": languages, "accepting_cases": accepting}
    )
    return user, password


# --- Synthetic people and profiles -----------------------------------------------------------

FIRST_NAMES = (
    "Amara Bastian Celine Dario Elif Fintan Greta Hamid Ilse Joaquin Keiko Lorenzo Maelle "
    "Nikolai Oona Priya Quentin Rosalind Soren Talia Umberto Vesna Wendell Xiomara Yusuf Zofia "
    "Anouk Bruno Carmen Desmond"
).split()
LAST_NAMES = (
    "Abernethy Brightwater Castellane Dunmore Eskildsen Fairbairn Galloway Hartigan Ingleby "
    "Jessop Kerrigan Lindqvist Marchbanks Nettleford Ormsby Pemberton Quarrie Rothwell "
    "Stanhope Trevelyan Underhill Vautrin Whitcombe Yardley Zeller Ashdown Blackwood Carrow "
    "Delacroix Everly"
).split()
COUNTRIES = [
    ("US", "en"),
    ("GB", "en"),
    ("ES", "es"),
    ("PT", "pt"),
    ("DE", "de"),
    ("US", "es"),
    ("FR", "fr"),
    ("IE", "en"),
]


def _patient(age, diagnosis, status, lines, therapies, biomarkers=None, **flags) -> dict:
    profile = {
        "age_years": age,
        "diagnosis": diagnosis,
        "disease_status": status,
        "prior_lines": lines,
        "prior_therapies": list(therapies),
        "biomarkers": {key: None for key in BIOMARKERS} | (biomarkers or {}),
        "ecog": 1,
        "mrd_percent": None,
        **{flag: None for flag in FLAGS},
    }
    profile.update(flags)
    return profile


B_ALL = {
    "cd19_positive": True,
    "cd22_positive": True,
    "kmt2a_rearranged": False,
    "npm1_mutated": False,
    "philadelphia_positive": False,
}
CHEMO = ("chemotherapy", "anthracycline")
RCHOP = ("chemotherapy", "anthracycline", "anti_cd20")

PROFILES = [
    _patient(45, "b_all", "relapsed", 1, CHEMO, B_ALL),
    _patient(12, "b_all", "second_or_later_relapse", 2, CHEMO, B_ALL),
    _patient(
        30,
        "b_all",
        "first_remission_mrd_positive",
        1,
        CHEMO,
        B_ALL,
        mrd_percent=0.5,
        in_consolidation_phase=False,
    ),  # fmt: skip
    _patient(60, "dlbcl", "second_or_later_relapse", 2, RCHOP, transplant_eligible=True),
    _patient(62, "dlbcl", "refractory", 1, RCHOP, transplant_eligible=True),
    _patient(58, "fl", "second_or_later_relapse", 2, RCHOP),
    _patient(67, "mcl", "relapsed", 2, ("chemotherapy", "anti_cd20", "btk_inhibitor")),
    _patient(
        71, "cll", "relapsed", 3, ("chemotherapy", "anti_cd20", "btk_inhibitor", "bcl2_inhibitor")
    ),  # fmt: skip
    _patient(
        64,
        "mm",
        "refractory",
        4,
        ("imid", "proteasome_inhibitor", "anti_cd38", "autologous_sct"),
        {"bcma_positive": True},
        lenalidomide_refractory=True,
    ),  # fmt: skip
    _patient(
        50,
        "aml",
        "relapsed",
        1,
        ("chemotherapy", "anthracycline", "hypomethylating_agent"),
        {"kmt2a_rearranged": False, "npm1_mutated": True},
        no_satisfactory_alternative=True,
    ),
    _patient(50, "aml", "relapsed", 1, CHEMO, {"kmt2a_rearranged": True, "npm1_mutated": False}),
    # Facts left unknown, so the queue has cases that need records.
    _patient(55, "dlbcl", "relapsed", 1, RCHOP),
    _patient(38, "b_all", "refractory", 1, CHEMO, {"cd19_positive": True}),
    _patient(69, "mm", "relapsed", None, ("imid", "proteasome_inhibitor")),
    # Earlier in the disease, as many who ask are: nothing time-critical for the coordinator.
    _patient(52, "dlbcl", "newly_diagnosed", 0, ()),
    _patient(63, "fl", "relapsed", 1, RCHOP),
    _patient(58, "mm", "newly_diagnosed", 0, ()),
    _patient(41, "aml", "first_remission", 1, CHEMO, {"kmt2a_rearranged": False}),
    _patient(74, "cll", "relapsed", 1, ("btk_inhibitor",)),
    _patient(66, "dlbcl", "first_remission", 1, RCHOP),
    _patient(70, "mzl", "relapsed", 2, ("chemotherapy", "anti_cd20")),
    _patient(
        27,
        "b_all",
        "first_remission",
        1,
        CHEMO,
        B_ALL,
        mrd_percent=0.0,
        in_consolidation_phase=False,
    ),  # fmt: skip
    _patient(35, "pmbcl", "first_remission", 1, RCHOP),
    _patient(
        61, "mm", "relapsed", 1, ("imid", "proteasome_inhibitor"), lenalidomide_refractory=False
    ),  # fmt: skip
]

# What happens to each demo case after screening, by position (the rest wait for review).
IN_REVIEW = {2, 5, 8, 11, 14, 17, 20, 23}
RECORDS_REQUESTED = {11, 12, 13, 25}
REFERRED = {3, 16, 21}
CLOSED = {7: Outcome.NOT_ELIGIBLE, 19: Outcome.WITHDRAWN}
DUPLICATE_OF = {29: 4}  # case 29 is case 4 again (same email)
UNASSIGNED = {0, 1, 6, 9, 26, 27}
LEAD_CASES = {10, 15, 22}
NOTES = {
    2: "Called the family: the haematologist's letter is on its way.",
    5: "Treating centre contact: Dr Ylva Marchetti (synthetic), day unit.",
    8: "Interpreter needed for calls (Portuguese).",
    16: "Referral letter sent to the cell therapy unit; awaiting a date.",
}


def _demo_pdf(title: str) -> bytes:
    """A small valid one-page PDF with a line of text (for download and text extraction)."""
    text = f"BT /F1 12 Tf 40 150 Td ({title}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 400 200]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(text) + text + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _demo_patient_name(index: int, person: int) -> str:
    """The patient's name: the submitter's own when they are the patient, otherwise a
    relative's or a patient's of the clinician (same family name for relatives)."""
    role = ("patient", "family", "clinician")[index % 3]
    first = FIRST_NAMES[person % len(FIRST_NAMES)]
    last = LAST_NAMES[person % len(LAST_NAMES)]
    if role == "patient":
        return f"{first} {last}"
    other = FIRST_NAMES[(person + 11) % len(FIRST_NAMES)]
    return f"{other} {last if role == 'family' else LAST_NAMES[(person + 5) % len(LAST_NAMES)]}"


def _create_case(index: int) -> Case:
    """One demo case, created as the intake would and screened by the real pipeline."""
    from screening.core.references import new_case_reference
    from screening.pipeline.screen import screen_case

    profile = PROFILES[index % len(PROFILES)]
    original = DUPLICATE_OF.get(index)
    person = original if original is not None else index
    country, language = COUNTRIES[person % len(COUNTRIES)]
    age = profile["age_years"]
    today = timezone.localdate()
    now = timezone.now()
    case = Case.objects.create(
        reference=new_case_reference(),
        submission_key=f"{DEMO_KEY_PREFIX}{index:03d}",
        submitter_role=("patient", "family", "clinician")[index % 3],
        first_name=FIRST_NAMES[person % len(FIRST_NAMES)],
        last_name=LAST_NAMES[person % len(LAST_NAMES)],
        email=f"demo.patient{person:02d}@example.org",
        country=country,
        language=language,
        date_of_birth=date(today.year - age, 1 + person % 12, 1 + person % 28),
        patient_name=_demo_patient_name(index, person),
        consent_version="demo",
        consented_at=now,
        consent_processing=True,
        consent_sharing=True,
        consent_not_medical_advice=True,
        disease=profile["diagnosis"],
        intake={"source": "demo"},
        intake_profile=profile,
        profile=profile,
    )
    screen_case(case.pk)
    return case


def _work_case(index: int, case: Case, *, coordinator, lead, originals: dict) -> None:
    """Move a screened demo case along the workflow through the real services."""
    from screening.core.workflow import move_case
    from screening.documents.uploads import check_upload, store_upload
    from screening.pipeline.assignment import assign_case
    from screening.triage.actions import (
        add_note,
        mark_duplicate,
        missing_facts,
        request_records,
    )

    case.refresh_from_db()
    owner = case.assigned_to or coordinator
    if index in LEAD_CASES:
        assign_case(case, lead, by=lead, reason="demo: the lead takes it")
        owner = lead
    if index % 4 == 1:
        upload = ContentFile(_demo_pdf(f"Synthetic pathology report, demo case {index}"))
        upload.name = f"pathology-report-{index}.pdf"
        store_upload(check_upload(upload), category="pathology", case=case, source="intake")
    if index in IN_REVIEW | RECORDS_REQUESTED | REFERRED or index in CLOSED:
        move_case(case, CaseStatus.IN_REVIEW, by=owner, reason="demo: review started")
    if index in RECORDS_REQUESTED:
        facts = [row.field for row in missing_facts(case)][:2]
        request_records(
            case, facts, ["treatment_summary"], "Photos of the pages are fine.", by=owner
        )
    if index in REFERRED:
        move_case(case, CaseStatus.REFERRED, by=owner, reason="demo: referral agreed")
    if index in CLOSED:
        move_case(case, CaseStatus.CLOSED, by=owner, reason="demo", outcome=CLOSED[index])
    if index in DUPLICATE_OF and DUPLICATE_OF[index] in originals:
        mark_duplicate(case, originals[DUPLICATE_OF[index]], by=owner)
    if index in NOTES:
        add_note(case, NOTES[index], by=owner)


def _backdate(case: Case, index: int) -> None:
    """Spread submissions over the last ten weeks; a quarter of the due times move with them,
    so the queue has overdue cases at the top, as a real one would."""
    # A fixed pseudo-random spread (the same every run): 0 to 70 days, older for low indexes.
    days = (DEMO_CASES - index) * 2 + zlib.crc32(str(index).encode()) % 3
    shift = timedelta(days=days, hours=index % 7)
    fields = {"submitted_at": case.submitted_at - shift}
    if case.due_at is not None and index % 4 == 0:
        fields["due_at"] = case.due_at - shift
    if case.first_reviewed_at is not None:
        fields["first_reviewed_at"] = fields["submitted_at"] + timedelta(hours=3 + index % 20)
    Case.objects.filter(pk=case.pk).update(**fields)


def seed_demo_data() -> DemoSeedResult:
    """Create the demo users and demo cases; safe to run any number of times.

    Existing demo users are left exactly as they are: passwords are never changed or shown
    again. Demo cases already present (by submission key) are not touched.
    """
    with transaction.atomic():
        sync_roles()
        coordinator, password = _user(
            DEMO_USERNAME,
            first_name="Demo",
            last_name="Coordinator",
            groups=[COORDINATOR],
            languages=["en", "es"],
            accepting=True,
        )
        lead, lead_password = _user(
            DEMO_LEAD_USERNAME,
            first_name="Demo",
            last_name="Lead",
            groups=[COORDINATOR, LEAD],
            languages=["en", "fr"],
            accepting=False,
        )

    existing = set(
        Case.objects.filter(submission_key__startswith=DEMO_KEY_PREFIX).values_list(
            "submission_key", flat=True
        )
    )
    todo = [i for i in range(DEMO_CASES) if f"{DEMO_KEY_PREFIX}{i:03d}" not in existing]
    created = 0
    # Demo people have example.org addresses; nothing is sent while seeding.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        profile = CoordinatorProfile.objects.get(user=coordinator)
        accepting = profile.accepting_cases
        originals = {
            int(key.removeprefix(DEMO_KEY_PREFIX)): case
            for key, case in (
                (c.submission_key, c)
                for c in Case.objects.filter(submission_key__startswith=DEMO_KEY_PREFIX)
            )
        }
        try:
            for index in todo:
                with transaction.atomic():
                    # Nobody accepting new cases leaves these unassigned, as on a busy day.
                    CoordinatorProfile.objects.filter(pk=profile.pk).update(
                        accepting_cases=index not in UNASSIGNED
                    )
                    case = _create_case(index)
                    _work_case(index, case, coordinator=coordinator, lead=lead, originals=originals)
                    case.refresh_from_db()
                    _backdate(case, index)
                    originals[index] = case
                    created += 1
        finally:
            CoordinatorProfile.objects.filter(pk=profile.pk).update(accepting_cases=accepting)
    return DemoSeedResult(
        username=coordinator.username,
        password=password,
        cases_created=created,
        lead_username=lead.username,
        lead_password=lead_password,
    )

"""factory_boy factories and named personas shared by every layer's tests.

Synthetic data only: names come from Faker's fictional pools, emails use example.org.
"""

from __future__ import annotations

import hashlib

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from screening.core.references import new_case_reference
from screening.models import (
    Case,
    CaseStatus,
    CoordinatorProfile,
    Document,
    DocumentCategory,
    ScanStatus,
    TextStatus,
)
from tests.rules.profiles import relapsed_b_all_adult

COORDINATOR_GROUP = "Coordinator"
LEAD_GROUP = "Lead"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("correct horse battery staple")


class CoordinatorFactory(UserFactory):
    """A staff user in the Coordinator group (the group's permissions come from a migration)."""

    username = factory.Sequence(lambda n: f"coordinator{n}")
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if not create:
            return
        names = extracted or [COORDINATOR_GROUP]
        for name in names:
            self.groups.add(Group.objects.get_or_create(name=name)[0])

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if create:
            CoordinatorProfile.objects.update_or_create(
                user=self, defaults={"languages": list(extracted or ["en"])}
            )


class LeadFactory(CoordinatorFactory):
    username = factory.Sequence(lambda n: f"lead{n}")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            for name in extracted or [COORDINATOR_GROUP, LEAD_GROUP]:
                self.groups.add(Group.objects.get_or_create(name=name)[0])


class CaseFactory(factory.django.DjangoModelFactory):
    """A submitted case whose profile is a relapsed adult B-ALL (valid for the rules)."""

    class Meta:
        model = Case

    reference = factory.LazyFunction(new_case_reference)
    submission_key = factory.Sequence(lambda n: f"test-submission-{n:08d}")
    status = CaseStatus.SUBMITTED
    submitter_role = "patient"
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"patient{n}@example.org")
    country = "US"
    language = "en"
    date_of_birth = factory.Faker("date_of_birth", minimum_age=20, maximum_age=80)
    patient_name = factory.LazyAttribute(lambda c: f"{c.first_name} {c.last_name}")
    consent_version = "2026-11-01"
    consented_at = factory.LazyFunction(timezone.now)
    consent_processing = True
    consent_sharing = True
    consent_not_medical_advice = True
    profile = factory.LazyFunction(relapsed_b_all_adult)
    # Not derived from wizard answers (intake is empty), so never re-derived: the profile
    # given is the intake profile.
    intake_profile = factory.LazyAttribute(lambda c: c.profile)
    disease = factory.LazyAttribute(lambda c: c.profile.get("diagnosis") or "unsure")
    intake = factory.LazyFunction(dict)


def _one_page_pdf() -> bytes:
    """A small but complete PDF (with a cross-reference table) that pypdf opens."""
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


MINIMAL_PDF = _one_page_pdf()


class DocumentFactory(factory.django.DjangoModelFactory):
    """A stored document with real bytes in private storage (a tiny valid PDF by default)."""

    class Meta:
        model = Document
        exclude = ("content",)

    case = factory.SubFactory(CaseFactory)
    category = DocumentCategory.PATHOLOGY
    original_name = "pathology-report.pdf"
    content = MINIMAL_PDF
    file = factory.LazyAttribute(lambda d: ContentFile(d.content, name="upload.pdf"))
    sha256 = factory.LazyAttribute(lambda d: hashlib.sha256(d.content).hexdigest())
    size = factory.LazyAttribute(lambda d: len(d.content))
    content_type = "application/pdf"
    scan_status = ScanStatus.NOT_SCANNED
    text_status = TextStatus.PENDING


class FactProposalFactory(factory.django.DjangoModelFactory):
    """A fact proposed from a document: CD22 positive, read from page 1."""

    class Meta:
        model = "screening.FactProposal"

    document = factory.SubFactory(DocumentFactory, category="flow_cytometry")
    case = factory.LazyAttribute(lambda p: p.document.case)
    field = "biomarkers.cd22_positive"
    value = True
    quote = "The blasts are positive for CD22 (92%)."
    page = 1

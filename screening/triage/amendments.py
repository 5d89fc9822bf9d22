"""Amending the screening profile: a coordinator sets one field, naming the source.

An amendment never overwrites: it is stored with who, when, the old and the new value and
its source (a document of the case and page, a call or letter from the treating team, or the
patient), and the profile the rules read is rebuilt as the intake profile with every active
amendment laid over it, oldest first. Withdrawing one is recorded on it, never a deletion.
Saving re-screens the case in the same transaction and the timeline gets the diff per product
("Besponsa: needs review → likely eligible, because CD22 positive (flow cytometry report of
2026-11-30, p. 1)"); the case's history gets a row with who and why.

Two coordinators amending the same field at once: each form carries the field's revision
(how many amendments and withdrawals it has had) as it was shown; a save that finds another
revision is refused with StaleFact, which names the other change, and the form asks to
confirm with the coordinator's own value kept. Nothing is lost either way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from screening.core import profile_fields as fields
from screening.core.case_profile import rebuild_case_profile
from screening.core.timeline import record_event
from screening.models import (
    Amendment,
    AmendmentSource,
    Case,
    CaseStatus,
    ContactMethod,
    Document,
    EventKind,
    ScanStatus,
)
from screening.notify.patient_updates import notify_patient_of_update
from screening.pipeline.rescreen import RescreenResult, rescreen_case
from screening.rules.profile import InvalidProfile
from screening.triage.actions import TriageError

NOTE_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 500
INTAKE_SOURCE = "the intake answers"


class AmendmentError(TriageError):
    """An amendment refused; `field` names the form field the message belongs to."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class StaleFact(AmendmentError):
    """Someone else changed this field since the form was shown."""

    def __init__(self, message: str, *, revision: int, current: Any):
        super().__init__(message, field=None)
        self.revision = revision
        self.current = current


@dataclass(frozen=True)
class FactSource:
    """Where an amended value comes from. `kind` is an AmendmentSource value."""

    kind: str
    document: Document | None = None
    page: int | None = None
    contact_name: str = ""
    contact_method: str = ""
    contact_date: dt.date | None = None
    quote: str = ""


@dataclass
class AmendmentOutcome:
    amendment: Amendment
    rescreen: RescreenResult | None = None
    screening_error: str = ""
    profile_changes: dict = field(default_factory=dict)

    @property
    def verdicts_changed(self) -> bool:
        return bool(self.rescreen and self.rescreen.changes)


# --- Reading ---------------------------------------------------------------------------------


def field_revision(case: Case, path: str) -> int:
    """How many amendments and withdrawals this field has had: the form's concurrency mark."""
    counts = Amendment.objects.filter(case=case, field=path).aggregate(
        made=Count("pk"), withdrawn=Count("withdrawn_at")
    )
    return counts["made"] + counts["withdrawn"]


def describe_source(source: FactSource) -> str:
    """The source in words: 'flow cytometry report of 2026-11-30, p. 1', 'call from Dr Amara
    Okafor (treating team) on 2026-12-01', 'the patient (email of 2026-12-02)'."""
    if source.kind == AmendmentSource.DOCUMENT and source.document is not None:
        document = source.document
        day = timezone.localtime(document.uploaded_at).date().isoformat()
        text = f"{document.get_category_display().lower()} of {day}"
        return text + (f", p. {source.page}" if source.page else "")
    method = ContactMethod(source.contact_method).label.lower() if source.contact_method else ""
    when = source.contact_date.isoformat() if source.contact_date else ""
    if source.kind == AmendmentSource.TREATING_TEAM:
        return f"{method} from {source.contact_name} (treating team) on {when}"
    who = f"the patient ({source.contact_name})" if source.contact_name else "the patient"
    detail = f"{method} of {when}" if method and when else method or when
    return f"{who}, {detail}" if detail else who


# --- Checking the source ---------------------------------------------------------------------


def _check_source(case: Case, source: FactSource) -> None:
    if source.kind not in AmendmentSource.values:
        raise AmendmentError(
            _("Say where the value comes from: a document, the treating team or the patient."),
            field="source",
        )
    if source.kind == AmendmentSource.DOCUMENT:
        document = source.document
        if document is None:
            raise AmendmentError(_("Choose the document the value comes from."), field="document")
        if document.case_id != case.pk:
            raise AmendmentError(_("That document belongs to another case."), field="document")
        if document.scan_status == ScanStatus.QUARANTINED:
            raise AmendmentError(
                _("That document is quarantined and cannot be a source."), field="document"
            )
        if source.page is not None:
            if source.page < 1:
                raise AmendmentError(_("Pages are numbered from 1."), field="page")
            if document.page_count and source.page > document.page_count:
                raise AmendmentError(
                    _("The document has %(n)d page(s); page %(page)d does not exist.")
                    % {"n": document.page_count, "page": source.page},
                    field="page",
                )
        return
    if source.kind == AmendmentSource.TREATING_TEAM:
        if not source.contact_name.strip():
            raise AmendmentError(
                _("Name who at the treating team gave the value."), field="contact_name"
            )
        if source.contact_method not in (ContactMethod.CALL, ContactMethod.LETTER):
            raise AmendmentError(
                _("Say whether it was a call or a letter."), field="contact_method"
            )
    elif source.contact_method and source.contact_method not in ContactMethod.values:
        raise AmendmentError(_("Choose how the patient told you."), field="contact_method")
    if source.contact_date is None:
        raise AmendmentError(_("Give the date of the call or letter."), field="contact_date")
    if source.contact_date > timezone.localdate():
        raise AmendmentError(_("The date is in the future."), field="contact_date")


# --- Writing ---------------------------------------------------------------------------------


def _lock_open_case(case: Case) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status == CaseStatus.CLOSED:
        raise AmendmentError(_("The case is closed: reopen it before amending its facts."))
    return locked


def _rescreen(locked: Case, outcome: AmendmentOutcome, *, by, after: str, because: str) -> None:
    try:
        outcome.rescreen = rescreen_case(
            locked, by=by, trigger="amendment", after=after, because=because
        )
        # If a verdict moved, the person's status page shows it: tell them (no medical details).
        notify_patient_of_update(locked, outcome.rescreen.event, by=by)
    except InvalidProfile as exc:
        # Another field the rules cannot read: the amendment stands, the case stays
        # unscreened until that one is amended too.
        outcome.screening_error = str(exc)
        record_event(
            locked,
            EventKind.RESCREENED,
            f"Not re-screened after {after}: {exc}"[:500],
            actor=by,
            data={"errors": [str(error) for error in exc.errors]},
        )


def amend_fact(
    case: Case,
    path: str,
    value: Any,
    source: FactSource,
    *,
    by,
    note: str = "",
    seen_revision: int | None = None,
) -> AmendmentOutcome:
    """Set one profile field from a named source, re-screen, and record both.

    `seen_revision` is field_revision() as the coordinator's form showed it; if the field has
    changed since, StaleFact is raised and nothing is saved. A value outside the schema's
    vocabulary is refused with the rules' own message for that field.
    """
    if path not in fields.PROFILE_FIELDS:
        raise AmendmentError(
            _("%(path)s is not a field of the screening profile.") % {"path": path},
            field="field",
        )
    profile_field = fields.profile_field(path)
    value = fields.normalise(path, value)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise AmendmentError(
            _("The note is too long (%(n)d characters; at most %(max)d).")
            % {"n": len(note), "max": NOTE_MAX_LENGTH},
            field="note",
        )
    _check_source(case, source)

    with transaction.atomic():
        locked = _lock_open_case(case)
        revision = field_revision(locked, path)
        current = fields.get_value(locked.profile, path)
        if seen_revision is not None and seen_revision != revision:
            raise StaleFact(
                _stale_message(locked, path, current), revision=revision, current=current
            )
        problems = fields.check_value(locked.profile, path, value)
        if problems:
            raise AmendmentError(" ".join(problems), field="value")
        if current == value:
            raise AmendmentError(
                _("%(field)s is already “%(value)s”.")
                % {"field": profile_field.label, "value": fields.describe_value(path, value)},
                field="value",
            )
        label = describe_source(source)
        amendment = Amendment.objects.create(
            case=locked,
            field=path,
            old_value=current,
            new_value=value,
            source=source.kind,
            document=source.document if source.kind == AmendmentSource.DOCUMENT else None,
            page=source.page if source.kind == AmendmentSource.DOCUMENT else None,
            contact_name=source.contact_name.strip()[:200],
            contact_method=source.contact_method,
            contact_date=source.contact_date,
            source_label=label[:300],
            quote=source.quote,
            note=note,
            created_by=by,
        )
        change = (
            f"{profile_field.label}: {fields.describe_value(path, current)} → "
            f"{fields.describe_value(path, value)}"
        )
        outcome = AmendmentOutcome(amendment)
        outcome.profile_changes = rebuild_case_profile(
            locked, by=by, reason=f"Amended {change} ({label})"
        )
        record_event(
            locked,
            EventKind.FACT_AMENDED,
            f"{change} (source: {label})" + (f". {note}" if note else ""),
            actor=by,
            data={
                "amendment": amendment.pk,
                "field": path,
                "old": current,
                "new": value,
                "source": source.kind,
                "document": amendment.document_id,
                "page": amendment.page,
            },
        )
        _rescreen(
            locked,
            outcome,
            by=by,
            after=f"an amendment of {profile_field.label}",
            because=f"{fields.describe_fact(path, value)} ({label})",
        )
    return outcome


def withdraw_amendment(case: Case, amendment_id: int, *, by, reason: str) -> AmendmentOutcome:
    """Withdraw an active amendment (recorded on it: who, when, why), rebuild the profile
    without it and re-screen."""
    reason = (reason or "").strip()
    if not reason:
        raise AmendmentError(_("Say why the amendment is withdrawn."), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise AmendmentError(
            _("The reason is too long (%(n)d characters; at most %(max)d).")
            % {"n": len(reason), "max": REASON_MAX_LENGTH},
            field="reason",
        )
    with transaction.atomic():
        locked = _lock_open_case(case)
        amendment = (
            # Lock the amendment's row only: PostgreSQL refuses FOR UPDATE on the nullable
            # side of the outer join to withdrawn_by.
            Amendment.objects.select_for_update(of=("self",))
            .select_related("withdrawn_by")
            .filter(pk=amendment_id, case=locked)
            .first()
        )
        if amendment is None:
            raise AmendmentError(_("No such amendment on this case."))
        if not amendment.is_active:
            who = amendment.withdrawn_by
            raise AmendmentError(
                _("This amendment was already withdrawn by %(user)s at %(when)s.")
                % {
                    "user": (who.get_full_name() or who.get_username()) if who else "—",
                    "when": timezone.localtime(amendment.withdrawn_at).strftime("%Y-%m-%d %H:%M"),
                }
            )
        amendment.withdrawn_at = timezone.now()
        amendment.withdrawn_by = by
        amendment.withdrawal_reason = reason
        amendment.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])

        path = amendment.field
        label = fields.profile_field(path).label if path in fields.PROFILE_FIELDS else path
        outcome = AmendmentOutcome(amendment)
        outcome.profile_changes = rebuild_case_profile(
            locked, by=by, reason=f"Amendment of {label} withdrawn: {reason}"
        )
        now_value = fields.get_value(locked.profile, path)
        now_source = value_source(locked, path)
        record_event(
            locked,
            EventKind.AMENDMENT_WITHDRAWN,
            f"Withdrawn: {label} {fields.describe_value(path, amendment.new_value)} "
            f"({amendment.source_label}). Why: {reason}. "
            f"Now {fields.describe_value(path, now_value)} ({now_source})",
            actor=by,
            data={"amendment": amendment.pk, "field": path, "now": now_value},
        )
        _rescreen(
            locked,
            outcome,
            by=by,
            after=f"an amendment of {label} was withdrawn",
            because=f"{fields.describe_fact(path, now_value)} ({now_source})",
        )
    return outcome


def value_source(case: Case, path: str) -> str:
    """Where the field's current value comes from: the latest active amendment's source, or
    the intake answers."""
    latest = (
        case.amendments.filter(field=path, withdrawn_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )
    return latest.source_label if latest is not None else INTAKE_SOURCE


def _stale_message(case: Case, path: str, current: Any) -> str:
    latest = (
        Amendment.objects.filter(case=case, field=path)
        .select_related("created_by", "withdrawn_by")
        .order_by("-created_at", "-pk")
        .first()
    )
    label = fields.profile_field(path).label
    if latest is None:
        who, when = "—", ""
    elif latest.withdrawn_at is not None:
        who = latest.withdrawn_by
        when = latest.withdrawn_at
    else:
        who, when = latest.created_by, latest.created_at
    name = (who.get_full_name() or who.get_username()) if hasattr(who, "get_username") else "—"
    stamp = timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else ""
    return _(
        "%(user)s changed %(field)s at %(when)s while you were editing: it is now “%(value)s”. "
        "Your value is kept below; save again to replace theirs."
    ) % {
        "user": name,
        "field": label,
        "when": stamp,
        "value": fields.describe_value(path, current),
    }

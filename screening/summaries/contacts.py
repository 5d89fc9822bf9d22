"""Who a summary can go to: the patient's own address, the referring physician, the treating
or target center's contact (only with the patient's consent to sharing with treatment
centers, given at intake), or another address typed twice."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from screening.models import Case, SummaryAudience, SummaryDelivery, SummaryRecipient

R = SummaryRecipient
CONTACT_FIELDS = (
    "referring_physician",
    "referring_physician_email",
    "referring_physician_role",
    "target_center",
    "center_contact_name",
    "center_contact_email",
    "center_contact_role",
)
NO_SHARING_CONSENT = (
    "The patient did not agree at intake to sharing with treatment centers, so a summary "
    "cannot be sent to the center. Ask the patient first; their answer is recorded with the "
    "consent."
)


class RecipientRefused(Exception):
    """The summary cannot go to this recipient; the message says why."""


@dataclass(frozen=True)
class Recipient:
    kind: str
    name: str
    email: str
    audience: str  # the wording it gets unless the sender chooses another (other addresses)
    delivery: str


def valid_address(address: str) -> str:
    """The address, trimmed, or RecipientRefused with the reason."""
    address = (address or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise RecipientRefused(f"“{address}” is not a valid email address.") from None
    if "." not in address.rpartition("@")[2]:
        raise RecipientRefused(f"“{address}” has no domain mail can be delivered to.")
    return address


def delivery_for(kind: str) -> str:
    """The patient's own address gets the PDF attached; anyone else, by default, a link."""
    if kind == R.PATIENT or not settings.SUMMARY_LINK_FOR_OTHERS:
        return SummaryDelivery.ATTACHED
    return SummaryDelivery.LINK


def summary_recipient(case: Case, kind: str, other: str = "") -> Recipient:
    """The recipient of this kind on this case, or RecipientRefused saying why not."""
    if kind == R.PATIENT:
        name = case.first_name
        email, audience = case.email, SummaryAudience.PATIENT
    elif kind == R.PHYSICIAN:
        if not case.referring_physician_email:
            raise RecipientRefused("The case has no email address for the referring physician.")
        name, email = case.referring_physician, case.referring_physician_email
        audience = SummaryAudience.PHYSICIAN
    elif kind == R.CENTER:
        if not case.center_contact_email:
            raise RecipientRefused("The case has no email address for the center's contact.")
        if not case.consent_sharing:
            raise RecipientRefused(NO_SHARING_CONSENT)
        name, email = case.center_contact_name, case.center_contact_email
        audience = SummaryAudience.PHYSICIAN
    elif kind == R.OTHER:
        name, email, audience = "", other, SummaryAudience.PATIENT
    else:
        raise RecipientRefused(f"Unknown recipient “{kind}”.")
    return Recipient(kind, name, valid_address(email), audience, delivery_for(kind))


def contacts_of(case: Case) -> list[dict]:
    """The case's two contacts as the case file shows them, with whether each can be sent to."""
    rows = []
    for kind, title, name, email, role, extra in (
        (R.PHYSICIAN, "Referring physician", case.referring_physician,
         case.referring_physician_email, case.referring_physician_role, ""),
        (R.CENTER, "Treating or target center", case.center_contact_name,
         case.center_contact_email, case.center_contact_role, case.target_center),
    ):  # fmt: skip
        try:
            summary_recipient(case, kind)
            refusal = ""
        except RecipientRefused as exc:
            refusal = str(exc)
        rows.append(
            {"kind": kind, "title": title, "name": name, "email": email, "role": role,
             "center": extra, "refusal": refusal}
        )  # fmt: skip
    return rows


def update_contacts(case: Case, data: dict, *, by) -> list[str]:
    """Save the contacts a coordinator edited (addresses already validated by the form);
    returns the fields that changed. The case's history records who and what."""
    changed = [name for name in CONTACT_FIELDS if getattr(case, name) != data.get(name, "")]
    if not changed:
        return []
    with transaction.atomic():
        for name in changed:
            setattr(case, name, data.get(name, ""))
        case._change_reason = f"Contacts edited: {', '.join(changed)}"[:100]
        case._history_user = by
        case.save(update_fields=[*changed, "updated_at"])
    return changed

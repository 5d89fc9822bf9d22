"""A coordinator's decision on a fact proposed from a report: accept or dismiss.

Proposals are never applied by themselves. Accepting one makes it an amendment whose source is
the document (and page) it was read from, with the quoted sentence kept, so it is re-screened
and recorded like any amendment. A proposal that contradicts what the patient told us in the
intake is a conflict: it is accepted only when the coordinator confirms it, and the patient's
answer stays in the intake answers either way. A proposal of a quarantined or deleted document
cannot be decided (it is gone from the case file).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from screening.core import profile_fields as fields
from screening.core.timeline import record_event
from screening.models import Case, EventKind, FactProposal, ProposalState
from screening.triage.actions import TriageError
from screening.triage.amendments import AmendmentOutcome, FactSource, amend_fact
from screening.triage.proposals import conflicts


class ProposalError(TriageError):
    """The proposal cannot be decided; the message says why."""


class ProposalConflict(ProposalError):
    """The proposal contradicts the patient's own answer: confirm to accept it."""


@dataclass
class ProposalDecision:
    proposal: FactProposal
    amendment: AmendmentOutcome | None = None  # None: dismissed, or the value was already so


def _open_proposal(case: Case, proposal_id: int) -> FactProposal:
    proposal = (
        FactProposal.objects.visible()
        .select_for_update(of=("self",))
        .select_related("document", "decided_by")
        .filter(pk=proposal_id, case=case)
        .first()
    )
    if proposal is None:
        raise ProposalError(
            _("That proposal is no longer on this case (its document was removed or quarantined).")
        )
    if proposal.state != ProposalState.PROPOSED:
        who = proposal.decided_by
        raise ProposalError(
            _("This proposal was already %(state)s by %(user)s.")
            % {
                "state": proposal.get_state_display().lower(),
                "user": (who.get_full_name() or who.get_username()) if who else "—",
            }
        )
    return proposal


def _decide(proposal: FactProposal, state: str, by) -> None:
    proposal.state = state
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["state", "decided_by", "decided_at"])


def accept_proposal(
    case: Case, proposal_id: int, *, by, confirm_conflict: bool = False
) -> ProposalDecision:
    """Accept a proposed fact: it becomes an amendment with its document and page as the
    source (re-screened, on the timeline). Raises ProposalConflict when it contradicts the
    patient's answer and `confirm_conflict` is not set."""
    with transaction.atomic():
        proposal = _open_proposal(case, proposal_id)
        path = proposal.field
        if path not in fields.PROFILE_FIELDS:
            raise ProposalError(
                _("%(field)s is not a field of the screening profile.") % {"field": path}
            )
        patient_value = fields.get_value(case.intake_profile, path)
        if conflicts(patient_value, proposal.value) and not confirm_conflict:
            raise ProposalConflict(
                _(
                    "The patient's answer was “%(patient)s”; the report says “%(report)s”. "
                    "Confirm to record the report's value (the patient's answer stays in the "
                    "intake answers)."
                )
                % {
                    "patient": fields.describe_value(path, patient_value),
                    "report": fields.describe_value(path, proposal.value),
                }
            )
        decision = ProposalDecision(proposal)
        if fields.get_value(case.profile, path) != fields.normalise(path, proposal.value):
            decision.amendment = amend_fact(
                case,
                path,
                proposal.value,
                FactSource(
                    "document",
                    document=proposal.document,
                    page=proposal.page,
                    quote=proposal.quote,
                ),
                by=by,
                note=_("Accepted from the report: “%(quote)s”") % {"quote": proposal.quote[:300]},
            )
        _decide(proposal, ProposalState.ACCEPTED, by)
        if decision.amendment is None:
            record_event(
                case,
                EventKind.PROPOSAL_DECIDED,
                f"Proposal accepted, value already recorded: "
                f"{fields.describe_fact(path, proposal.value)} ({proposal.document.original_name})",
                actor=by,
                data={"proposal": proposal.pk, "field": path},
            )
    return decision


def dismiss_proposal(case: Case, proposal_id: int, *, by) -> ProposalDecision:
    """Dismiss a proposed fact: it stays on the case file as dismissed, nothing changes."""
    with transaction.atomic():
        proposal = _open_proposal(case, proposal_id)
        _decide(proposal, ProposalState.DISMISSED, by)
        record_event(
            case,
            EventKind.PROPOSAL_DECIDED,
            f"Proposal dismissed: {fields.describe_fact(proposal.field, proposal.value)} "
            f"({proposal.document.original_name}"
            + (f", p. {proposal.page}" if proposal.page else "")
            + ")",
            actor=by,
            data={"proposal": proposal.pk, "field": proposal.field},
        )
    return ProposalDecision(proposal)

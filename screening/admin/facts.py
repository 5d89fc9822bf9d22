"""The case file's fact pages: amend one profile field, withdraw an amendment, decide on a
fact proposed from a report.

Thin: who may act comes from screening/triage/access.py (only someone who may change the case
amends it), the work from screening/triage/amendments.py. A refused amendment comes back on
the same page with the message on its input and nothing lost; a stale one (another coordinator
changed the field meanwhile) comes back with their change shown and the coordinator's own value
kept, to be confirmed by saving again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from screening.admin.fact_forms import AmendFactForm, WithdrawAmendmentForm
from screening.core import profile_fields as fields
from screening.models import Amendment, Case
from screening.rules.results import MEDICAL_ADVICE_NOTICE
from screening.triage import access
from screening.triage.amendments import (
    AmendmentError,
    StaleFact,
    amend_fact,
    field_revision,
    value_source,
    withdraw_amendment,
)
from screening.triage.proposal_actions import (
    ProposalError,
    accept_proposal,
    dismiss_proposal,
)


def case_to_amend(request, pk) -> Case:
    """The case, if this user may see it (else 404) and change it (else 403)."""
    case = access.visible_cases(request.user).select_related("latest_run").filter(pk=pk).first()
    if case is None:
        raise Http404(_("No such case, or not one you can see."))
    if not access.can_change_case(request.user, case):
        raise PermissionDenied
    return case


def facts_url(case: Case) -> str:
    return reverse("admin:screening_case_change", args=[case.pk]) + "#facts"


def documents_url(case: Case) -> str:
    return reverse("admin:screening_case_change", args=[case.pk]) + "#documents"


def _report(request, case: Case, outcome) -> None:
    label = fields.profile_field(outcome.amendment.field).label
    text = _("%(case)s: %(field)s saved and re-screened.") % {
        "case": case.reference,
        "field": label,
    }
    if outcome.rescreen is not None and outcome.rescreen.changes:
        from screening.pipeline.rescreen import describe_changes

        text += " " + describe_changes(outcome.rescreen.changes)
    elif outcome.screening_error:
        text += " " + _("It could not be screened: %(error)s") % {"error": outcome.screening_error}
    else:
        text += " " + _("No verdict changed.")
    messages.success(request, text)


def amend_view(model_admin, request, pk: int, path: str):
    case = case_to_amend(request, pk)
    if path not in fields.PROFILE_FIELDS:
        raise Http404(_("No such field in the screening profile."))
    current = fields.get_value(case.profile, path)
    stale_message = ""
    if request.method == "POST":
        form = AmendFactForm(request.POST, case=case, path=path)
        if form.is_valid():
            try:
                outcome = amend_fact(
                    case,
                    path,
                    form.cleaned_data["value"],
                    form.fact_source(),
                    by=request.user,
                    note=form.cleaned_data["note"],
                    seen_revision=form.cleaned_data["revision"],
                )
            except StaleFact as stale:
                # Show what changed; the next save confirms (at the revision now shown).
                data = request.POST.copy()
                data["revision"] = str(stale.revision)
                form = AmendFactForm(data, case=case, path=path)
                form.is_valid()
                stale_message = str(stale)
                current = stale.current
            except AmendmentError as refused:
                form.add_error(
                    refused.field if refused.field in form.fields else None, str(refused)
                )
            else:
                _report(request, case, outcome)
                return HttpResponseRedirect(facts_url(case))
    else:
        form = AmendFactForm(
            initial=AmendFactForm.initial_for(current, field_revision(case, path)),
            case=case,
            path=path,
        )
    history = (
        Amendment.objects.filter(case=case, field=path)
        .select_related("created_by", "withdrawn_by")
        .order_by("created_at", "pk")
    )
    history = list(history)
    for amendment in history:  # words for the table, not stored
        amendment.old_text = fields.describe_value(path, amendment.old_value)
        amendment.new_text = fields.describe_value(path, amendment.new_value)
    schema_field = fields.profile_field(path)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Amend %(field)s") % {"field": schema_field.label},
        "original": case,
        "case": case,
        "notice": MEDICAL_ADVICE_NOTICE,
        "form": form,
        "field_label": schema_field.label,
        "current_text": fields.describe_value(path, current),
        "current_source": value_source(case, path),
        "intake_text": fields.describe_value(path, fields.get_value(case.intake_profile, path)),
        "history": history,
        "stale_message": stale_message,
        "back_url": facts_url(case),
    }
    return TemplateResponse(request, "admin/screening/case/amend.html", context)


def withdraw_view(model_admin, request, pk: int, amendment_id: int):
    case = case_to_amend(request, pk)
    form = WithdrawAmendmentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return HttpResponseRedirect(facts_url(case))
    try:
        outcome = withdraw_amendment(
            case, amendment_id, by=request.user, reason=form.cleaned_data["reason"]
        )
    except AmendmentError as refused:
        messages.error(request, str(refused))
    else:
        _report(request, case, outcome)
    return HttpResponseRedirect(facts_url(case))


def decide_proposal_view(model_admin, request, pk: int, proposal_id: int):
    """Accept (an amendment from the document), accept a conflict on purpose, or dismiss."""
    case = case_to_amend(request, pk)
    decision = request.POST.get("decision")
    try:
        if decision == "dismiss":
            dismiss_proposal(case, proposal_id, by=request.user)
            messages.success(request, _("Proposal dismissed; nothing changed."))
        elif decision in ("accept", "confirm"):
            outcome = accept_proposal(
                case, proposal_id, by=request.user, confirm_conflict=decision == "confirm"
            )
            if outcome.amendment is not None:
                _report(request, case, outcome.amendment)
            else:
                messages.info(request, _("Accepted: the case already had this value."))
        else:
            messages.error(request, _("Choose Accept or Dismiss."))
    except ProposalError as refused:
        messages.error(request, str(refused))
    return HttpResponseRedirect(documents_url(case))


def amendment_audit(case_id) -> list[Amendment]:
    """Every amendment and withdrawal of a case for its history page: who, when, what, from
    which source and why (the page itself checks who may read it)."""
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        return []
    rows = list(
        Amendment.objects.filter(case_id=case_id)
        .select_related("created_by", "withdrawn_by")
        .order_by("created_at", "pk")
    )
    for row in rows:
        label = (
            fields.profile_field(row.field).label
            if row.field in fields.PROFILE_FIELDS
            else row.field
        )
        row.change_text = (
            f"{label}: {fields.describe_value(row.field, row.old_value)} → "
            f"{fields.describe_value(row.field, row.new_value)}"
        )
    return rows

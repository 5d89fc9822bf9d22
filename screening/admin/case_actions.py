"""The case page's actions (assign, move, request records, re-screen, mark duplicate, note): one
POST view driven by a table, CASE_ACTIONS, where each row names who may act, the form that
checks the input, and the triage action it runs (CaseAdmin in cases.py is built on this mixin).

Every action: POST only; the case must be one the user can see (else 404) and may act on
(else 403); a form error or a refusal by the workflow is shown as an error message and changes
nothing; success is reported and the user is sent back to the case page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from screening.admin.forms import AssignForm, DuplicateForm, MoveForm, NoteForm, RecordsRequestForm
from screening.admin.messages import AnswerForm, answer
from screening.admin.summary_forms import ContactsForm
from screening.core.workflow import InvalidMove
from screening.models import Case, CaseStatus
from screening.summaries.contacts import update_contacts
from screening.triage import access
from screening.triage import actions as triage


class ActionRefused(Exception):
    """The input was valid but names something that cannot be used; the message says why."""


@dataclass(frozen=True)
class CaseAction:
    # Who may act on this case: (request, case) -> bool.
    allowed: Callable
    # The bound form checking the POST, or None when the action takes no input.
    form: Callable | None
    # Does it: (request, case, cleaned data) -> (message, level). Raises InvalidMove (and its
    # subclass TriageError) or ActionRefused with a plain-words reason.
    run: Callable
    # Where on the case page to come back to after success (a section's id), if not the top;
    # a refusal always comes back to the top, where the error is shown.
    anchor: str = ""


def _may_change(request, case) -> bool:
    return access.can_change_case(request.user, case)


def _taking_it(request) -> bool:
    return request.POST.get("assignee") == "me"


def _may_assign(request, case) -> bool:
    if _taking_it(request):
        return access.can_take_case(request.user, case)
    return access.is_lead(request.user)


def _assign(request, case, data):
    assignee = request.user if _taking_it(request) else data["assignee"]
    triage.assign_to(case, assignee, by=request.user)
    return _("%(case)s is now assigned to %(user)s.") % {
        "case": case.reference,
        "user": assignee.get_username(),
    }, messages.SUCCESS


def _move(request, case, data):
    triage.change_status(
        case, data["target"], by=request.user, reason=data["reason"], outcome=data["outcome"]
    )
    return _("%(case)s moved to “%(status)s”.") % {
        "case": case.reference,
        "status": CaseStatus(data["target"]).label,
    }, messages.SUCCESS


def _request_records(request, case, data):
    triage.request_records(
        case, data["facts"], data["categories"], data["message"], by=request.user
    )
    return _("Records requested from %(email)s for %(case)s; the case waits for them.") % {
        "email": case.email,
        "case": case.reference,
    }, messages.SUCCESS


def _rescreen(request, case, data):
    if triage.rescreen_now(case, by=request.user).rescreened:
        return _("Re-screened with the current rules."), messages.SUCCESS
    return _(
        "Nothing new: the answers and the rules are the same as at the last "
        "screening (or the case is not screened yet, or closed)."
    ), messages.INFO


def _mark_duplicate(request, case, data):
    reference = data["original"]
    original = access.visible_cases(request.user).filter(reference=reference).first()
    if original is None:
        raise ActionRefused(_("No case with the reference %(ref)s.") % {"ref": reference})
    triage.mark_duplicate(case, original, by=request.user, reason=data["reason"])
    return _("%(case)s closed as a duplicate of %(original)s.") % {
        "case": case.reference,
        "original": original.reference,
    }, messages.SUCCESS


def _add_note(request, case, data):
    triage.add_note(case, data["text"], by=request.user)
    return _("Note added."), messages.SUCCESS


def _edit_contacts(request, case, data):
    changed = update_contacts(case, data, by=request.user)
    if not changed:
        return _("The contacts were already as given; nothing changed."), messages.INFO
    return _("Contacts saved."), messages.SUCCESS


CASE_ACTIONS: dict[str, CaseAction] = {
    # Taking a case needs no form; assigning it to someone else is for leads, with a form.
    "assign": CaseAction(
        _may_assign,
        lambda request, case: None if _taking_it(request) else AssignForm(request.POST),
        _assign,
    ),
    # Bound without the case: any status is accepted here, and the workflow refuses the moves
    # this case cannot make with a message that says which ones it can.
    "move": CaseAction(_may_change, lambda request, case: MoveForm(request.POST), _move),
    "records": CaseAction(
        _may_change,
        lambda request, case: RecordsRequestForm(request.POST, case=case),
        _request_records,
    ),
    "rescreen": CaseAction(_may_change, None, _rescreen),
    "duplicate": CaseAction(
        _may_change, lambda request, case: DuplicateForm(request.POST), _mark_duplicate
    ),
    "note": CaseAction(_may_change, lambda request, case: NoteForm(request.POST), _add_note),
    # A message to the patient (screening/admin/messages.py), for whoever may change the case.
    "answer": CaseAction(
        _may_change, lambda request, case: AnswerForm(request.POST), answer, anchor="messages"
    ),
    "contacts": CaseAction(
        _may_change, lambda request, case: ContactsForm(request.POST), _edit_contacts
    ),
}


class CaseActionsMixin:
    """The case-page actions of CaseAdmin: their URLs and their one view."""

    def case_action_urls(self):
        return [
            path(
                f"<int:pk>/{name}/",
                self.admin_site.admin_view(require_POST(partial(self.case_action_view, name=name))),
                name=f"screening_case_{name}",
            )
            for name in CASE_ACTIONS
        ]

    def case_action_links(self, case: Case) -> dict[str, str]:
        return {
            name: reverse(f"admin:screening_case_{name}", args=[case.pk]) for name in CASE_ACTIONS
        }

    def case_action_view(self, request, pk, *, name):
        action = CASE_ACTIONS[name]
        case = self.get_object(request, pk)
        if case is None:
            raise Http404(_("No such case, or not one you can see."))
        if not action.allowed(request, case):
            raise PermissionDenied
        data = {}
        form = action.form(request, case) if action.form else None
        if form is not None:
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        self.message_user(request, error, messages.ERROR)
                return self._back_to(case)
            data = form.cleaned_data
        try:
            message, level = action.run(request, case, data)
        except (InvalidMove, ActionRefused) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return self._back_to(case)
        self.message_user(request, message, level)
        return self._back_to(case, action.anchor)

    def _back_to(self, case, anchor: str = ""):
        url = reverse("admin:screening_case_change", args=[case.pk])
        return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)

"""The case model admin: the case page (what a coordinator sees and may edit), who may see and
change what, and the history. The queue (changelist, search, bulk actions) is in queue.py and
the case page's actions in case_actions.py; CaseAdmin puts the three together.

Thin: permissions come from screening/triage/access.py, every change goes through
screening/triage/actions.py (and the workflow's move_case), reads through casefile.py.
"""

from __future__ import annotations

from functools import partial

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from screening.admin import facts
from screening.admin.case_actions import CaseActionsMixin
from screening.admin.case_file import sections_context
from screening.admin.forms import (
    AssignForm,
    DuplicateForm,
    LabelledSplitDateTime,
    MoveForm,
    NoteForm,
    RecordsRequestForm,
)
from screening.admin.queue import CaseQueueMixin, describe_delay, is_overdue
from screening.admin.summaries import CaseSummaryMixin
from screening.core.workflow import ALLOWED_MOVES
from screening.models import AccessRecord, Case, CaseStatus
from screening.rules.results import MEDICAL_ADVICE_NOTICE
from screening.triage import access
from screening.triage import actions as triage

# The referring physician and the center's contact (names, addresses, roles) are edited in
# the case file's Contacts section (screening/admin/summaries.py), where a summary can be sent.
COORDINATION_FIELDS = (
    "referring_hospital",
    "treating_center_contacts",
    "travel_needs",
    "admission_needs",
    "interpreter_needed",
    "interpreter_language",
)
# Editable on the case page by whoever may change the case; everything else is read-only
# there and changes only through the actions (status, assignment, records, duplicates).
EDITABLE_FIELDS = ("priority", "priority_reason", "due_at", "phone", *COORDINATION_FIELDS)


@admin.register(Case)
class CaseAdmin(CaseQueueMixin, CaseActionsMixin, CaseSummaryMixin, SimpleHistoryAdmin):
    fieldsets = (
        (
            gettext_lazy("Case"),
            {
                "fields": (
                    "reference",
                    "status",
                    "outcome",
                    "duplicate_of",
                    "assigned_to",
                    "priority",
                    "priority_reason",
                    "due_at",
                    "submitted_at",
                    "first_reviewed_at",
                    "closed_at",
                    "screening_summary",
                )
            },
        ),
        (
            gettext_lazy("Contact"),
            {
                "fields": (
                    "submitter_role",
                    "first_name",
                    "last_name",
                    "email",
                    "phone",
                    "country",
                    "language",
                    "date_of_birth",
                )
            },
        ),
        (
            gettext_lazy("Coordination"),
            {"fields": COORDINATION_FIELDS},
        ),
        (
            gettext_lazy("Consent"),
            {
                "classes": ("collapse",),
                "fields": (
                    "consent_version",
                    "consented_at",
                    "consent_processing",
                    "consent_sharing",
                    "consent_not_medical_advice",
                ),
            },
        ),
    )

    # --- Who may do what --------------------------------------------------------------------

    def get_queryset(self, request):
        return access.visible_cases(request.user, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        queryset = self.get_queryset(request).select_related(
            "latest_run", "assigned_to", "duplicate_of"
        )
        try:
            return queryset.get(pk=int(object_id))
        except (Case.DoesNotExist, ValueError, TypeError):
            return None

    def has_module_permission(self, request):
        return access.can_view_cases(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return access.can_view_cases(request.user)
        return access.can_view_case(request.user, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return access.is_staff_member(request.user) and request.user.has_perm(
                "screening.change_case"
            )
        return access.can_change_case(request.user, obj)

    def has_reassign_permission(self, request):
        return access.is_lead(request.user)

    def has_add_permission(self, request):
        return False  # cases come from the intake only

    def has_delete_permission(self, request, obj=None):
        return False  # cases are closed, never deleted here

    # The history (every change, with who and why) is for leads; nobody reverts from it.
    def has_view_history_or_change_history_permission(self, request, obj=None):
        allowed = access.is_staff_member(request.user) and request.user.has_perm(
            "screening.view_historicalcase"
        )
        return allowed and (obj is None or access.can_view_case(request.user, obj))

    def has_view_history_permission(self, request, obj=None):
        return self.has_view_history_or_change_history_permission(request, obj)

    def has_change_history_permission(self, request, obj=None):
        return False

    object_history_template = "admin/screening/case/object_history.html"
    object_history_form_template = "admin/screening/case/object_history_form.html"

    def history_view(self, request, object_id, extra_context=None):
        if not str(object_id).isdigit():
            # simple-history and the amendment audit look the id up as a number: a 500.
            raise Http404(_("No such case."))
        extra_context = {
            **(extra_context or {}),
            "notice": MEDICAL_ADVICE_NOTICE,
            "amendments": facts.amendment_audit(object_id),
        }
        response = super().history_view(request, object_id, extra_context)
        case = self.get_object(request, object_id)
        if case is not None:
            record_access_once(request, case)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        if not (str(object_id).isdigit() and str(version_id).isdigit()):
            # simple-history would look the ids up as numbers and fail with a 500.
            raise Http404(_("No such version of this case."))
        extra_context = {**(extra_context or {}), "notice": MEDICAL_ADVICE_NOTICE}
        response = super().history_form_view(request, object_id, version_id, extra_context)
        case = self.get_object(request, object_id)
        if case is not None:
            record_access_once(request, case)
        return response

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "due_at":
            kwargs["widget"] = LabelledSplitDateTime(str(db_field.verbose_name).capitalize())
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        names = [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]
        return [name for name in names if name not in EDITABLE_FIELDS]

    # --- The case page -----------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            record_access_once(request, obj)
            context.update(self.case_page_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def case_page_context(self, request, case: Case) -> dict:
        from screening.triage.casefile import build_case_file

        user = request.user
        can_change = access.can_change_case(user, case)
        allowed = ALLOWED_MOVES[case.status]
        case_file = build_case_file(case)
        return {
            **sections_context(case_file, request),
            "case_file": case_file,
            # The full width for the case file: the admin's app sidebar would take a quarter.
            "is_nav_sidebar_enabled": False,
            "notice": MEDICAL_ADVICE_NOTICE,
            "overdue": is_overdue(case),
            "overdue_by": describe_delay(timezone.now() - case.due_at) if is_overdue(case) else "",
            "can_change_case": can_change,
            "can_take_case": access.can_take_case(user, case) and case.assigned_to_id != user.pk,
            "is_lead": access.is_lead(user),
            "can_view_history": self.has_view_history_or_change_history_permission(request, case),
            "move_form": MoveForm(case=case) if can_change else None,
            "records_form": (
                RecordsRequestForm(case=case)
                if can_change and CaseStatus.RECORDS_REQUESTED in allowed
                else None
            ),
            "assign_form": AssignForm() if access.is_lead(user) else None,
            "duplicate_form": (
                DuplicateForm() if can_change and case.status != CaseStatus.CLOSED else None
            ),
            "duplicate_suggestions": triage.suggest_duplicates(case) if can_change else [],
            "note_form": NoteForm() if can_change else None,
            "action_urls": self.case_action_links(case),
        }

    def save_model(self, request, obj, form, change):
        obj._change_reason = _("Details edited: %(fields)s") % {
            "fields": ", ".join(form.changed_data)
        }
        super().save_model(request, obj, form, change)

    def get_urls(self):
        dashboard = path(
            "dashboard/",
            self.admin_site.admin_view(self.dashboard_view),
            name="screening_case_dashboard",
        )
        amendments = [
            path(
                "<int:pk>/amend/<str:path>/",
                self.admin_site.admin_view(partial(facts.amend_view, self)),
                name="screening_case_amend",
            ),
            path(
                "<int:pk>/proposals/<int:proposal_id>/decide/",
                self.admin_site.admin_view(require_POST(partial(facts.decide_proposal_view, self))),
                name="screening_case_decide_proposal",
            ),
            path(
                "<int:pk>/amendments/<int:amendment_id>/withdraw/",
                self.admin_site.admin_view(require_POST(partial(facts.withdraw_view, self))),
                name="screening_case_withdraw_amendment",
            ),
        ]
        return [
            dashboard,
            *self.case_action_urls(),
            *self.summary_urls(),
            *amendments,
            *super().get_urls(),
        ]

    def dashboard_view(self, request):
        from screening.admin.dashboard import render_dashboard

        if not request.user.has_perm("screening.view_dashboard"):
            raise PermissionDenied
        return render_dashboard(request, self.admin_site)


def record_access_once(request, case: Case) -> None:
    """One access record per rendered page, however many times the admin asks."""
    seen = getattr(request, "_navigator_viewed_cases", None)
    if seen is None:
        seen = request._navigator_viewed_cases = set()
    if case.pk in seen:
        return
    seen.add(case.pk)
    access.record_access(request.user, AccessRecord.Action.VIEW_CASE, case=case, request=request)

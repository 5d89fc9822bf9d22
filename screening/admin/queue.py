"""The coordinators' queue: the case changelist, its columns, ordering and search, and the
bulk actions on selected cases (CaseAdmin in cases.py is built on this mixin).

Thin: permissions come from screening/triage/access.py, every change goes through
screening/triage/actions.py.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList
from django.db.models import F, Q, QuerySet
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from screening.admin.access_log import record_list_page
from screening.admin.filters import (
    ALL,
    DISEASE_SHORT,
    AssignedFilter,
    CountryFilter,
    DiseaseFilter,
    MessagesWaitingFilter,
    NewlyLikelyFilter,
    OverdueFilter,
    ProductVerdictFilter,
    StatusFilter,
    status_filter_value,
)
from screening.admin.forms import AssignForm, MoveForm
from screening.core.workflow import InvalidMove
from screening.models import AccessRecord, Case, CaseStatus, Priority
from screening.rules.results import MEDICAL_ADVICE_NOTICE
from screening.rules.vocabulary import DIAGNOSES
from screening.summaries.bulk import email_patient_summaries
from screening.triage import access
from screening.triage import actions as triage
from screening.triage.messages import cases_with_unread_messages


class PatientSummariesForm(forms.Form):
    confirm = forms.BooleanField(
        label="Email each patient their summary",
        help_text=(
            "What “Email a summary” on the case page sends the patient, without a cover note: "
            "plain words, in their language, with the PDF attached. Sent in the background; "
            "each appears on its case's timeline. Cases not screened yet are skipped."
        ),
    )


# A search matching more cases than this filters the queue directly instead of by id list.
SEARCH_ID_LIMIT = 2000
# One bulk action works on at most this many cases (each is moved and logged on its own).
BULK_LIMIT = 500


def describe_delay(delta) -> str:
    """'3 d 4 h', '5 h', '12 min' for a positive timedelta."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 60 * 24)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": minutes}


def is_overdue(case: Case, now=None) -> bool:
    now = now or timezone.now()
    return case.status != CaseStatus.CLOSED and case.due_at is not None and case.due_at < now


class QueueChangeList(ChangeList):
    def get_results(self, request):
        """Fetch a page in two steps: the page's ids from an index, then only those rows.

        A deep page (OFFSET 49,900) then skips index entries, not wide case rows: PostgreSQL
        otherwise read and sorted the whole table for page 500 (300 ms). The queue never shows
        the intake answers or the profile, so they are not loaded; the assignees come in one
        query for the page rather than a join, which ran for every row an OFFSET skipped.
        """
        super().get_results(request)
        page = self.result_list
        if isinstance(page, QuerySet):
            low, high = page.query.low_mark, page.query.high_mark
            ids = list(self.queryset.values_list("pk", flat=True)[low:high])
            rows = self.queryset.model._default_manager.filter(pk__in=ids)
            rows = rows.defer("intake", "profile").prefetch_related("assigned_to")
            by_id = {case.pk: case for case in rows}
            self.result_list = [by_id[pk] for pk in ids if pk in by_id]
            # The "new message" marker: one query for the page (screening/triage/messages.py).
            waiting = cases_with_unread_messages(ids)
            for case in self.result_list:
                case.unread_messages = case.pk in waiting


class CaseQueueMixin:
    """The changelist side of CaseAdmin."""

    list_display = (
        "reference",
        "patient_display",
        "disease_display",
        "status",
        "priority_display",
        "due_display",
        "assignee",
        "summary_display",
        "documents_display",
        "days_open",
    )
    list_display_links = ("reference",)
    list_filter = (
        StatusFilter,
        "priority",
        DiseaseFilter,
        ProductVerdictFilter,
        AssignedFilter,
        OverdueFilter,
        NewlyLikelyFilter,
        MessagesWaitingFilter,
        CountryFilter,
    )
    search_fields = ("reference", "email", "first_name", "last_name", "patient_name")
    search_help_text = gettext_lazy(
        "Reference (NAV-…), email address, or a name (the patient's, or the form filler's)."
    )
    list_select_related = False  # assignees are prefetched (see QueueChangeList)
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 100
    list_max_show_all = 200
    actions = (
        "assign_to_me",
        "assign_to_coordinator",
        "change_status",
        "rescreen",
        "acknowledge_newly_likely",
        "email_patient_summaries",
    )

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_ordering(self, request):
        # Open cases (the default): overdue first, then by due time. An overdue case is due in
        # the past, so that is simply the earliest due time first, read straight from the
        # partial index case_open_queue_idx at any page depth.
        status = status_filter_value(request)
        if status in (ALL, CaseStatus.CLOSED):
            # Newest first: case ids follow submission order, and the primary key is an index
            # every database reads in order.
            return ("-pk",)
        return (F("due_at").asc(nulls_last=True), "pk")

    def get_search_results(self, request, queryset, search_term):
        """A full reference, the start of one, an email address, or names (every word must
        start or appear in the first or last name, in any order, any case)."""
        term = " ".join(search_term.split())
        if not term:
            return queryset, False
        upper = term.upper()
        if upper.startswith("NAV-") and len(upper) == 13:
            return queryset.filter(reference=upper), False
        if upper.startswith("NAV-"):
            match = Q(reference__startswith=upper)
        elif "@" in term:
            match = Q(email__iexact=term)
        else:
            match = Q()
            for word in term.split(" "):
                match &= (
                    Q(first_name__icontains=word)
                    | Q(last_name__icontains=word)
                    | Q(patient_name__icontains=word)
                )
        # Find the matching ids by scanning a narrow index (reference, email, or names)
        # rather than the wide case rows; then the queue query stays an index read too.
        ids = list(Case.objects.filter(match).values_list("pk", flat=True)[: SEARCH_ID_LIMIT + 1])
        if len(ids) > SEARCH_ID_LIMIT:
            return queryset.filter(match), False  # a very broad search: filter in place
        return queryset.filter(pk__in=ids), False

    @admin.display(description=gettext_lazy("Patient"), ordering="patient_name")
    def patient_display(self, obj):
        name = obj.patient_name or format_html(
            # A relative or clinician who gave no name for the patient: say who wrote.
            '<em class="nav-unassigned">{}</em>',
            _("not given (%(name)s, %(role)s)")
            % {"name": obj.first_name, "role": obj.get_submitter_role_display().lower()},
        )
        if not getattr(obj, "unread_messages", False):
            return name
        return format_html(
            '{}<br><strong class="nav-message-waiting">{}</strong>', name, _("New message")
        )

    @admin.display(description=gettext_lazy("Disease"), ordering="disease")
    def disease_display(self, obj):
        short = DISEASE_SHORT.get(obj.disease, obj.disease)
        return format_html('<abbr title="{}">{}</abbr>', DIAGNOSES.get(obj.disease, ""), short)

    @admin.display(description=gettext_lazy("Priority"), ordering="priority")
    def priority_display(self, obj):
        label = Priority(obj.priority).label if obj.priority in Priority.values else obj.priority
        # The reason in one line under the badge, cut to the column (whole on hover and for
        # screen readers); the case file's header shows it in full.
        return format_html(
            '<span class="nav-priority nav-priority-{}">{}</span>'
            '<span class="nav-priority-why" title="{}">{}</span>',
            obj.priority,
            label,
            obj.priority_reason,
            obj.priority_reason,
        )

    @admin.display(description=gettext_lazy("Due"), ordering=F("due_at").asc(nulls_last=True))
    def due_display(self, obj):
        if obj.due_at is None:
            return "—"
        now = timezone.now()
        when = timezone.localtime(obj.due_at).strftime("%Y-%m-%d %H:%M")
        if is_overdue(obj, now):
            return format_html(
                '<strong class="nav-overdue" title="{}">{} {}</strong>',
                when,
                _("Overdue by"),
                describe_delay(now - obj.due_at),
            )
        return when

    @admin.display(description=gettext_lazy("Coordinator"), ordering="assigned_to__first_name")
    def assignee(self, obj):
        user = obj.assigned_to
        if user is None:
            return format_html('<em class="nav-unassigned">{}</em>', _("unassigned"))
        return user.get_full_name() or user.get_username()

    @admin.display(description=gettext_lazy("Screening"), ordering="screening_summary")
    def summary_display(self, obj):
        if not obj.newly_likely:
            return obj.screening_summary
        # A re-screen made these likely eligible since the coordinator last acknowledged.
        return format_html(
            '{}<br><strong class="nav-newly-likely">{}</strong>',
            obj.screening_summary,
            _("Newly likely: %(products)s") % {"products": obj.newly_likely_brands},
        )

    @admin.display(description=gettext_lazy("Docs"), ordering="document_count")
    def documents_display(self, obj):
        return obj.document_count

    @admin.display(description=gettext_lazy("Days"), ordering="-submitted_at")
    def days_open(self, obj):
        end = obj.closed_at or timezone.now()
        return max((end - obj.submitted_at).days, 0)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "notice": MEDICAL_ADVICE_NOTICE,
            "can_view_dashboard": request.user.has_perm("screening.view_dashboard"),
            "is_nav_sidebar_enabled": False,  # the queue needs the whole width
        }
        response = super().changelist_view(request, extra_context)
        # The queue shows names: who listed which page is in the access log.
        return record_list_page(request, response, AccessRecord.Action.LIST_CASES)

    def action_checkbox(self, obj):
        # Django's own markup, without rendering a widget template for each of 100 rows
        # (a quarter of the queue's rendering time).
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )

    # --- Bulk actions ------------------------------------------------------------------------

    def _report(self, request, outcome, done_message):
        if outcome.done:
            self.message_user(
                request,
                done_message % {"n": len(outcome.done), "cases": ", ".join(outcome.done)},
                messages.SUCCESS,
            )
        for reference, reason in outcome.refused.items():
            self.message_user(request, f"{reference}: {reason}", messages.WARNING)

    def _too_many(self, request, queryset) -> bool:
        if queryset[: BULK_LIMIT + 1].count() <= BULK_LIMIT:
            return False
        self.message_user(
            request,
            _("Select at most %(n)d cases for one action; narrow the filters first.")
            % {"n": BULK_LIMIT},
            messages.ERROR,
        )
        return True

    def _split_by_permission(self, request, queryset, check):
        allowed, refused = [], {}
        for case in queryset.select_related("assigned_to", "latest_run"):
            if check(request.user, case):
                allowed.append(case)
            else:
                refused[case.reference] = _("not yours to change (assigned to someone else).")
        return allowed, refused

    def _intermediate(self, request, queryset, form, action, title, button):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "action": action,
            "button": button,
            "cases": list(queryset.select_related("assigned_to")),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
            "form_url": request.get_full_path(),
        }
        return TemplateResponse(request, "admin/screening/case/bulk_action.html", context)

    @admin.action(description=gettext_lazy("Assign selected cases to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        if self._too_many(request, queryset):
            return None
        allowed, refused = self._split_by_permission(request, queryset, access.can_take_case)
        outcome = triage.bulk_assign(allowed, request.user, by=request.user)
        outcome.refused.update(refused)
        self._report(request, outcome, _("Assigned to you: %(cases)s."))

    @admin.action(
        description=gettext_lazy("Assign selected cases to a coordinator…"),
        permissions=["reassign"],
    )
    def assign_to_coordinator(self, request, queryset):
        if self._too_many(request, queryset):
            return None
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            assignee = form.cleaned_data["assignee"]
            outcome = triage.bulk_assign(list(queryset), assignee, by=request.user)
            self._report(
                request,
                outcome,
                _("Assigned to %(user)s: %%(cases)s.") % {"user": assignee.get_username()},
            )
            return None
        return self._intermediate(
            request,
            queryset,
            form,
            "assign_to_coordinator",
            _("Assign cases to a coordinator"),
            _("Assign"),
        )

    @admin.action(
        description=gettext_lazy("Change status of selected cases…"), permissions=["change"]
    )
    def change_status(self, request, queryset):
        if self._too_many(request, queryset):
            return None
        form = MoveForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            allowed, refused = self._split_by_permission(request, queryset, access.can_change_case)
            data = form.cleaned_data
            outcome = triage.bulk_change_status(
                allowed,
                data["target"],
                by=request.user,
                reason=data["reason"],
                outcome=data["outcome"],
            )
            outcome.refused.update(refused)
            self._report(
                request,
                outcome,
                _("Moved to “%(status)s”: %%(cases)s.")
                % {"status": CaseStatus(data["target"]).label},
            )
            return None
        return self._intermediate(
            request,
            queryset,
            form,
            "change_status",
            _("Change the status of cases"),
            _("Change status"),
        )

    @admin.action(description=gettext_lazy("Re-screen selected cases now"), permissions=["change"])
    def rescreen(self, request, queryset):
        if self._too_many(request, queryset):
            return None
        allowed, refused = self._split_by_permission(request, queryset, access.can_change_case)
        outcome = triage.BulkOutcome(refused=refused)
        unchanged = []
        for case in allowed:
            try:
                result = triage.rescreen_now(case, by=request.user)
            except InvalidMove as exc:  # an unscreenable stored profile: say so, go on
                outcome.refused[case.reference] = str(exc)
            else:
                (outcome.done if result.rescreened else unchanged).append(case.reference)
        self._report(request, outcome, _("Re-screened: %(cases)s."))
        if unchanged:
            self.message_user(
                request,
                _("Nothing new for %(cases)s: same answers and rules as their last screening.")
                % {"cases": ", ".join(unchanged)},
                messages.INFO,
            )

    @admin.action(
        description=gettext_lazy("Acknowledge the newly likely products of selected cases"),
        permissions=["change"],
    )
    def acknowledge_newly_likely(self, request, queryset):
        if self._too_many(request, queryset):
            return None
        allowed, refused = self._split_by_permission(request, queryset, access.can_change_case)
        outcome = triage.acknowledge_newly_likely(allowed, by=request.user)
        outcome.refused.update(refused)
        self._report(request, outcome, _("Newly likely products acknowledged: %(cases)s."))

    @admin.action(
        description="Email a summary to the patients of selected cases…",
        permissions=["reassign"],
    )
    def email_patient_summaries(self, request, queryset):
        """Leads only: one summary job per case (screening/summaries/bulk.py)."""
        if self._too_many(request, queryset):
            return None
        form = PatientSummariesForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            cases = queryset.select_related("latest_run")
            outcome = email_patient_summaries(cases, by=request.user)
            self._report(
                request,
                outcome,
                "Summaries queued for the patients of %(cases)s: they are sent in the "
                "background and appear on each case's timeline.",
            )
            return None
        return self._intermediate(
            request,
            queryset,
            form,
            "email_patient_summaries",
            "Email a summary to the patients of these cases",
            "Email the summaries",
        )

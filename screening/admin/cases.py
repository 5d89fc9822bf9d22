"""The case queue and the case page: where coordinators spend their day.

Thin: permissions come from screening/triage/access.py, every change goes through
screening/triage/actions.py (and the workflow's move_case), reads through casefile.py.
"""

from __future__ import annotations

from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from screening.admin import facts
from screening.admin.case_file import sections_context
from screening.admin.filters import (
    ALL,
    DISEASE_SHORT,
    AssignedFilter,
    CountryFilter,
    DiseaseFilter,
    OverdueFilter,
    ProductVerdictFilter,
    StatusFilter,
    status_filter_value,
)
from screening.admin.forms import (
    AssignForm,
    DuplicateForm,
    LabelledSplitDateTime,
    MoveForm,
    NoteForm,
    RecordsRequestForm,
)
from screening.core.workflow import ALLOWED_MOVES, InvalidMove
from screening.models import AccessRecord, Case, CaseStatus, Priority
from screening.rules.results import MEDICAL_ADVICE_NOTICE
from screening.rules.vocabulary import DIAGNOSES
from screening.triage import access
from screening.triage import actions as triage

# A search matching more cases than this filters the queue directly instead of by id list.
SEARCH_ID_LIMIT = 2000
# One bulk action works on at most this many cases (each is moved and logged on its own).
BULK_LIMIT = 500

# Editable on the case page by whoever may change the case; everything else is read-only
# there and changes only through the actions (status, assignment, records, duplicates).
EDITABLE_FIELDS = (
    "priority",
    "priority_reason",
    "due_at",
    "phone",
    "referring_physician",
    "referring_hospital",
    "treating_center_contacts",
    "target_center",
    "travel_needs",
    "admission_needs",
    "interpreter_needed",
    "interpreter_language",
)


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


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = (
        "reference",
        "patient_display",
        "disease_display",
        "status",
        "priority_display",
        "due_display",
        "assignee",
        "screening_summary",
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
    actions = ("assign_to_me", "assign_to_coordinator", "change_status", "rescreen")
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
            {
                "fields": (
                    "referring_physician",
                    "referring_hospital",
                    "treating_center_contacts",
                    "target_center",
                    "travel_needs",
                    "admission_needs",
                    "interpreter_needed",
                    "interpreter_language",
                )
            },
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

    # --- The queue ---------------------------------------------------------------------------

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
        if obj.patient_name:
            return obj.patient_name
        # A relative or clinician who gave no name for the patient: say who wrote.
        return format_html(
            '<em class="nav-unassigned">{}</em>',
            _("not given (%(name)s, %(role)s)")
            % {"name": obj.first_name, "role": obj.get_submitter_role_display().lower()},
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
        return super().changelist_view(request, extra_context)

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
            "action_urls": {
                name: reverse(f"admin:screening_case_{name}", args=[case.pk])
                for name in ("assign", "move", "records", "rescreen", "duplicate", "note")
            },
        }

    def save_model(self, request, obj, form, change):
        obj._change_reason = _("Details edited: %(fields)s") % {
            "fields": ", ".join(form.changed_data)
        }
        super().save_model(request, obj, form, change)

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(require_POST(view))

        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="screening_case_dashboard",
            ),
            path("<int:pk>/assign/", wrap(self.assign_view), name="screening_case_assign"),
            path("<int:pk>/move/", wrap(self.move_view), name="screening_case_move"),
            path("<int:pk>/records/", wrap(self.records_view), name="screening_case_records"),
            path("<int:pk>/rescreen/", wrap(self.rescreen_view), name="screening_case_rescreen"),
            path("<int:pk>/duplicate/", wrap(self.duplicate_view), name="screening_case_duplicate"),
            path("<int:pk>/note/", wrap(self.note_view), name="screening_case_note"),
            path(
                "<int:pk>/amend/<str:path>/",
                self.admin_site.admin_view(partial(facts.amend_view, self)),
                name="screening_case_amend",
            ),
            path(
                "<int:pk>/proposals/<int:proposal_id>/decide/",
                wrap(partial(facts.decide_proposal_view, self)),
                name="screening_case_decide_proposal",
            ),
            path(
                "<int:pk>/amendments/<int:amendment_id>/withdraw/",
                wrap(partial(facts.withdraw_view, self)),
                name="screening_case_withdraw_amendment",
            ),
        ] + super().get_urls()

    def dashboard_view(self, request):
        from screening.admin.dashboard import render_dashboard

        if not request.user.has_perm("screening.view_dashboard"):
            raise PermissionDenied
        return render_dashboard(request, self.admin_site)

    # Each case action: POST only, the case must be visible, the user must be allowed to act.

    def _case_for(self, request, pk) -> Case:
        case = self.get_object(request, pk)
        if case is None:
            raise Http404(_("No such case, or not one you can see."))
        return case

    def _case_to_change(self, request, pk) -> Case:
        case = self._case_for(request, pk)
        if not access.can_change_case(request.user, case):
            raise PermissionDenied
        return case

    def _back(self, case):
        return HttpResponseRedirect(reverse("admin:screening_case_change", args=[case.pk]))

    def _form_errors(self, request, form):
        for errors in form.errors.values():
            for error in errors:
                self.message_user(request, error, messages.ERROR)

    def _run(self, request, action, success):
        """Carry out a triage action; report its success, or the plain-words refusal."""
        try:
            action()
        except InvalidMove as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, success, messages.SUCCESS)

    def assign_view(self, request, pk):
        case = self._case_for(request, pk)
        user = request.user
        if request.POST.get("assignee") == "me":
            if not access.can_take_case(user, case):
                raise PermissionDenied
            assignee = user
        else:
            if not access.is_lead(user):
                raise PermissionDenied
            form = AssignForm(request.POST)
            if not form.is_valid():
                self._form_errors(request, form)
                return self._back(case)
            assignee = form.cleaned_data["assignee"]
        self._run(
            request,
            lambda: triage.assign_to(case, assignee, by=user),
            _("%(case)s is now assigned to %(user)s.")
            % {"case": case.reference, "user": assignee.get_username()},
        )
        return self._back(case)

    def move_view(self, request, pk):
        case = self._case_to_change(request, pk)
        # Bound without the case: any status is accepted here, and the workflow refuses the
        # moves this case cannot make with a message that says which ones it can.
        form = MoveForm(request.POST)
        if not form.is_valid():
            self._form_errors(request, form)
            return self._back(case)
        data = form.cleaned_data
        self._run(
            request,
            lambda: triage.change_status(
                case,
                data["target"],
                by=request.user,
                reason=data["reason"],
                outcome=data["outcome"],
            ),
            _("%(case)s moved to “%(status)s”.")
            % {"case": case.reference, "status": CaseStatus(data["target"]).label},
        )
        return self._back(case)

    def records_view(self, request, pk):
        case = self._case_to_change(request, pk)
        form = RecordsRequestForm(request.POST, case=case)
        if not form.is_valid():
            self._form_errors(request, form)
            return self._back(case)
        data = form.cleaned_data
        self._run(
            request,
            lambda: triage.request_records(
                case, data["facts"], data["categories"], data["message"], by=request.user
            ),
            _("Records requested from %(email)s for %(case)s; the case waits for them.")
            % {"email": case.email, "case": case.reference},
        )
        return self._back(case)

    def rescreen_view(self, request, pk):
        case = self._case_to_change(request, pk)
        try:
            result = triage.rescreen_now(case, by=request.user)
        except InvalidMove as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return self._back(case)
        if result.rescreened:
            self.message_user(request, _("Re-screened with the current rules."), messages.SUCCESS)
        else:
            self.message_user(
                request,
                _(
                    "Nothing new: the answers and the rules are the same as at the last "
                    "screening (or the case is not screened yet, or closed)."
                ),
                messages.INFO,
            )
        return self._back(case)

    def duplicate_view(self, request, pk):
        case = self._case_to_change(request, pk)
        form = DuplicateForm(request.POST)
        if not form.is_valid():
            self._form_errors(request, form)
            return self._back(case)
        original = (
            access.visible_cases(request.user)
            .filter(reference=form.cleaned_data["original"])
            .first()
        )
        if original is None:
            self.message_user(
                request,
                _("No case with the reference %(ref)s.") % {"ref": form.cleaned_data["original"]},
                messages.ERROR,
            )
            return self._back(case)
        self._run(
            request,
            lambda: triage.mark_duplicate(
                case, original, by=request.user, reason=form.cleaned_data["reason"]
            ),
            _("%(case)s closed as a duplicate of %(original)s.")
            % {"case": case.reference, "original": original.reference},
        )
        return self._back(case)

    def note_view(self, request, pk):
        case = self._case_to_change(request, pk)
        form = NoteForm(request.POST)
        if not form.is_valid():
            self._form_errors(request, form)
            return self._back(case)
        self._run(
            request,
            lambda: triage.add_note(case, form.cleaned_data["text"], by=request.user),
            _("Note added."),
        )
        return self._back(case)


def record_access_once(request, case: Case) -> None:
    """One access record per rendered page, however many times the admin asks."""
    seen = getattr(request, "_navigator_viewed_cases", None)
    if seen is None:
        seen = request._navigator_viewed_cases = set()
    if case.pk in seen:
        return
    seen.add(case.pk)
    access.record_access(request.user, AccessRecord.Action.VIEW_CASE, case=case, request=request)

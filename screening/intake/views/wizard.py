"""The intake wizard (/intake/ and /intake/<step>/): seven steps, one URL each.

Thin: the forms validate, screening.intake.submit stores drafts, documents and cases. The
wizard's state lives server-side in an IntakeDraft (views/storage.py); the session only holds
the draft's key. Every step works without JavaScript: Back, "Add another treatment", "Upload"
and "Remove" are ordinary submit buttons.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlWizardView, WizardView

from screening.core.throttle import hit_limit, uploads_allowed
from screening.core.tokens import status_path
from screening.intake.consent import CONSENT_VERSION
from screening.intake.forms import INTAKE_STEPS
from screening.intake.forms.treatment import MAX_LINES, MAX_TRANSPLANTS
from screening.intake.submit import (
    add_draft_documents,
    draft_documents,
    remove_draft_document,
    submission_key_for,
    submit_case,
)
from screening.intake.views.limits import rate_limited_page, too_many_uploads_page
from screening.intake.views.sent import remember_sent
from screening.intake.views.storage import storable
from screening.intake.vocabulary import DISEASES
from screening.models import Case, DocumentCategory
from screening.rules.profile import InvalidProfile

WIZARD_PREFIX = "intake"


class IntakeWizard(NamedUrlWizardView):
    storage_name = "screening.intake.views.storage.DraftStorage"
    # Documents are checked and stored by the documents step itself, never parked in a
    # formtools temporary file storage; this only satisfies formtools' FileField check.
    file_storage = None
    form_list = INTAKE_STEPS
    template_name = "intake/wizard.html"

    def get_prefix(self, request, *args, **kwargs):
        return WIZARD_PREFIX

    # --- what each step needs from earlier ones -----------------------------------------------

    def _cleaned(self, step: str) -> dict:
        return self.get_cleaned_data_for_step(step) or {}

    def get_form_kwargs(self, step=None):
        if step == "diagnosis":
            return {"birth_date": self._cleaned("about").get("date_of_birth")}
        if step == "status":
            return {"diagnosis": DISEASES.get(self._cleaned("diagnosis").get("disease"))}
        if step == "treatment":
            return {
                "birth_date": self._cleaned("about").get("date_of_birth"),
                "disease_status": self._cleaned("status").get("status"),
            }
        if step == "review":
            draft = self.storage.draft
            return {"submission_key": submission_key_for(draft) if draft else ""}
        return {}

    def _forget_cleaned_cache(self):
        for name in list(self.__dict__):
            if name.startswith("_cleaned_data_cache_"):
                delattr(self, name)

    def _store_raw(self, step: str):
        """Keep what was typed on a step being left unfinished (Back, Save, Add another)."""
        self.storage.set_step_data(step, storable(self.request.POST, f"{step}-"))
        self._forget_cleaned_cache()

    # --- GET ----------------------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        step = kwargs.get("step")
        if step == self.done_step_name:
            return redirect(self.get_step_url("review"))
        if step in self.get_form_list() and request.GET.get("from") == "review":
            self.storage.extra_data = {**self.storage.extra_data, "return_to_review": True}
        return super().get(request, *args, **kwargs)

    # --- POST ---------------------------------------------------------------------------------

    def post(self, *args, **kwargs):
        post = self.request.POST
        replayed = post.get("review-submission_key")
        if replayed and Case.objects.filter(submission_key=replayed[:64]).exists():
            # A refresh, double click or replay of a submit that already made its case.
            return redirect("intake_submitted")

        if self.storage.draft is None and hit_limit(
            self.request, "intake-start", settings.INTAKE_START_RATE
        ):
            # A new intake session (no draft yet) from an address that opened many.
            return rate_limited_page(self.request)

        management = ManagementForm(post, prefix=self.prefix)
        if not management.is_valid():
            raise SuspiciousOperation("intake: management form missing or tampered")
        step = management.cleaned_data["current_step"]
        if step not in self.get_form_list():
            return redirect(self.get_step_url(self.steps.first))
        self.storage.current_step = step
        form = self.get_form(step, data=post, files=self.request.FILES)

        if step == "documents":
            response = self._documents_post(form)
            if response is not None:
                return response
        if step == "treatment":
            for button, formset, limit in (
                ("add_line", "lines", MAX_LINES),
                ("add_transplant", "transplants", MAX_TRANSPLANTS),
            ):
                if button in post:
                    return self._add_form(step, formset, limit)

        goto = post.get("wizard_goto_step")
        if goto or "wizard_save" in post:
            self._store_raw(step)
            if "wizard_save" in post:
                return redirect("intake_save")
            if goto in self.get_form_list():
                return self.render_goto_step(goto)

        if not form.is_valid():
            return self.render(form)
        self.storage.set_step_data(step, self.process_step(form))
        self._forget_cleaned_cache()
        if step == "about":
            self._note_consent()
        if step == self.steps.last:
            return self.render_done(form, **kwargs)
        return self.render_next_step(form)

    def process_step(self, form):
        # The step's own fields only (no CSRF token, no buttons), as posted.
        return storable(form.data, f"{self.storage.current_step}-")

    def process_step_files(self, form):
        return {}

    def _note_consent(self):
        extra = self.storage.extra_data
        if extra.get("consent_version") != CONSENT_VERSION:
            self.storage.extra_data = {
                **extra,
                "consent_version": CONSENT_VERSION,
                "consented_at": timezone.now().isoformat(),
            }

    def _add_form(self, step: str, formset: str, limit: int):
        self._store_raw(step)
        data = self.storage.get_step_data(step) or {}
        stored = {key: data.getlist(key) for key in data}
        total_key = f"{step}-{formset}-TOTAL_FORMS"
        try:
            total = int(stored.get(total_key, ["1"])[0])
        except ValueError:
            total = 1
        total = max(0, min(total, limit - 1))
        stored[total_key] = [str(total + 1)]
        stored.setdefault(f"{step}-{formset}-INITIAL_FORMS", ["0"])
        self.storage.set_step_data(step, stored)
        return redirect(f"{self.get_step_url(step)}#{step}-{formset}-{total}-box")

    def _documents_post(self, form):
        post = self.request.POST
        remove = post.get("remove")
        if remove:
            self._store_raw("documents")
            removed = self.storage.draft and remove_draft_document(self.storage.draft, remove)
            if removed:
                messages.success(
                    self.request, _("Removed “%(name)s”.") % {"name": removed.original_name}
                )
            return redirect(self.get_step_url("documents"))

        files = self.request.FILES.getlist(form.add_prefix("files"))
        if files and not uploads_allowed(self.request, files):
            self._store_raw("documents")
            return too_many_uploads_page(self.request)
        form.is_valid()  # field checks first, so the errors below add to them
        if files:
            category = post.get(form.add_prefix("category"))
            if category not in DocumentCategory.values:
                form.add_error(
                    "category",
                    _("Choose what kind of document the files are, then choose the files again."),
                )
            else:
                outcome = add_draft_documents(self.storage.ensure_draft(), files, category)
                for message in outcome.rejected:
                    form.add_error("files", message)
                if outcome.stored:
                    names = ", ".join(f"“{d.original_name}”" for d in outcome.stored)
                    messages.success(
                        self.request,
                        ngettext(
                            "Added %(names)s.",
                            "Added %(count)s files: %(names)s.",
                            len(outcome.stored),
                        )
                        % {"names": names, "count": len(outcome.stored)},
                    )
        elif "upload" in post:
            form.add_error("files", _("Choose at least one file to upload."))
        if form.errors:
            self._store_raw("documents")
            return self.render(form)
        if "upload" in post:
            self._store_raw("documents")
            return redirect(self.get_step_url("documents"))
        return None

    # --- moving between steps -----------------------------------------------------------------

    def _first_incomplete_step(self) -> str | None:
        for step in self.get_form_list():
            if step != "review" and self.get_cleaned_data_for_step(step) is None:
                return step
        return None

    def render_next_step(self, form, **kwargs):
        if self.storage.extra_data.get("return_to_review"):
            target = self._first_incomplete_step() or "review"
            self.storage.current_step = target
            return redirect(self.get_step_url(target))
        return super().render_next_step(form, **kwargs)

    def render_revalidation_failure(self, failed_step, form, **kwargs):
        # The step the person is sent back to shows why.
        self.storage.extra_data = {**self.storage.extra_data, "show_errors": failed_step}
        return super().render_revalidation_failure(failed_step, form, **kwargs)

    def render_done(self, form, **kwargs):
        # Submitting happens here, in the POST, never on a GET of a "done" URL.
        if hit_limit(self.request, "intake-submit", settings.INTAKE_SUBMIT_RATE):
            return rate_limited_page(self.request)
        return WizardView.render_done(self, form, **kwargs)

    def done(self, form_list, form_dict=None, **kwargs):
        answers = {
            step: form.answers()
            for step, form in form_dict.items()
            if step not in {"documents", "review"}
        }
        answers["consent"] = {
            **form_dict["about"].consent(),
            "agreed_at": self.storage.extra_data.get("consented_at") or timezone.now().isoformat(),
        }
        key = form_dict["review"].cleaned_data["submission_key"]
        try:
            case = submit_case(answers, submission_key=key, draft=self.storage.draft)
        except InvalidProfile as problem:
            # The forms should make this impossible; if not, say so rather than fail.
            review = form_dict["review"]
            review.add_error(
                None, _("Some answers do not fit together: %(problem)s") % {"problem": problem}
            )
            return self.render(review)
        remember_sent(
            self.request,
            reference=case.reference,
            status_path=status_path(case.raw_status_token) if case.raw_status_token else None,
        )
        self.storage.detach()
        return redirect("intake_submitted")

    # --- rendering ----------------------------------------------------------------------------

    def render(self, form=None, **kwargs):
        form = form or self.get_form()
        step = self.steps.current
        show = self.storage.extra_data.get("show_errors")
        if show == step:
            self.storage.extra_data = {
                k: v for k, v in self.storage.extra_data.items() if k != "show_errors"
            }
        elif self.request.method == "GET" and form.is_bound:
            # Coming back to a step (Back, resume, "Add another") shows the answers as they
            # were, without shouting about what is not filled in yet.
            form.quiet()
        return super().render(form, **kwargs)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        step = self.steps.current
        context.update(
            {
                "step": step,
                "step_title": form.title,
                "step_template": f"intake/steps/{step}.html",
                "error_links": [] if form.is_quiet else form.error_links(),
                "step_titles": [
                    (name, form_class.title) for name, form_class in self.get_form_list().items()
                ],
            }
        )
        if step == "documents":
            context["documents"] = draft_documents(self.storage.draft)
        if step == "review":
            if self.storage.extra_data.get("return_to_review"):
                self.storage.extra_data = {
                    k: v for k, v in self.storage.extra_data.items() if k != "return_to_review"
                }
            context["sections"] = self._review_sections()
            context["documents"] = draft_documents(self.storage.draft)
        return context

    def _review_sections(self):
        sections = []
        for step in self.get_form_list():
            if step == "review":
                continue
            form = self.get_form(step=step, data=self.storage.get_step_data(step))
            complete = form.is_bound and form.is_valid()
            sections.append(
                {
                    "step": step,
                    "title": form.title,
                    "complete": complete or step == "documents",
                    "rows": form.summary() if complete else [],
                }
            )
        return sections

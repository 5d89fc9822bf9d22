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
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlWizardView, WizardView

from screening.core.throttle import hit_limit
from screening.core.tokens import status_path
from screening.intake.consent import CONSENT_VERSION
from screening.intake.forms import INTAKE_STEPS
from screening.intake.forms.treatment import MAX_LINES, MAX_TRANSPLANTS
from screening.intake.forms.wording import fills_in_for_self, pick
from screening.intake.submit import draft_documents, submission_key_for, submit_case
from screening.intake.views.documents_step import documents_context, documents_post
from screening.intake.views.formsets import add_entry, remove_entry
from screening.intake.views.limits import rate_limited_page
from screening.intake.views.sent import forget_sent, remember_sent, sent_form
from screening.intake.views.storage import storable
from screening.intake.vocabulary import DISEASES
from screening.models import Case
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
        about = self._cleaned("about") if step != "about" else {}
        kwargs = {"filled_by": about.get("submitter_role")} if step != "about" else {}
        if step == "diagnosis":
            kwargs["birth_date"] = about.get("date_of_birth")
        elif step == "status":
            kwargs["diagnosis"] = DISEASES.get(self._cleaned("diagnosis").get("disease"))
        elif step == "treatment":
            kwargs["birth_date"] = about.get("date_of_birth")
            kwargs["disease_status"] = self._cleaned("status").get("status")
        elif step == "review":
            draft = self.storage.draft
            kwargs["submission_key"] = submission_key_for(draft) if draft else ""
        return kwargs

    def _forget_cleaned_cache(self):
        for name in list(self.__dict__):
            if name.startswith("_cleaned_data_cache_"):
                delattr(self, name)

    def store_typed(self, step: str, form=None):
        """Keep what was typed on a step being left unfinished (Back, Save, Add another),
        without answers to questions the page does not ask."""
        form = form or self.get_form(step, data=self.request.POST)
        typed = storable(self.request.POST, f"{step}-")
        self.storage.set_step_data(step, form.without_hidden(typed))
        self._forget_cleaned_cache()

    # --- GET ----------------------------------------------------------------------------------

    def _already_sent(self) -> bool:
        """This browser sent its form and has not started another: every page of the wizard
        leads to the confirmation instead (Back after sending, a refresh, an old tab)."""
        return self.storage.draft is None and sent_form(self.request) is not None

    def get(self, request, *args, **kwargs):
        step = kwargs.get("step")
        if "reset" in request.GET:
            forget_sent(request)  # "Fill in a new form"
        elif self._already_sent():
            return redirect("intake_submitted")
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
        if self._already_sent():
            return redirect("intake_submitted")  # nothing from an old page is stored

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
            response = documents_post(self, form)
            if response is not None:
                return response
        if step == "treatment":
            response = self._treatment_lists(form)
            if response is not None:
                return response

        goto = post.get("wizard_goto_step")
        if goto or "wizard_save" in post:
            self.store_typed(step, form)
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
        # The step's own fields only (no CSRF token, no buttons), as posted, without answers
        # to questions the page does not ask.
        return form.without_hidden(storable(form.data, f"{self.storage.current_step}-"))

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

    def _treatment_lists(self, form):
        """ "Add another" and "Remove this" on the treatment step: each changes the list at once
        and comes back to it, keeping everything else typed on the page."""
        post = self.request.POST
        for button, name, limit in (
            ("add_line", "lines", MAX_LINES),
            ("add_transplant", "transplants", MAX_TRANSPLANTS),
        ):
            if button in post:
                self.store_typed("treatment", form)
                stored = self._stored_lists("treatment")
                index = add_entry(stored, f"treatment-{name}", limit)
                self.storage.set_step_data("treatment", stored)
                return redirect(f"{self.get_step_url('treatment')}#treatment-{name}-{index}-box")
        for button, name, removed in (
            ("remove_line", "lines", _("Removed treatment %(number)d.")),
            ("remove_transplant", "transplants", _("Removed transplant %(number)d.")),
        ):
            if button in post:
                self.store_typed("treatment", form)
                stored = self._stored_lists("treatment")
                try:
                    index = int(post[button])
                except ValueError:
                    index = -1
                if remove_entry(stored, f"treatment-{name}", index):
                    self.storage.set_step_data("treatment", stored)
                    messages.success(self.request, removed % {"number": index + 1})
                return redirect(f"{self.get_step_url('treatment')}#treatment-{name}-list")
        return None

    def _stored_lists(self, step: str) -> dict[str, list[str]]:
        data = self.storage.get_step_data(step) or {}
        return {key: data.getlist(key) for key in data}

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
                "step_title": form.word(form.title),
                "step_template": f"intake/steps/{step}.html",
                "error_links": [] if form.is_quiet else form.error_links(),
                "progress": self._progress(),
            }
        )
        if step == "documents":
            context.update(documents_context(self))
        if step == "review":
            if self.storage.extra_data.get("return_to_review"):
                self.storage.extra_data = {
                    k: v for k, v in self.storage.extra_data.items() if k != "return_to_review"
                }
            context["sections"] = self._review_sections()
            context["documents"] = draft_documents(self.storage.draft)
        return context

    def _progress(self) -> list[dict]:
        """The step list: each step's name, whether it is done (answered and valid), and the
        one the person is on. Done steps are buttons that keep what is typed on this page."""
        current = self.steps.current
        to_patient = fills_in_for_self(self._cleaned("about").get("submitter_role"))
        progress = []
        for number, (step, form_class) in enumerate(self.get_form_list().items(), start=1):
            done = (
                step != "review"
                and self.storage.get_step_data(step) is not None
                and self.get_cleaned_data_for_step(step) is not None
            )
            state = "current" if step == current else "done" if done else "upcoming"
            title = pick(form_class.title, to_patient)
            progress.append({"step": step, "number": number, "title": title, "state": state})
        return progress

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
                    "title": form.word(form.title),
                    "complete": complete or step == "documents",
                    "rows": form.summary() if complete else [],
                }
            )
        return sections

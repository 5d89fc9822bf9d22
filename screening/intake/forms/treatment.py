"""Step 4: the treatment history, as any number of lines, transplants and other treatments.

The screening profile's prior_lines, prior_therapies and relapse_within_12_months are derived
from these entries (screening/intake/derivation.py), never asked as numbers. Without
JavaScript, "Add another treatment" posts the page and comes back with one more blank line.
"""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from screening.intake.forms.fields import (
    NO,
    UNKNOWN,
    YES,
    ErrorLink,
    MonthField,
    StepForm,
    display_value,
    field_anchor,
    month_text,
    month_words,
    short_label,
    step_helper,
)
from screening.intake.forms.wording import worded
from screening.intake.vocabulary import STATUSES

MAX_LINES = 30
MAX_TRANSPLANTS = 10

# Drug classes a treatment line can have (transplants are asked separately).
LINE_CLASS_CHOICES = [
    ("chemotherapy", _("Chemotherapy")),
    (
        "anthracycline",
        _("An anthracycline (doxorubicin, daunorubicin, idarubicin; the “H” in CHOP)"),
    ),
    ("anti_cd20", _("Rituximab or another anti-CD20 antibody (obinutuzumab)")),
    ("btk_inhibitor", _("A BTK inhibitor (ibrutinib, acalabrutinib, zanubrutinib, pirtobrutinib)")),
    ("bcl2_inhibitor", _("Venetoclax (a BCL-2 inhibitor)")),
    ("imid", _("Lenalidomide, pomalidomide or thalidomide (an IMiD)")),
    ("proteasome_inhibitor", _("Bortezomib, carfilzomib or ixazomib (a proteasome inhibitor)")),
    ("anti_cd38", _("Daratumumab or isatuximab (an anti-CD38 antibody)")),
    ("tki", _("Imatinib, dasatinib, nilotinib, ponatinib or bosutinib (a BCR-ABL TKI)")),
    ("hypomethylating_agent", _("Azacitidine or decitabine (a hypomethylating agent)")),
    ("blinatumomab", _("Blinatumomab (Blincyto)")),
    ("inotuzumab", _("Inotuzumab ozogamicin (Besponsa)")),
    ("cd19_car_t", _("CD19 CAR-T (Kymriah, Yescarta, Breyanzi, Tecartus, Aucatzyl)")),
    ("bcma_car_t", _("BCMA CAR-T (Abecma, Carvykti)")),
    (
        "bcma_bispecific",
        _("Teclistamab (Tecvayli), elranatamab (Elrexfio) or linvoseltamab (Lynozyfic)"),
    ),
    ("gprc5d_directed", _("Talquetamab (Talvey) or another treatment against GPRC5D")),
    ("bcma_adc", _("Belantamab mafodotin (Blenrep)")),
    (
        "cd20_bispecific",
        _("Epcoritamab (Epkinly), glofitamab (Columvi) or mosunetuzumab (Lunsumio)"),
    ),
    ("menin_inhibitor", _("Revumenib (Revuforj) or ziftomenib (Komzifti)")),
]

# Blinatumomab, inotuzumab and CAR-T are asked once, in "ever had" below (OTHER_TREATMENTS),
# not again in each line: a line shows only the other kinds. A line may still carry them (the
# API's documents, FHIR medications, a recognised name such as "Kymriah").
ASKED_ONCE = frozenset({"blinatumomab", "inotuzumab", "cd19_car_t", "bcma_car_t"})
LINE_CLASS_CHOICES_SHOWN = [choice for choice in LINE_CLASS_CHOICES if choice[0] not in ASKED_ONCE]

RESPONSE_CHOICES = [
    ("", _("Choose the best response")),
    ("complete", _("Complete remission: no sign of the cancer")),
    ("partial", _("Partial response: it shrank")),
    ("stable", _("No change (stable disease)")),
    ("progression", _("It grew during treatment")),
    ("too_early", _("Too early to tell, or still on it")),
    ("unknown", _("Not sure")),
]

TRANSPLANT_CHOICES = [
    ("", _("Choose the kind of transplant")),
    (
        "autologous",
        worded(
            _("Using your own stem cells (autologous)"),
            _("Using the patient's own stem cells (autologous)"),
        ),
    ),
    ("allogeneic", _("Using stem cells from a donor (allogeneic)")),
    ("unknown", _("Not sure which kind")),
]

OTHER_TREATMENT_CHOICES = [
    (
        "cd19_car_t",
        _("CAR-T cell therapy against CD19 (Kymriah, Yescarta, Breyanzi, Tecartus, Aucatzyl)"),
    ),
    ("bcma_car_t", _("CAR-T cell therapy against BCMA (Abecma, Carvykti)")),
    ("car_t_other", _("Another CAR-T cell therapy, for example in a trial")),
    ("car_t_unknown", _("CAR-T cell therapy, not sure which")),
    ("blinatumomab", _("Blinatumomab (Blincyto), a bispecific antibody")),
    (
        "bcma_bispecific",
        _(
            "A bispecific antibody against BCMA: teclistamab (Tecvayli), elranatamab (Elrexfio) "
            "or linvoseltamab (Lynozyfic)"
        ),
    ),
    (
        "gprc5d_directed",
        _("Talquetamab (Talvey), or another treatment against GPRC5D, for example in a trial"),
    ),
    (
        "cd20_bispecific",
        _(
            "A bispecific antibody against CD20: epcoritamab (Epkinly), glofitamab (Columvi) or "
            "mosunetuzumab (Lunsumio)"
        ),
    ),
    ("bispecific_other", _("Another bispecific antibody not listed here, for example in a trial")),
    ("inotuzumab", _("Inotuzumab ozogamicin (Besponsa), an antibody-drug conjugate")),
    ("bcma_adc", _("Belantamab mafodotin (Blenrep), an antibody-drug conjugate")),
    ("adc_other", _("Another antibody-drug conjugate (for example polatuzumab, brentuximab)")),
    ("menin_inhibitor", _("A menin inhibitor: revumenib (Revuforj) or ziftomenib (Komzifti)")),
]

HAD_TREATMENT_CHOICES = [
    (YES, _("Yes")),
    (NO, _("No, not yet")),
    (UNKNOWN, _("Not sure")),
]

# Statuses that only follow treatment: "no treatment yet" cannot go with them.
AFTER_TREATMENT_STATUSES = frozenset(STATUSES) - {"newly_diagnosed", "unknown"}


BEFORE_BIRTH = worded(
    _("This is before your date of birth. Check the year."),
    _("This is before the patient's date of birth. Check the year."),
)
MONTH_HINT = _("Month and year. A best guess is fine.")


class TreatmentLineForm(StepForm):
    name = forms.CharField(
        label=_("Name of the treatment or regimen"),
        help_text=_(
            "For example R-CHOP, VRd, ibrutinib, Tec-Dara, or “induction chemotherapy”. If "
            "Navigator does not know the name, the coordinator will ask you about it."
        ),
        max_length=200,
        required=False,
    )
    classes = short_label(
        forms.MultipleChoiceField(
            label=_("Which kinds of drug did it include? Tick all you know."),
            choices=LINE_CLASS_CHOICES,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        ),
        _("Kinds of drug"),
    )
    start = MonthField(label=_("Started (optional)"), help_text=MONTH_HINT, required=False)
    end = MonthField(
        label=_("Ended (optional)"),
        help_text=_("Month and year. Leave empty if it is still going on."),
        required=False,
    )
    best_response = forms.ChoiceField(
        label=_("Best response to this treatment (optional)"),
        choices=RESPONSE_CHOICES,
        required=False,
    )
    relapse = short_label(
        MonthField(
            label=_("If the disease came back after it: when? (optional)"),
            help_text=MONTH_HINT,
            required=False,
        ),
        _("Came back"),
    )

    def __init__(self, *args, birth_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.birth_date = birth_date
        self.fields["classes"].widget.choices = LINE_CLASS_CHOICES_SHOWN
        if "DELETE" in self.fields:
            # Only the API sends it; the page has a "Remove this treatment" button instead.
            self.fields["DELETE"].label = _("Remove this treatment")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("name", "").strip() and not cleaned.get("classes"):
            self.add_error(
                "name",
                _("Give the name of the treatment, or tick the kinds of drug it included."),
            )
        start, end, relapse = cleaned.get("start"), cleaned.get("end"), cleaned.get("relapse")
        if start and end and end < start:
            self.add_error("end", _("The end month is before the start month."))
        if start and relapse and relapse < start:
            self.add_error(
                "relapse", _("The disease cannot come back before the treatment started.")
            )
        if self.birth_date and start and start < self.birth_date.replace(day=1):
            self.add_error("start", self.word(BEFORE_BIRTH))
        return cleaned

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "classes": list(data["classes"]),
            "start": month_text(data["start"]),
            "end": month_text(data["end"]),
            "best_response": data["best_response"] or None,
            "relapse": month_text(data["relapse"]),
        }


class TransplantForm(StepForm):
    kind = forms.ChoiceField(
        label=_("Kind of stem cell transplant"), choices=TRANSPLANT_CHOICES, required=False
    )
    date = MonthField(label=_("When? (optional)"), help_text=MONTH_HINT, required=False)

    def __init__(self, *args, birth_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.birth_date = birth_date
        if "DELETE" in self.fields:
            self.fields["DELETE"].label = _("Remove this transplant")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("kind") and self.has_changed():
            self.add_error("kind", _("Choose the kind of transplant, or “Not sure which kind”."))
        when = cleaned.get("date")
        if self.birth_date and when and when < self.birth_date.replace(day=1):
            self.add_error("date", self.word(BEFORE_BIRTH))
        return cleaned

    def answers(self) -> dict:
        return {"kind": self.cleaned_data["kind"], "date": month_text(self.cleaned_data["date"])}


def formset_messages(too_many) -> dict:
    """A formset's own messages in plain words, never naming its hidden counters."""
    out_of_date = _("This page was out of date. Please check the treatments and send it again.")
    return {"missing_management_form": out_of_date, "too_many_forms": too_many}


LineFormSet = formset_factory(
    TreatmentLineForm,
    extra=1,
    can_delete=True,
    max_num=MAX_LINES,
    absolute_max=MAX_LINES,
    validate_max=True,
)
TransplantFormSet = formset_factory(
    TransplantForm,
    extra=1,
    can_delete=True,
    max_num=MAX_TRANSPLANTS,
    absolute_max=MAX_TRANSPLANTS,
    validate_max=True,
)


def _line_text(form) -> str:
    data = form.cleaned_data
    parts = [data["name"].strip()] if data["name"].strip() else []
    if data["classes"]:
        parts.append(display_value(form.fields["classes"], data["classes"]))
    start, end = month_words(data["start"]), month_words(data["end"])
    if start and end:
        parts.append(_("%(start)s to %(end)s") % {"start": start, "end": end})
    elif start:
        parts.append(_("from %(start)s, still going on") % {"start": start})
    elif end:
        parts.append(_("until %(end)s") % {"end": end})
    if data["best_response"]:
        parts.append(
            _("best response: %(response)s")
            % {"response": display_value(form.fields["best_response"], data["best_response"])}
        )
    if data["relapse"]:
        parts.append(_("came back %(month)s") % {"month": month_words(data["relapse"])})
    return " · ".join(str(part) for part in parts)


def _kept(formset) -> list[forms.Form]:
    """The filled-in forms of a valid formset that are not marked for removal."""
    return [
        form
        for form in formset.forms
        if form.has_changed() and not form.cleaned_data.get("DELETE", False)
    ]


class TreatmentForm(StepForm):
    """The step's own questions plus two formsets (lines and transplants), validated as one."""

    title = _("Treatment so far")

    had_treatment = forms.ChoiceField(
        label=worded(
            _("Have you had any treatment for this cancer so far?"),
            _("Has the patient had any treatment for this cancer so far?"),
        ),
        help_text=_(
            "If you are not sure of every treatment, choose “Not sure” and upload a treatment "
            "summary in the documents step."
        ),
        choices=HAD_TREATMENT_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes, no or not sure.")},
    )
    other_treatments = short_label(
        forms.MultipleChoiceField(
            label=worded(
                _("Have you ever had any of these? Tick all that apply."),
                _("Has the patient ever had any of these? Tick all that apply."),
            ),
            help_text=_(
                "Whether as one of the treatments above or on their own. Leave them all "
                "unticked if none."
            ),
            choices=OTHER_TREATMENT_CHOICES,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        ),
        _("CAR-T, bispecific antibodies and antibody-drug conjugates"),
    )
    other_details = forms.CharField(
        label=_("Names of any other targeted treatments (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, birth_date=None, disease_status=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.birth_date = birth_date
        self.disease_status = disease_status
        data = self.data if self.is_bound else None
        if data is not None and any(
            self.add_prefix(f"{name}-TOTAL_FORMS") not in data for name in ("lines", "transplants")
        ):
            # A page without its lists' hidden counters (an old or cut-off post): show one
            # blank entry of each, as a new page does, rather than an error about counters.
            data = self.data = data.copy()
            for name in ("lines", "transplants"):
                data.setdefault(self.add_prefix(f"{name}-TOTAL_FORMS"), "1")
                data.setdefault(self.add_prefix(f"{name}-INITIAL_FORMS"), "0")
        form_kwargs = {"birth_date": birth_date, "filled_by": self.filled_by}
        self.lines = LineFormSet(
            data,
            prefix=self.add_prefix("lines"),
            form_kwargs=form_kwargs,
            error_messages=formset_messages(
                _("You can list at most %(num)d treatments here. Add the rest as notes.")
            ),
        )
        self.transplants = TransplantFormSet(
            data,
            prefix=self.add_prefix("transplants"),
            form_kwargs=form_kwargs,
            error_messages=formset_messages(_("You can list at most %(num)d transplants here.")),
        )
        # The formsets are drawn by the step's template between these two parts.
        self.helper = step_helper("had_treatment")
        self.other_helper = step_helper("other_treatments", "other_details")

    def quiet(self) -> None:
        super().quiet()
        for formset in (self.lines, self.transplants):
            formset._non_form_errors = formset.error_class()
            for form in formset.forms:
                form._errors = ErrorDict()
            formset._errors = [form._errors for form in formset.forms]

    def is_valid(self) -> bool:
        # Every part is validated (not short-circuited) so every error shows at once.
        results = [super().is_valid(), self.lines.is_valid(), self.transplants.is_valid()]
        return all(results)

    def clean(self):
        cleaned = super().clean()
        had = cleaned.get("had_treatment")
        if not (self.lines.is_valid() and self.transplants.is_valid()):
            return cleaned
        lines, transplants = _kept(self.lines), _kept(self.transplants)
        if had == NO and (lines or transplants or cleaned.get("other_treatments")):
            self.add_error(
                "had_treatment",
                _(
                    "You chose “No, not yet” but also entered treatments. Choose “Yes”, or "
                    "remove the treatments."
                ),
            )
        elif had == NO and self.disease_status in AFTER_TREATMENT_STATUSES:
            self.add_error(
                "had_treatment",
                _(
                    "In the previous step the disease is in remission, has come back or is not "
                    "responding, which follows treatment. Add the treatments, or choose “Not "
                    "sure”."
                ),
            )
        elif had == YES and not lines:
            self.add_error(
                "had_treatment",
                _("Add at least one treatment below (a name is enough), or choose “Not sure”."),
            )
        return cleaned

    def error_links(self) -> list[ErrorLink]:
        links = super().error_links()
        for title, formset in (
            (_("Treatment %(number)s"), self.lines),
            (_("Transplant %(number)s"), self.transplants),
        ):
            if not formset.is_bound:
                continue
            for error in formset.non_form_errors():
                links.append(ErrorLink(f"{formset.prefix}-list", str(error)))
            for index, form in enumerate(formset.forms):
                where = title % {"number": index + 1}
                for name, errors in form.errors.items():
                    anchor = (
                        field_anchor(form[name]) if name in form.fields else f"{form.prefix}-box"
                    )
                    label = form.fields[name].label if name in form.fields else ""
                    for error in errors:
                        links.append(
                            ErrorLink(
                                anchor,
                                " ".join(filter(None, [f"{where}:", str(label or ""), str(error)])),
                            )
                        )
        return links

    def summary(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        rows = [
            (
                str(self.fields["had_treatment"].label),
                display_value(self.fields["had_treatment"], data["had_treatment"]),
            )
        ]
        for number, form in enumerate(_kept(self.lines), start=1):
            rows.append((str(_("Treatment %(number)s") % {"number": number}), _line_text(form)))
        for number, form in enumerate(_kept(self.transplants), start=1):
            when = month_words(form.cleaned_data["date"])
            kind = display_value(form.fields["kind"], form.cleaned_data["kind"])
            rows.append(
                (
                    str(_("Transplant %(number)s") % {"number": number}),
                    f"{kind}, {when}" if when else kind,
                )
            )
        for name in ("other_treatments", "other_details"):
            rows.append(
                (str(self.fields[name].label), display_value(self.fields[name], data[name]))
            )
        return rows

    def answers(self) -> dict:
        data = self.cleaned_data
        had = data["had_treatment"]
        return {
            "had_treatment": had,
            "lines": [form.answers() for form in _kept(self.lines)] if had != NO else [],
            "transplants": [form.answers() for form in _kept(self.transplants)]
            if had != NO
            else [],
            "other_treatments": list(data["other_treatments"]),
            "other_details": data["other_details"],
        }

"""Step 2: the diagnosis in plain words, its details, when, and the test results that matter.

The biomarker questions depend on the disease, and the page must work without JavaScript, so
the step has two parts: once a disease is chosen, the same page comes back with the test
questions for that disease (answers kept). A hidden input records which disease the questions
on the page were for; when the disease changes, the questions are asked again.
"""

from __future__ import annotations

from crispy_forms.layout import Fieldset
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from screening.intake.forms.fields import (
    TRI_STATE_CHOICES,
    UNKNOWN,
    MonthField,
    StepForm,
    month_text,
    paragraph,
    step_helper,
    tri_state_field,
)
from screening.intake.vocabulary import DISEASES, RELEVANT_BIOMARKERS

DISEASE_GROUPS = [
    ("", _("Choose the diagnosis")),
    (
        _("Leukemia"),
        [
            ("b_all", _("Acute lymphoblastic leukemia (ALL), B-cell type (B-ALL)")),
            ("t_all", _("Acute lymphoblastic leukemia (ALL), T-cell type (T-ALL)")),
            ("all_unsure", _("Acute lymphoblastic leukemia (ALL), not sure which type")),
            ("aml", _("Acute myeloid leukemia (AML)")),
            ("mpal", _("Mixed-phenotype acute leukemia (MPAL)")),
            ("cll", _("Chronic lymphocytic leukemia (CLL)")),
            ("leukemia_unsure", _("Leukemia, not sure which kind")),
        ],
    ),
    (
        _("Lymphoma"),
        [
            ("dlbcl", _("Diffuse large B-cell lymphoma (DLBCL)")),
            (
                "dlbcl_transformed",
                _(
                    "Large B-cell lymphoma that grew out of (transformed from) a slow-growing "
                    "lymphoma"
                ),
            ),
            ("hgbcl", _("High-grade B-cell lymphoma (for example “double-hit” or “triple-hit”)")),
            ("pmbcl", _("Primary mediastinal large B-cell lymphoma (PMBCL)")),
            (
                "lbcl_other",
                _("Another large B-cell lymphoma (for example T-cell/histiocyte-rich)"),
            ),
            ("pcnsl", _("Lymphoma of the brain or spinal cord only (primary CNS lymphoma)")),
            ("fl", _("Follicular lymphoma (FL), grade 1, 2 or 3A")),
            ("mcl", _("Mantle cell lymphoma (MCL)")),
            ("mzl", _("Marginal zone lymphoma (MZL)")),
            ("sll", _("Small lymphocytic lymphoma (SLL)")),
            ("lymphoma_unsure", _("Lymphoma, not sure which kind")),
        ],
    ),
    (_("Myeloma"), [("mm", _("Multiple myeloma"))]),
    (_("Not sure"), [("unsure", _("I am not sure of the diagnosis"))]),
]

DISEASE_LABELS = {key: label for _group, options in DISEASE_GROUPS[1:] for key, label in options}
assert set(DISEASE_LABELS) == set(DISEASES), "every disease offered must map to the schema"

BIOMARKER_QUESTIONS = {
    "cd19_positive": (
        _("Are the cancer cells CD19-positive?"),
        _("Usually in the flow cytometry or pathology (immunohistochemistry) report."),
    ),
    "cd22_positive": (
        _("Are the leukemia cells CD22-positive?"),
        _("Usually in the flow cytometry report."),
    ),
    "bcma_positive": (
        _("Are the myeloma cells BCMA-positive?"),
        _("Usually in the bone marrow flow cytometry or pathology report."),
    ),
    "kmt2a_rearranged": (
        _("Is there a KMT2A (also called MLL) translocation or fusion?"),
        _(
            "In the cytogenetics, FISH or molecular report, sometimes written “11q23” or "
            "“MLL-r”. A KMT2A “partial tandem duplication” alone counts as No."
        ),
    ),
    "npm1_mutated": (
        _("Is there an NPM1 mutation?"),
        _("In the molecular (NGS or PCR) report."),
    ),
    "philadelphia_positive": (
        _("Is the Philadelphia chromosome present (BCR::ABL1, t(9;22))?"),
        _("In the cytogenetics, FISH or BCR::ABL1 PCR report."),
    ),
}


class DiagnosisForm(StepForm):
    title = _("Diagnosis")

    disease = forms.ChoiceField(
        label=_("What is the diagnosis?"),
        help_text=_("As written in the pathology report or the doctor's letter."),
        choices=DISEASE_GROUPS,
        error_messages={"required": _("Choose the diagnosis, or “I am not sure”.")},
    )
    subtype_details = forms.CharField(
        label=_("Anything else the report says about the type (optional)"),
        help_text=_(
            "For example “grade 3A”, “germinal center type”, “double-hit”, or "
            "“transformed from follicular lymphoma”."
        ),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    diagnosed_on = MonthField(
        label=_("When was it diagnosed? (optional)"),
        help_text=_("Month and year, for example 2024-03. A best guess is fine."),
        required=False,
    )
    # The disease whose test questions are on the page.
    biomarkers_for = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, birth_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.birth_date = birth_date
        self.needs_biomarkers = False
        if self.is_bound:
            chosen = self.data.get(self.add_prefix("disease"))
        else:
            chosen = self.initial.get("disease")
        self.biomarker_disease = chosen if chosen in DISEASES else ""
        self.biomarker_keys = RELEVANT_BIOMARKERS.get(self.biomarker_disease, ())
        for key in self.biomarker_keys:
            label, help_text = BIOMARKER_QUESTIONS[key]
            self.fields[f"marker_{key}"] = tri_state_field(
                label, help_text=help_text, choices=TRI_STATE_CHOICES, initial=UNKNOWN
            )
        name = self.add_prefix("biomarkers_for")
        if self.is_bound:
            data = self.data.copy()
            if self.biomarker_keys and data.get(name) != self.biomarker_disease:
                # The questions for this disease were not on the page yet: ask them, with
                # "not tested or not sure" chosen until the person says otherwise.
                self.needs_biomarkers = True
                for key in self.biomarker_keys:
                    marker = self.add_prefix(f"marker_{key}")
                    if not data.get(marker):
                        data[marker] = UNKNOWN
            data[name] = self.biomarker_disease
            self.data = data
        else:
            self.fields["biomarkers_for"].initial = self.biomarker_disease
        layout = [Fieldset(_("The diagnosis"), "disease", "subtype_details", "diagnosed_on")]
        if self.biomarker_keys:
            intro = _(
                "Only the tests that matter for this diagnosis. If a report does not mention "
                "one, choose “Not tested or not sure”."
            )
            layout.append(
                Fieldset(
                    _("Test results"),
                    paragraph(intro),
                    *(f"marker_{key}" for key in self.biomarker_keys),
                    css_id="test-results",
                )
            )
        self.helper = step_helper(*layout, "biomarkers_for")

    def is_valid(self) -> bool:
        # Choosing a disease first brings its test questions: a next step, not an error.
        return super().is_valid() and not self.needs_biomarkers

    def clean_diagnosed_on(self):
        month = self.cleaned_data.get("diagnosed_on")
        if month and self.birth_date and month < self.birth_date.replace(day=1):
            raise ValidationError(
                _("The diagnosis date is before the patient's date of birth. Check the year."),
                code="before_birth",
            )
        return month

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "disease": data["disease"],
            "diagnosis": DISEASES[data["disease"]],
            "subtype_details": data["subtype_details"],
            "diagnosed_on": month_text(data["diagnosed_on"]),
            "biomarkers": {key: data[f"marker_{key}"] for key in self.biomarker_keys},
        }

"""The answers as the person sent them, for them to keep: the printable page and its PDF,
opened with the case's status token from the confirmation page and the status page.

Read from `Case.intake` (what the wizard stored) with the wizard's own questions, choices and
wording for who filled it in, in the active language (the case's): each step form is built
for that reader and each stored answer shown with the label and the words the review page
used. Questions the person was not asked are not listed; nothing derived is shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _

from screening.intake.forms import (
    AboutForm,
    DiagnosisForm,
    DiseaseNowForm,
    HealthForm,
    TreatmentForm,
)
from screening.intake.forms.about import CONSENT_SHORT_NAMES
from screening.intake.forms.fields import (
    DayMonthYearField,
    MonthField,
    display_value,
    month_words,
)
from screening.intake.forms.treatment import TransplantForm, TreatmentLineForm, _line_text
from screening.models import Case


@dataclass(frozen=True)
class Row:
    question: str
    answer: str


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class PrintedAnswers:
    reference: str
    sent_at: dt.datetime
    sections: list[Section]
    documents: list[Row]
    # False for a case not sent through the form (a referring hospital's): nothing to list.
    given: bool = True


def _typed(form_field: forms.Field, value):
    """A stored (JSON) answer as the form's cleaned value: months and dates become dates."""
    if isinstance(value, str) and value:
        try:
            if isinstance(form_field, MonthField):
                return dt.date.fromisoformat(f"{value}-01")
            if isinstance(form_field, forms.DateField | DayMonthYearField):
                return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _rows(form: forms.Form, answers: dict, names: dict | None = None) -> list[Row]:
    """(question, answer) for each stored answer the form asks, in the form's order; `names`
    maps a field's name to the answer's key where they differ."""
    keys = {name: name for name in answers} | {v: k for k, v in (names or {}).items()}
    rows = []
    for name, form_field in form.fields.items():
        key = keys.get(name)
        if key is None or key not in answers or form_field.widget.is_hidden:
            continue
        value = _typed(form_field, answers[key])
        rows.append(Row(str(form_field.label), display_value(form_field, value)))
    return rows


def _about(answers: dict, consent: dict, role) -> Section:
    form = AboutForm(initial={"submitter_role": role})
    shown = dict(answers)
    if role == "patient":  # the patient's own name is theirs: not asked twice
        shown.pop("patient_first_name", None)
        shown.pop("patient_last_name", None)
    section = Section("about", str(form.word(form.title)), _rows(form, shown))
    agreed_word = {"processing": _("Agreed"), "sharing": _("Agreed")}
    for key, label in CONSENT_SHORT_NAMES.items():
        if key in consent:
            yes = agreed_word.get(key, _("Understood"))
            section.rows.append(Row(str(label), str(yes if consent[key] else _("Not agreed"))))
    return section


def _diagnosis(answers: dict, role) -> Section:
    form = DiagnosisForm(filled_by=role, initial={"disease": answers.get("disease")})
    markers = {f"marker_{key}": value for key, value in (answers.get("biomarkers") or {}).items()}
    stored = {k: v for k, v in answers.items() if k not in ("biomarkers", "diagnosis")}
    return Section("diagnosis", str(form.word(form.title)), _rows(form, stored | markers))


def _status(answers: dict, diagnosis, role) -> Section:
    form = DiseaseNowForm(filled_by=role, diagnosis=diagnosis)
    return Section("status", str(form.word(form.title)), _rows(form, answers))


def _line(number: int, line: dict, role) -> Row:
    form = TreatmentLineForm(filled_by=role)
    form.cleaned_data = {
        "name": line.get("name") or "",
        "classes": line.get("classes") or [],
        "best_response": line.get("best_response"),
        **{k: _typed(form.fields[k], line.get(k)) for k in ("start", "end", "relapse")},
    }
    return Row(_("Treatment %(number)s") % {"number": number}, _line_text(form))


def _transplant(number: int, item: dict, role) -> Row:
    form = TransplantForm(filled_by=role)
    kind = display_value(form.fields["kind"], item.get("kind"))
    when = month_words(_typed(form.fields["date"], item.get("date")))
    return Row(_("Transplant %(number)s") % {"number": number}, f"{kind}, {when}" if when else kind)


def _treatment(answers: dict, role) -> Section:
    form = TreatmentForm(filled_by=role)
    section = Section("treatment", str(form.word(form.title)))
    section.rows = _rows(form, {"had_treatment": answers.get("had_treatment")})
    section.rows += [
        _line(n, line, role) for n, line in enumerate(answers.get("lines") or (), start=1)
    ]
    section.rows += [
        _transplant(n, item, role)
        for n, item in enumerate(answers.get("transplants") or (), start=1)
    ]
    others = {k: answers[k] for k in ("other_treatments", "other_details") if k in answers}
    section.rows += _rows(form, others)
    return section


def _health(answers: dict, role) -> Section:
    form = HealthForm(filled_by=role)
    return Section("health", str(form.word(form.title)), _rows(form, answers))


def build_printed_answers(case: Case) -> PrintedAnswers:
    """Every answer the case was sent with, in the wizard's order and words (active language);
    two queries at most: the case is given, its intake documents are read."""
    intake = case.intake if isinstance(case.intake, dict) else {}
    documents = [
        Row(document.original_name, str(document.get_category_display()))
        for document in case.documents.filter(source="intake").order_by("pk")
    ]
    if "about" not in intake:
        return PrintedAnswers(case.reference, case.submitted_at, [], documents, given=False)
    about = intake.get("about") or {}
    role = about.get("submitter_role")
    diagnosis = intake.get("diagnosis") or {}
    sections = [
        _about(about, intake.get("consent") or {}, role),
        _diagnosis(diagnosis, role),
        _status(intake.get("status") or {}, diagnosis.get("diagnosis"), role),
        _treatment(intake.get("treatment") or {}, role),
        _health(intake.get("health") or {}, role),
    ]
    return PrintedAnswers(case.reference, case.submitted_at, sections, documents)

"""Questions that follow the answers: a follow-up is asked only when another answer on the same
page calls for it (the MRD result for a remission, the patient's name for someone filling in
the form for them, a disease's test results once the disease is chosen).

With JavaScript (static/intake/intake.js) a follow-up appears, on the same page, as soon as the
answer that calls for it is given. Without it, the page comes back once with the new questions
and a notice, never with errors about questions the person has not seen. Either way the server
decides: a follow-up the answers do not call for is never required, is left out of the answers
and is never stored on the draft (`FollowUpForm.without_hidden`).

Each page says which follow-ups it showed, in a hidden field the script keeps up to date; a
post without that field at all (an API document, a draft stored before it existed) counts every
follow-up as shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from crispy_forms.layout import Div
from django import forms

SHOWN_FIELD = "shown"


@dataclass(frozen=True)
class FollowUp:
    """`fields` are asked when the answer to `when` (a field of the same form) is in `values`."""

    fields: tuple[str, ...]
    when: str
    values: frozenset[str]
    # Before `when` is answered, and without JavaScript, show them already (they are usually
    # needed) rather than bring the page back for them.
    show_until_answered: bool = False
    # Only the script hides them (an optional detail of a question the server asks anyway):
    # the server treats them as ordinary questions.
    script_only: bool = False


class FollowUpForm(forms.Form):
    """Mixed into a step form: call `setup_follow_ups(rules)` at the end of __init__."""

    follow_ups: tuple[FollowUp, ...] = ()

    def setup_follow_ups(self, rules) -> None:
        self.follow_ups = tuple(rules)
        self.hidden_questions: set[str] = set()  # not asked: not required, not kept
        self.unseen_questions: set[str] = set()  # asked, required, and not on the page yet
        self._rule_shown: dict[FollowUp, bool] = {}
        shown_before = self.posted_shown()
        data = self.data.copy() if self.is_bound else None
        for rule in self.follow_ups:
            if rule.script_only:
                self._rule_shown[rule] = True
                continue
            answer = self.answer_to(rule.when)
            answered = answer not in (None, "")
            asked = answered and answer in rule.values
            self._rule_shown[rule] = asked or (not answered and rule.show_until_answered)
            for name in rule.fields:
                field = self.fields[name]
                if not asked:
                    field.required = False
                    self.hidden_questions.add(name)
                    if data is not None:
                        # Shown with its default if the script reveals it; never kept.
                        self._reset(data, name)
                elif shown_before is not None and name not in shown_before:
                    if field.required:
                        self.unseen_questions.add(name)
                    if (
                        data is not None
                        and field.initial is not None
                        and not data.get(self.add_prefix(name))
                    ):
                        data[self.add_prefix(name)] = field.initial
        if data is not None:
            self.data = data
        self.record_shown(data)

    # --- what the page says it showed, and what it shows now ----------------------------------

    def posted_shown(self) -> set[str] | None:
        """The follow-ups the posted page showed; None when the post does not say."""
        if not self.is_bound:
            return None
        key = self.add_prefix(SHOWN_FIELD)
        if key not in self.data:
            return None
        return set(str(self.data.get(key) or "").split())

    def record_shown(self, data) -> None:
        """The hidden field that tells the next post what this page shows."""
        shown = " ".join(name for name in self.shown_questions())
        self.fields[SHOWN_FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=shown
        )
        if data is not None:
            data[self.add_prefix(SHOWN_FIELD)] = shown

    def shown_questions(self) -> list[str]:
        return [
            name
            for rule in self.follow_ups
            if self._rule_shown[rule] and not rule.script_only
            for name in rule.fields
        ]

    def answer_to(self, name: str):
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        value = self.initial.get(name, self.fields[name].initial)
        return value() if callable(value) else value

    def posted_keys(self, name: str) -> list[str]:
        """The keys a field posts: its name, or one per part of a widget of several inputs."""
        key = self.add_prefix(name)
        parts = getattr(self.fields[name].widget, "widgets_names", ())
        return [key, *(key + part for part in parts)]

    def _reset(self, data, name: str) -> None:
        for key in self.posted_keys(name):
            data.pop(key, None)
        initial = self.fields[name].initial
        if initial is not None:
            data[self.add_prefix(name)] = initial

    # --- validation and storage ---------------------------------------------------------------

    @property
    def needs_follow_up(self) -> bool:
        """The page must come back once to ask questions it did not show yet."""
        return bool(self.unseen_questions)

    def is_valid(self) -> bool:
        return super().is_valid() and not self.needs_follow_up

    def clean(self):
        cleaned = super().clean()
        for name in self.hidden_questions:
            cleaned.pop(name, None)
        for name in self.unseen_questions:
            # Not on the page yet: asked next, not an error now.
            self._errors.pop(name, None)
        cleaned.pop(SHOWN_FIELD, None)
        return cleaned

    def without_hidden(self, stored: dict) -> dict:
        """A step's posted values without the answers to questions the page does not ask."""
        dropped = {key for name in self.hidden_questions for key in self.posted_keys(name)}
        return {key: values for key, values in stored.items() if key not in dropped}

    # --- layout -------------------------------------------------------------------------------

    def follow_up_block(self, rule: FollowUp, *layout, **attrs) -> Div:
        """The layout of a rule's questions, in a block the script shows and hides."""
        return Div(
            *layout,
            css_class=" ".join(filter(None, ["intake-follow-up", attrs.pop("css_class", "")])),
            data_follow_when=self.add_prefix(rule.when),
            data_follow_values=" ".join(sorted(rule.values)),
            data_follow_fields=" ".join(rule.fields),
            hidden=not self._rule_shown.get(rule, True),
            **attrs,
        )

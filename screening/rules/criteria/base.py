"""The criterion base class and the three outcomes a criterion can give."""

from __future__ import annotations

from operator import attrgetter

from ..facts import MissingFact, missing_fact
from ..profile import Profile

MET = "met"
NOT_MET = "not_met"
UNKNOWN = "unknown"


def _sentence(text: str) -> str:
    """Upper-case the first letter only: str.capitalize() would turn "KMT2A" into "Kmt2a"."""
    return text[:1].upper() + text[1:]


def _years(age: float) -> str:
    if age < 1:
        months = round(age * 12, 1)
        return f"{months:g} months"
    return f"{age:g} years"


class Criterion:
    """Base: a named check with the label wording it stands for and where the rule comes from."""

    __slots__ = ("name", "label", "basis")
    kind = ""
    # The profile field whose absence makes this criterion unknown (None: no single field).
    field: str | None = None
    # The profile fields `explain` reads. With the outcome they decide the explanation, which
    # lets the JSON encoder reuse it (rules/encode.py); a kind that reads more overrides
    # `explain_key`.
    explained_by: tuple[str, ...] = ()
    _read = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # attrgetter reads the fields in C; the encoder calls this for every criterion.
        fields = cls.__dict__.get("explained_by", cls.explained_by)
        cls._read = staticmethod(attrgetter(*fields)) if fields else None

    def __init__(self, name: str, label: str, basis: str = "label"):
        self.name = name
        self.label = label
        self.basis = basis

    def evaluate(self, p: Profile) -> str:
        raise NotImplementedError

    def explain(self, p: Profile, outcome: str) -> str:
        raise NotImplementedError

    def explain_key(self, p: Profile):
        """What `explain(p, outcome)` depends on besides the outcome (hashable)."""
        return self._read(p) if self._read is not None else ()

    def missing(self, p: Profile, outcome: str) -> tuple[MissingFact, ...]:
        """The facts that would settle this criterion when unknown; empty for a judgment call."""
        if outcome == UNKNOWN and self.field is not None and getattr(p, self.field) is None:
            return (missing_fact(self.field),)
        return ()

    def params(self) -> dict:
        return {}

    def spec(self) -> dict:
        """Everything that decides this criterion, for the ruleset hash."""
        return {
            "kind": self.kind,
            "name": self.name,
            "label": self.label,
            "basis": self.basis,
            **self.params(),
        }

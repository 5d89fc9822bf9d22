"""Splitting a study's eligibility text into inclusion and exclusion bullets.

The registry's markdown is "Inclusion Criteria:", then `* ` bullets, then "Exclusion
Criteria:" and more; the legacy format hard-wraps with `-  ` bullets and deep indentation.
Real records also have headings in other cases or without the colon, cohort headings
("Phase 1:", "Arm A:"), numbered bullets, stray dashes, wrapped lines and bullets split
mid-sentence. Text before the first heading (a preamble) is dropped when headings follow; with
no heading at all every bullet keeps an empty section, and the matcher then leaves them all to
the trial team, since it cannot tell a requirement from an exclusion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INCLUSION, EXCLUSION = "inclusion", "exclusion"

_HEADING = re.compile(
    r"^[#*_\s]*(?:key\s+|main\s+|general\s+|major\s+)?(inclusion|exclusion|eligibility)"
    r"(?:\s+criteria)?[*_\s]*(?::[*_\s]*(?P<rest>.*))?$",
    re.I,
)
_BULLET = re.compile(
    r"^(?P<indent>\s*)(?:[*\-•·▪◦+]|\d{1,2}[.)]|[a-z][.)]|\(?[ivx]{1,4}[.)])\s+(?P<text>\S.*)$"
)
_DASH_BULLET = re.compile(r"^(?P<indent>\s*)-(?P<text>[A-Za-z].*)$")
_ALTERNATIVES = re.compile(
    r"\b(one|any|either|1) of the following|\bat least one of\b|\bany of these\b|\bone of these\b",
    re.I,
)
_OPEN_ENDING = re.compile(
    r"(\b(and|or|of|with|the|a|an|to|for|in|at|by|than|who|which|that|from|as)|,)$", re.I
)


_SPACES = re.compile(r"\s+")
_TRAILING_DASH = re.compile(r"\s+-$")


@dataclass(frozen=True, slots=True)
class Bullet:
    section: str  # inclusion / exclusion / "" (no heading)
    text: str
    cohort: str = ""  # the cohort sub-heading it sits under, if any
    parent: str = ""  # the bullet it is nested under, if any
    alternative: bool = False  # one of several alternatives ("one of the following:")

    @property
    def source(self) -> str:
        """The bullet as a reader should see it, with the sentence it is nested under."""
        return f"{self.parent} … {self.text}" if self.parent else self.text


class _Draft:
    __slots__ = ("section", "cohort", "indent", "lines", "parent", "has_children", "_text")

    def __init__(self, section, cohort, indent, text, parent):
        self.section = section
        self.cohort = cohort
        self.indent = indent
        self.lines = [text]
        self.parent = parent
        self.has_children = False
        self._text = None

    @property
    def text(self) -> str:
        if self._text is None or self._text[0] != len(self.lines):
            self._text = (len(self.lines), self._join())
        return self._text[1]

    def _join(self) -> str:
        joined = " ".join(line.strip() for line in self.lines)
        joined = _SPACES.sub(" ", joined).strip()
        return _TRAILING_DASH.sub("", joined).strip()


def split_criteria(text: str) -> tuple[Bullet, ...]:
    drafts: list[_Draft] = []
    section = ""
    cohort = ""
    seen_heading = False
    stack: list[_Draft] = []  # open bullets by indentation
    current: _Draft | None = None
    blank_before = False
    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            blank_before = True
            continue
        heading = _HEADING.match(line.strip())
        if heading and len(line.strip()) < 60 + len(heading.group("rest") or ""):
            word = heading.group(1).lower()
            section = {"inclusion": INCLUSION, "exclusion": EXCLUSION}.get(word, section)
            seen_heading = seen_heading or word != "eligibility"
            cohort, stack, current = "", [], None
            rest = (heading.group("rest") or "").strip()
            if rest:
                current = _Draft(section, cohort, 0, rest, None)
                drafts.append(current)
            blank_before = False
            continue
        bullet = _BULLET.match(line) or _DASH_BULLET.match(line)
        if bullet:
            indent = len(bullet.group("indent").expandtabs(4))
            while stack and stack[-1].indent >= indent:
                stack.pop()
            parent = stack[-1] if stack else None
            content = bullet.group("text").strip()
            previous = drafts[-1] if drafts else None
            if (
                previous is not None
                and previous is current
                and previous.indent == indent
                and content[:1].islower()
                and _OPEN_ENDING.search(previous.text)
            ):
                previous.lines.append(content)  # a sentence split across two bullets
                continue
            current = _Draft(section, cohort, indent, content, parent)
            if parent is not None:
                parent.has_children = True
            drafts.append(current)
            stack.append(current)
            blank_before = False
            continue
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if (
            stripped.endswith(":")
            and len(stripped) <= 80
            and (not stack or indent <= stack[0].indent)
        ):
            cohort, current, stack = stripped.rstrip(":").strip(), None, []
        elif current is not None and (not blank_before or indent > current.indent):
            current.lines.append(stripped)
        else:
            current = _Draft(section, cohort, indent, stripped, None)
            drafts.append(current)
            stack = []
        blank_before = False

    bullets = []
    first_heading_seen = False
    for draft in drafts:
        if seen_heading and not draft.section and not first_heading_seen:
            continue  # a preamble before the first heading
        first_heading_seen = first_heading_seen or bool(draft.section)
        if draft.has_children and draft.text.endswith(":"):
            continue  # a lead-in sentence; its children carry it
        parent = draft.parent
        bullets.append(
            Bullet(
                section=draft.section,
                text=draft.text,
                cohort=draft.cohort,
                parent=parent.text if parent is not None else "",
                alternative=bool(parent is not None and _ALTERNATIVES.search(parent.text)),
            )
        )
    return tuple(b for b in bullets if b.text)

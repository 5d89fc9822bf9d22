"""The strings a patient or family can see, read from the code as `makemessages` reads them
(GNU xgettext, Django's keywords, templates through Django's own templatize), and the
committed catalogues they must be translated in."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from django.utils.translation.template import templatize

REPO = Path(__file__).resolve().parents[2]
LOCALE = REPO / "locale"
# Every catalogue we ship beside English, by its locale directory name.
SHIPPED = ("es", "zh_Hans")

# Where the patient side's strings live: its templates (pages and emails) and the Python that
# words its forms, errors and pages. Staff-only pages (the admin, the API) are English only.
PATIENT_TEMPLATES = (
    "templates/base.html",
    "templates/_language_switcher.html",
    "templates/home.html",
    "templates/404.html",
    "templates/413.html",
    "templates/429.html",
    "templates/500.html",
    "templates/intake/**/*.html",
    "templates/status/**/*.html",
    "templates/emails/intake_confirmation/*",
    "templates/emails/resume_link/*",
    "templates/emails/records_request/*",
    "templates/emails/case_updated/*",
    "templates/emails/message_waiting/*",
    "templates/emails/case_summary/*",
    "templates/emails/case_summary_link/*",
    "templates/summaries/*",
)
PATIENT_PYTHON = (
    "screening/intake/consent.py",
    "screening/intake/forms/*.py",
    "screening/intake/views/*.py",
    "screening/intake/printable.py",
    "screening/views.py",
    "screening/patient/*.py",
    "screening/documents/uploads.py",
    "screening/core/throttle.py",
    "screening/trials/reads.py",
    "screening/models/documents.py",
    "screening/models/case.py",
    "screening/notify/emails.py",
    "screening/summaries/content.py",
    "screening/summaries/views.py",
)

# Django's keywords (django/core/management/commands/makemessages.py) besides xgettext's own
# gettext, ngettext and _.
KEYWORDS = (
    "gettext_noop",
    "gettext_lazy",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "npgettext:1c,2,3",
    "pgettext_lazy:1c,2",
    "npgettext_lazy:1c,2,3",
)


@dataclass(frozen=True)
class Message:
    msgid: str
    msgid_plural: str
    msgctxt: str | None
    where: str

    def find_in(self, catalogue: polib.POFile) -> polib.POEntry | None:
        return catalogue.find(self.msgid, msgctxt=self.msgctxt)


def patient_files(patterns) -> list[Path]:
    files = sorted({path for pattern in patterns for path in REPO.glob(pattern) if path.is_file()})
    if not files:
        pytest.fail(f"No patient-facing files match {patterns}: the list is out of date.")
    return files


def _xgettext(sources: list[Path]) -> polib.POFile:
    xgettext = shutil.which("xgettext")
    if xgettext is None:
        pytest.fail("xgettext is missing: GNU gettext (scripts/ensure_system_packages.sh).")
    command = [
        xgettext,
        "--language=Python",
        "--from-code=UTF-8",
        "--output=-",
        *(f"--keyword={keyword}" for keyword in KEYWORDS),
        *map(str, sources),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return polib.pofile(result.stdout)


def patient_messages() -> list[Message]:
    """Every msgid of the patient-facing templates and Python files, with where it is."""
    found: dict[tuple, Message] = {}
    with tempfile.TemporaryDirectory() as folder:
        sources = list(patient_files(PATIENT_PYTHON))
        for template in patient_files(PATIENT_TEMPLATES):
            relative = template.relative_to(REPO)
            copy = Path(folder) / (str(relative).replace("/", "__") + ".py")
            copy.write_text(
                templatize(template.read_text(encoding="utf-8"), origin=str(relative)),
                encoding="utf-8",
            )
            sources.append(copy)
        for entry in _xgettext(sources):
            where = ", ".join(sorted({_where(path, folder) for path, _ in entry.occurrences}))
            key = (entry.msgctxt, entry.msgid)
            found.setdefault(key, Message(entry.msgid, entry.msgid_plural, entry.msgctxt, where))
    return list(found.values())


def _where(path: str, folder: str) -> str:
    """The repository path of an occurrence (templates were read from their templatized copy)."""
    if path.startswith(folder):
        return Path(path).name.removesuffix(".py").replace("__", "/")
    return str(Path(path).relative_to(REPO))


def shipped_catalogue(locale: str) -> polib.POFile:
    path = LOCALE / locale / "LC_MESSAGES" / "django.po"
    if not path.is_file():
        pytest.fail(f"{path.relative_to(REPO)} is missing.")
    return polib.pofile(str(path))


def untranslated(message: Message, catalogue: polib.POFile) -> str | None:
    """Why the catalogue does not translate the message, or None when it does."""
    entry = message.find_in(catalogue)
    if entry is None or entry.obsolete:
        return "missing (run `make messages`)"
    if "fuzzy" in entry.flags:
        return "fuzzy"
    if message.msgid_plural:
        forms = entry.msgstr_plural
        if not forms or not all(text.strip() for text in forms.values()):
            return "a plural form is empty"
        return None
    return None if entry.msgstr.strip() else "empty"

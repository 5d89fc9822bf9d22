"""The catalogues: every string a patient or family can see is translated into Spanish and
Simplified Chinese (no empty or fuzzy entry), the catalogues compile with matching
placeholders, and the words for the rules' facts keep up with the rules."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.utils import translation

from screening.notify.emails import NOTICE
from screening.patient.fact_words import DOCUMENTS, FACTS
from screening.rules.facts import DOCUMENTS as RULES_DOCUMENTS
from screening.rules.facts import FACT_NAMES as RULES_FACT_NAMES
from screening.rules.results import MEDICAL_ADVICE_NOTICE
from screening.rules.trials.category import CATEGORIES
from screening.rules.trials.structured import STATUS_WORDS
from screening.trials.reads import CATEGORY_WORDS, RECRUITMENT_WORDS
from tests.i18n.catalogue import (
    LOCALE,
    SHIPPED,
    patient_messages,
    shipped_catalogue,
    untranslated,
)


@pytest.fixture(scope="module")
def messages():
    found = patient_messages()
    assert len(found) > 300, "the extraction found too few strings to be reading the code"
    return found


@pytest.mark.parametrize("locale", SHIPPED)
def test_every_patient_facing_string_is_translated_and_none_is_fuzzy(messages, locale):
    catalogue = shipped_catalogue(locale)
    problems = [
        f"{why}: {message.msgid!r} ({message.where})"
        for message in messages
        if (why := untranslated(message, catalogue))
    ]
    assert problems == [], f"{len(problems)} strings not translated in {locale}"


@pytest.mark.parametrize("locale", SHIPPED)
def test_the_catalogue_compiles_with_the_same_placeholders_as_english(locale):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt is missing: GNU gettext (scripts/ensure_system_packages.sh)."
    path = LOCALE / locale / "LC_MESSAGES" / "django.po"
    result = subprocess.run(  # noqa: S603
        [msgfmt, "--check", "--output-file=/dev/null", str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("locale", SHIPPED)
def test_the_compiled_catalogue_is_built_from_the_current_one(locale):
    source = LOCALE / locale / "LC_MESSAGES" / "django.po"
    compiled = source.with_suffix(".mo")
    assert compiled.is_file(), "run `make catalogues` (make test and make run do)"
    assert compiled.stat().st_mtime >= source.stat().st_mtime, "run `make catalogues`"


def test_the_words_for_trials_follow_the_rules():
    with translation.override("en"):
        assert {k: str(v) for k, v in CATEGORY_WORDS.items()} == CATEGORIES
        assert {k: str(v) for k, v in RECRUITMENT_WORDS.items()} == STATUS_WORDS


def test_the_notice_the_catalogues_translate_is_the_rules_notice():
    with translation.override("en"):
        assert str(NOTICE) == MEDICAL_ADVICE_NOTICE


def test_the_patient_words_for_facts_and_documents_follow_the_rules():
    assert set(FACTS) == set(RULES_FACT_NAMES)
    assert set(DOCUMENTS) == set(RULES_DOCUMENTS)
    with translation.override("en"):
        assert {key: str(text) for key, text in FACTS.items()} == RULES_FACT_NAMES
        assert {key: str(text) for key, text in DOCUMENTS.items()} == RULES_DOCUMENTS

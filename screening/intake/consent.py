"""The intake's consent statements, versioned.

What a person agreed to is stored on the case as the version below, one boolean per statement
and the time they agreed. The version is the date the wording was last reviewed plus a hash of
the English wording, so editing any statement changes the version even if nobody remembers to
bump the date; a draft started under an older version has to agree again before it can be
submitted.
"""

import hashlib

from django.utils.translation import gettext, gettext_noop

CONSENT_REVIEWED = "2026-11-21"

# key -> (statement in English, required). The keys match the Case.consent_* fields. The
# statements are marked with gettext_noop and translated where shown (consent_text), so the
# version hashes the English wording whatever the reader's language.
CONSENT_STATEMENTS = {
    "processing": (
        gettext_noop(
            "I agree that Navigator stores and uses the information in this form, including "
            "health information and any reports I upload, to look for possible cell and gene "
            "therapies and to contact me about them. If I am not the patient, I confirm that "
            "the patient (or their legal representative) has agreed to this."
        ),
        True,
    ),
    "sharing": (
        gettext_noop(
            "I agree that a Navigator coordinator may share this information with treatment "
            "centers when asking about treatment for the patient. Without this, the "
            "coordinator will ask me before contacting any center."
        ),
        False,
    ),
    "not_medical_advice": (
        gettext_noop(
            "I understand that Navigator gives information only. It is not medical advice, "
            "it does not decide whether a treatment is right or available, and it does not "
            "enrol anyone in treatment. A human coordinator reviews every case."
        ),
        True,
    ),
}


def consent_text(key: str) -> str:
    """The statement `key` in the active language."""
    return gettext(CONSENT_STATEMENTS[key][0])


def wording_hash(statements: dict = CONSENT_STATEMENTS) -> str:
    text = "\n".join(f"{key}:{statement}" for key, (statement, _required) in statements.items())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


CONSENT_VERSION = f"{CONSENT_REVIEWED}+{wording_hash()}"

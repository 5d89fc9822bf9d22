"""Staff passwords that are hard to guess, decided offline.

Length (12) and Django's 20,000 common passwords come first (settings.AUTH_PASSWORD_VALIDATORS).
Those miss a dictionary word with a year or a symbol ("Navigator2026"), the commonest shape of
a breached password. This validator asks zxcvbn, which estimates the guesses an attacker needs
from its frequency lists (common and breached passwords, English words, names, surnames) and
patterns (years, dates, keyboard runs, repeats, l33t), with this site's own words and the
person's names added. Nothing leaves the server: no breach service is called.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from zxcvbn import zxcvbn

# Words an attacker tries first against this site.
SITE_WORDS = (
    "navigator",
    "coordinator",
    "coordination",
    "lead",
    "admin",
    "staff",
    "screening",
    "patient",
    "hospital",
    "clinic",
    "cancer",
    "leukemia",
    "lymphoma",
    "myeloma",
    "cart",
    "kymriah",
    "yescarta",
    "breyanzi",
    "tecartus",
    "abecma",
    "carvykti",
    "aucatzyl",
    "besponsa",
    "blincyto",
    "revuforj",
)
# zxcvbn's scale: 3 is "safely unguessable: moderate protection from an offline slow-hash
# attack" (about 10^8 guesses or more); sign-in itself is also locked after five failures.
MIN_SCORE = 3
# zxcvbn's cost grows with length; beyond this a password is long enough on its own terms.
MAX_CHECKED_LENGTH = 100


class GuessablePasswordValidator:
    def __init__(self, min_score: int = MIN_SCORE):
        self.min_score = min_score

    def validate(self, password, user=None):
        personal = [
            str(getattr(user, field, "") or "")
            for field in ("username", "first_name", "last_name", "email")
        ]
        result = zxcvbn(password[:MAX_CHECKED_LENGTH], user_inputs=[*SITE_WORDS, *personal])
        if result["score"] < self.min_score:
            warning = result["feedback"].get("warning") or ""
            raise ValidationError(
                _(
                    "This password is too easy to guess%(why)s. Use a few unrelated words, "
                    "or let a password manager make one."
                )
                % {"why": f" ({warning.rstrip('.').lower()})" if warning else ""},
                code="password_too_guessable",
            )

    def get_help_text(self):
        return _(
            "Your password cannot be a common or breached password, or a word with a year or "
            "a symbol added (like “Navigator2026”)."
        )

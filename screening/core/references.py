"""Public case references and secret tokens.

References are random, not sequential, so one case's reference says nothing about how many
cases exist or what another's is. Tokens are 256-bit and only their sha256 is ever stored.
"""

import hashlib
import secrets

# Crockford base32 without I, L, O, U: no letters that read as digits over the phone.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_case_reference() -> str:
    """e.g. NAV-7K3M-Q9XD: 40 random bits; the caller retries on the (rare) unique clash."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"NAV-{chars[:4]}-{chars[4:]}"


def new_token() -> str:
    """A URL-safe random token with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()

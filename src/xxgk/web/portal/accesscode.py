"""查询码: generation, normalisation of what an applicant types, and the digest that is stored.

A code is 16 characters drawn with :mod:`secrets` from Crockford's base-32 alphabet (digits and capitals without
I, L, O, U), i.e. 80 bits of entropy, printed in four groups: ``XXXX-XXXX-XXXX-XXXX``. What an applicant types is
normalised before hashing: full-width characters (a Chinese input method) become half-width, case is ignored,
spaces and dashes are dropped, and the look-alikes O → 0, I/L → 1 are mapped as Crockford prescribes.

With 80 bits of entropy a plain SHA-256 digest is safe to store (nothing to brute-force offline in useful time)
and makes a look-up one indexed query; a keyed hash would tie every code to SECRET_KEY and invalidate all codes
when the key is rotated. The code itself is never stored or logged.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16
GROUP = 4
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = frozenset(" -_\u00a0\u3000.·")


def code_generate() -> str:
    """A new random code, grouped for display (``XXXX-XXXX-XXXX-XXXX``)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return code_format(raw)


def code_format(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def code_normalize(text: str) -> str | None:
    """The canonical 16 characters of what was typed, or ``None`` when it cannot be a code."""
    folded = unicodedata.normalize("NFKC", text).upper().translate(_LOOKALIKES)
    chars = [c for c in folded if c not in _SEPARATORS]
    if len(chars) != LENGTH or any(c not in ALPHABET for c in chars):
        return None
    return "".join(chars)


def code_digest(code: str) -> str:
    """The stored SHA-256 digest (hex) of a code, typed or generated (normalised first)."""
    canonical = code_normalize(code)
    if canonical is None:
        raise ValueError("not an access code")
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()

"""The fingerprint of a source's text: taken when the source is added, checked by the audit and
by `log verify`. A module of its own so that the audit's checks need not load the schema."""

from __future__ import annotations

import hashlib


def text_sha256(text: str) -> str:
    """The fingerprint of a source's text, taken when it is added and checked by the audit."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

"""Short excerpts of long text, for messages that must stay on one line."""

from __future__ import annotations


def excerpt(text: str, limit: int = 120) -> str:
    """`text` on one line (each run of white space one space), cut to `limit` characters with
    '…' as the last when it is longer."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

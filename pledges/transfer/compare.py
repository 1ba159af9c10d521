"""How an imported record differs from the one the register holds, field by field.

A spreadsheet may change a cell's line breaks and nothing else: LibreOffice reads a '\\r\\n'
inside a cell as '\\n'. A value that differs only by its line breaks is no change, and the
register's value is kept.
"""

from __future__ import annotations

import re
from typing import Any

from pledges.schema import text_sha256

Difference = tuple[str, Any, Any]  # (field, the register's value, the row's value)


def _line_breaks(value: Any) -> Any:
    """A value with each line break written '\\n', as a spreadsheet keeps one inside a cell."""
    return re.sub(r"\r\n?", "\n", value) if isinstance(value, str) else value


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[Difference]:
    """The fields whose values differ, in the order of `new`."""
    return [
        (name, old.get(name), value)
        for name, value in new.items()
        if _line_breaks(old.get(name)) != _line_breaks(value)
    ]


def as_exported(text: str, sha256: str | None, registered: str | None) -> str:
    """A source's text as exported, when a spreadsheet changed only its line breaks: the text the
    register holds, or else the text with '\\r\\n' line breaks if that is the one `sha256` is of."""
    if registered is not None and _line_breaks(text) == _line_breaks(registered):
        return registered
    if sha256 is None or text_sha256(text) == sha256:
        return text
    windows = _line_breaks(text).replace("\n", "\r\n")
    return windows if text_sha256(windows) == sha256 else text

"""A plain text file in any common encoding.

The encoding is the byte-order mark's (UTF-8, UTF-16, UTF-32), else UTF-8 when the bytes are
valid UTF-8, else charset-normalizer's guess (`encodings.guessed`). The text is kept as it is,
line ends and all (only a byte-order mark is dropped), so that it is what the file says. Bytes
that hold NUL characters, or that no common encoding reads without control characters, are not
text and are refused.
"""

from __future__ import annotations

from pathlib import Path

from pledges.documents import encodings
from pledges.errors import InvalidInput

CONTROL_SHARE = 0.01  # more control characters than this share of the text: not text
TEXT_CONTROLS = "\t\n\r\f\v"


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read in."""
    marked = encodings.bom(data)
    if marked is not None:
        name, length = marked
        text = encodings.decoded(data[length:], name)
        if text is None:
            raise _not_text(path)
        return text, name
    text = encodings.decoded(data, "utf-8")
    if text is not None and not _binary(text):
        return text, "utf-8"
    if b"\x00" in data:
        raise _not_text(path)
    guess = encodings.guessed(data)
    if guess is None or _binary(guess[1]):
        raise _not_text(path)
    encoding, text = guess
    return text, encoding


def _binary(text: str) -> bool:
    controls = sum(1 for c in text if (c < " " and c not in TEXT_CONTROLS) or c == "\x7f")
    return "\x00" in text or controls > CONTROL_SHARE * len(text)


def _not_text(path: Path) -> InvalidInput:
    return InvalidInput(
        f"{path} is not text in a common encoding",
        "save it as UTF-8 text, or add the PDF, Word document or web page it came from",
    )

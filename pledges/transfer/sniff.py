"""How a CSV file was saved: its character set and the character between its cells.

Why this module exists: a spreadsheet saves CSV in the settings of the computer it runs on, not
in those of the export. LibreOffice and Excel save in the computer's single-byte character set
(Windows-1252 in Western Europe and the Americas) unless told 'CSV UTF-8'; Excel's 'Unicode text'
is UTF-16; and where a comma is the decimal mark, cells are separated by ';'. The header row
names known columns, which makes both reliable to tell:

- the character set: a byte-order mark (UTF-8, UTF-16 LE or BE) says it; else text that is valid
  UTF-8 is UTF-8 (bytes of any other character set almost never are); else Windows-1252, when
  every byte is one of its characters, the header names the table's columns and no character
  is written as UTF-8 writes it (a file edited in both is refused). Anything else
  (UTF-16 without its mark, whose every other byte is a NUL, among them) is refused, naming
  what was tried.
- the separator: ',', ';' or a tab, whichever splits the header into the most known columns
  (',' first when they tie).
- a UTF-8 file that a spreadsheet opened as Windows-1252 (what LibreOffice Calc does with a CSV
  file unless told its character set) and saved again in any character set holds each character
  as the cp1252 characters of its UTF-8 bytes: 'â€™' for U+2019. Its byte-order mark says so
  unambiguously: the header's first cell then starts with 'ï»¿'. Such text is put back as it
  was, when every character maps to its byte (Calc keeps the five bytes cp1252 leaves
  undefined as U+F181, U+F18D, U+F18F, U+F190 and U+F19D) and the bytes are UTF-8; else the
  file is read as it is.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pledges.errors import InvalidInput

DELIMITERS = (",", ";", "\t")
SINGLE_BYTE = "cp1252"  # what LibreOffice and Excel save in Western Europe and the Americas
TRIED = "UTF-8, UTF-16 and Windows-1252 (cp1252)"
_MARKS = (  # the marks a spreadsheet writes
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
REOPENED = "utf-8 opened as cp1252"  # not a codec: text put back by `_reopened`
_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    SINGLE_BYTE: "cp1252",
    REOPENED: "UTF-8 that a spreadsheet had opened as cp1252",
}
_MISREAD_MARK = codecs.BOM_UTF8.decode(SINGLE_BYTE)  # 'ï»¿': a byte-order mark read as cp1252
_UNDEFINED = 0xF100  # Calc keeps a byte cp1252 leaves undefined as this plus the byte
# A character written in UTF-8: in a file that is not UTF-8 throughout, the file was edited in two
# character sets (a Windows-1252 file would read 'Ã©' where UTF-8 means 'é').
_UTF8_CHARACTER = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# UTF-8 that a spreadsheet opened as cp1252 and saved in a character set without all of cp1252's
# characters (Latin-1): each character it could not hold is now '?', and no reading gets it back.
_LOST = (
    "the file starts with the mark of UTF-8 text and is not UTF-8: a spreadsheet opened it in "
    "another character set and saved it in one that lost characters ('?' in their place)"
)
_SAVE = "save it as 'CSV UTF-8' (comma-delimited) and import again"


class Unreadable(InvalidInput):
    """A file whose character set or separator cannot be told; `row` is where (None: the whole
    file)."""

    def __init__(self, row: int | None, message: str, hint: str) -> None:
        super().__init__(message, hint)
        self.row = row


@dataclass(frozen=True, slots=True)
class Reading:
    """How a file was read: its character set (a Python codec's name) and separator."""

    encoding: str = "utf-8"
    delimiter: str = ","

    @property
    def usual(self) -> bool:
        """Whether the file was read as an export writes it: UTF-8 (with or without a byte-order
        mark), separated by commas."""
        return self.encoding in ("utf-8", "utf-8-sig") and self.delimiter == ","

    def __str__(self) -> str:
        separator = "a tab" if self.delimiter == "\t" else repr(self.delimiter)
        return f"read as {_NAMES.get(self.encoding, self.encoding)}, separated by {separator}"


def known(header: str, delimiter: str, names: Iterable[str], clean: Callable[[str], str]) -> int:
    """How many of the header's cells, split by `delimiter`, are known column names."""
    try:
        cells = next(csv.reader([header], delimiter=delimiter), [])
    except csv.Error:
        return 0
    wanted = set(names)
    return sum(clean(cell) in wanted for cell in cells)


def _first_line(text: str) -> str:
    """The header line, without a byte-order mark: sliced out, not split off, as the text may
    be a whole file of hundreds of megabytes (a split would copy the rest of it)."""
    start = 1 if text.startswith("\ufeff") else 0
    end = text.find("\n", start)
    return text[start : len(text) if end < 0 else end].rstrip("\r")


def delimiter_of(text: str, names: Iterable[str], clean: Callable[[str], str] = str) -> str | None:
    """The separator under which the header names the most known columns; None if under none it
    names any. `clean` undoes what an export does to a cell (its leading apostrophe)."""
    header, columns = _first_line(text), list(names)
    counts = {d: known(header, d, columns, clean) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # the first of equals: ',' before ';'
    return best if counts[best] > 0 else None


def decode(
    raw: bytes, names: Iterable[str], clean: Callable[[str], str] = str
) -> tuple[str, Reading]:
    """A file's text and how it was read. Raises Unreadable, naming the character sets tried,
    when it cannot tell; or the separators tried, when the header fits none."""
    columns = list(names)
    text, encoding = _text(raw, columns, clean)
    if (reopened := _reopened(text)) is not None:
        text, encoding = reopened, REOPENED
    if not text or text.isspace():  # (not strip(): a copy of the whole file)
        return text, Reading(encoding)
    delimiter = delimiter_of(text, columns, clean)
    if delimiter is None:
        raise Unreadable(
            1,
            f"the header names none of the columns, whether cells are separated by ',', "
            f"';' or a tab (read as {_NAMES.get(encoding, encoding)})",
            f"the columns are {', '.join(columns)}; {_SAVE}",
        )
    return text, Reading(encoding, delimiter)


def _reopened(text: str) -> str | None:
    """The text as it was before a spreadsheet opened it as cp1252, if its header starts with a
    byte-order mark read that way (inside the first cell's quotes, when it is quoted) and each
    character goes back to its byte; else None."""
    quote = '"' if text.startswith('"') else ""
    if not text.startswith(quote + _MISREAD_MARK):
        return None
    raw = bytearray(quote.encode())
    for character in text[len(quote + _MISREAD_MARK) :]:
        code = ord(character)
        if _UNDEFINED + 0x81 <= code <= _UNDEFINED + 0x9D:
            raw.append(code - _UNDEFINED)
            continue
        try:
            raw += character.encode(SINGLE_BYTE)
        except UnicodeEncodeError:
            return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _text(raw: bytes, columns: list[str], clean: Callable[[str], str]) -> tuple[str, str]:
    if raw.startswith(b'"' + codecs.BOM_UTF8):  # a mark read as cp1252, saved back in Latin-1
        try:
            return '"' + raw[1 + len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8"
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise Unreadable(line, _LOST, _SAVE) from None
    for mark, encoding in _MARKS:
        if raw.startswith(mark):
            try:
                return raw.decode(encoding).removeprefix("\ufeff"), encoding
            except UnicodeDecodeError as error:
                line = raw[: error.start].count(b"\n") + 1
                message = f"the file starts with the mark of {_NAMES[encoding]} text and is not"
                if encoding == "utf-8-sig":
                    message = _LOST
                raise Unreadable(line, message, _SAVE) from None
    first = raw.find(b"\n")  # UTF-16 without its mark: a NUL every other byte of the header
    if b"\x00" not in raw[: len(raw) if first < 0 else first]:
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    if mixed := _UTF8_CHARACTER.search(raw):
        line = raw[: mixed.start()].count(b"\n") + 1
        message = f"the file is partly UTF-8 and partly in another character set (line {line})"
        raise Unreadable(None, message, _SAVE)
    try:
        text = raw.decode(SINGLE_BYTE)
    except UnicodeDecodeError:
        text = ""
    if text and delimiter_of(text, columns, clean) is not None:
        return text, SINGLE_BYTE
    raise Unreadable(None, f"cannot tell which character set the file is in (tried {TRIED})", _SAVE)

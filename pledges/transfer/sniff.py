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
_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", SINGLE_BYTE: "cp1252"}
# A character written in UTF-8: in a file that is not UTF-8 throughout, the file was edited in two
# character sets (a Windows-1252 file would read 'Ã©' where UTF-8 means 'é').
_UTF8_CHARACTER = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
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
    return text.removeprefix("\ufeff").split("\n", 1)[0].rstrip("\r")


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
    if text.strip() == "":
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


def _text(raw: bytes, columns: list[str], clean: Callable[[str], str]) -> tuple[str, str]:
    for mark, encoding in _MARKS:
        if raw.startswith(mark):
            try:
                return raw.decode(encoding).removeprefix("\ufeff"), encoding
            except UnicodeDecodeError as error:
                line = raw[: error.start].count(b"\n") + 1
                message = f"the file starts with the mark of {_NAMES[encoding]} text and is not"
                raise Unreadable(line, message, _SAVE) from None
    if b"\x00" not in raw.split(b"\n", 1)[0]:  # UTF-16 without its mark: a NUL every other byte
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

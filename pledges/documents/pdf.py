"""A PDF's text, page by page, with PDFium (pypdfium2).

Each page's text is read as PDFium gives it, a line per row of the page, and its lines are
grouped into paragraphs by where they stand: a line further below the one before than 1.4 times
the page's usual line spacing starts a new paragraph. The usual spacing is the smallest step
from one line to the next (among steps of at least half a line's height); on a page of fewer
than three such steps, no more than single spacing (1.2 times the lines' height). The lines of a
paragraph are joined as a reader reads them (`lines.join`), paragraphs separated by a blank
line. Pages are separated by a form feed (`pages.PAGE_BREAK`) and hold no other: a page without
text is an empty page, so that the pages keep their numbers. A hyphen at the very end of a page
stays.

A PDF with no text on any page is refused: it is a scan, or text drawn as shapes.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pledges.documents import lines
from pledges.errors import InvalidInput
from pledges.pages import PAGE_BREAK

if TYPE_CHECKING:
    import pypdfium2  # type: ignore[import-untyped]

NEW_PARAGRAPH = 1.4  # a step down this many times the usual line spacing starts a paragraph
SINGLE_SPACING = 1.2  # times a line's height: the usual spacing on a page of few lines
FEW_STEPS = 3
_LINE_BREAK = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00\x01\x03-\x08\x0e-\x1f\x7f\ufeff\uffff]")  # not U+0002: a hyphen
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Line:
    text: str
    start_y: float  # the foot of its first character's box, in points from the page's foot
    end_y: float  # the same for its last character
    height: float  # of its last character's box (0 for a line with no position)


def extractor() -> str:
    import pypdfium2.version  # type: ignore[import-untyped]

    return f"pypdfium2 {pypdfium2.version.PYPDFIUM_INFO}"


def text(path: Path, data: bytes) -> str:
    """The PDF's text, pages separated by form feeds; refuses a PDF that cannot be opened or
    that holds no text."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise _unopened(path, str(error)) from None
    try:
        found = [_page_text(pdf, index) for index in range(len(pdf))]
        if not any(page.strip() for page in found):
            raise _no_text(path, pdf)
    finally:
        pdf.close()
    return PAGE_BREAK.join(found)


def _unopened(path: Path, reason: str) -> InvalidInput:
    if "password" in reason.lower():
        return InvalidInput(
            f"{path} is encrypted: it opens only with a password",
            "save a copy without the password (or print it to a new PDF) and add that",
        )
    return InvalidInput(
        f"{path} is damaged: it cannot be read as a PDF",
        "download or save it again, or add its text as a .txt file",
    )


def _no_text(path: Path, pdf: pypdfium2.PdfDocument) -> InvalidInput:
    import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

    pages = len(pdf)
    scanned = 0
    for index in range(pages):
        page = pdf[index]
        try:
            images = page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2)
            scanned += next(images, None) is not None
        finally:
            page.close()
    hint = "run it through OCR (e.g. ocrmypdf) and add the result, or add its text as a .txt file"
    if scanned:
        kind = "page" if scanned == 1 else "pages"
        return InvalidInput(
            f"{path} has no text layer: it looks scanned ({scanned} {kind} of images)", hint
        )
    kind = "page" if pages == 1 else "pages"
    return InvalidInput(f"{path} has no text layer: its {pages} {kind} hold no text", hint)


def _page_text(pdf: pypdfium2.PdfDocument, index: int) -> str:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            found = _lines(textpage)
        finally:
            textpage.close()
    finally:
        page.close()
    return "\n\n".join(lines.join(paragraph) for paragraph in _paragraphs(found))


def _lines(textpage: pypdfium2.PdfTextPage) -> list[Line]:
    """The page's lines with where they stand. PDFium counts its characters in UTF-16 units;
    when its count and its text's do not agree (which should not happen), the lines are given
    without positions and the page makes one paragraph."""
    raw = textpage.get_text_range()
    astral = _ASTRAL.search(raw) is not None  # characters counted twice in UTF-16

    def units(index: int) -> int:
        return len(raw[:index].encode("utf-16-le")) // 2 if astral else index

    placed = units(len(raw)) == textpage.count_chars()
    found: list[Line] = []
    pos = 0
    for match in [*_LINE_BREAK.finditer(raw), None]:
        end = len(raw) if match is None else match.start()
        segment = raw[pos:end]
        cleaned = _CONTROLS.sub("", segment) if _CONTROLS.search(segment) else segment
        if placed and cleaned.strip():
            first = units(pos + len(segment) - len(segment.lstrip()))
            last = units(pos + len(segment.rstrip()) - 1)
            _, start_y, _, _ = textpage.get_charbox(first, loose=True)
            _, end_y, _, high = textpage.get_charbox(last, loose=True)
            found.append(Line(cleaned, start_y, end_y, high - end_y))
        else:
            found.append(Line(cleaned, 0.0, 0.0, 0.0))
        pos = end if match is None else match.end()
    return found


def _paragraphs(found: list[Line]) -> list[list[str]]:
    """The page's lines grouped into paragraphs (see the module's docstring)."""
    steps = [
        before.end_y - after.start_y
        for before, after in itertools.pairwise(found)
        if after.height and before.end_y - after.start_y >= after.height / 2
    ]
    if len(steps) < FEW_STEPS:
        heights = sorted(line.height for line in found if line.height)
        steps += [SINGLE_SPACING * heights[len(heights) // 2]] if heights else []
    usual = min(steps, default=0.0)
    paragraphs: list[list[str]] = [[]]
    for i, line in enumerate(found):
        if not line.text.strip():
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        before = found[i - 1] if i else None
        if (
            before is not None
            and usual
            and line.height
            and before.end_y - line.start_y > NEW_PARAGRAPH * usual
            and paragraphs[-1]
        ):
            paragraphs.append([])
        paragraphs[-1].append(line.text)
    return [paragraph for paragraph in paragraphs if paragraph]

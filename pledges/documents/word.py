"""A Word document (.docx), with python-docx.

The body's paragraphs and tables in the order they stand, each paragraph separated from the next
by a blank line; a table gives each of its cells' text as a paragraph, row by row (a merged cell
once). Headers, footers, footnotes and comments are not the document's text and are left out.
A paragraph's text is that of its runs, hyperlinks and fields (not of the text boxes anchored
in it, nor of deleted text); a line break stays a line break, and a page or column break
becomes one too (a form feed would name a page, and a .docx has no fixed pages).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pledges.errors import InvalidInput

_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PIECES = (
    ".//*[self::w:t or self::w:tab or self::w:br or self::w:cr or self::w:noBreakHyphen]"
    "[not(ancestor::w:txbxContent)]"
)
_AS_TEXT = {"tab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-"}


def extractor() -> str:
    import docx

    return f"python-docx {docx.__version__}"


def text(path: Path, data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises what the zip, the XML or its own parts raise
        raise InvalidInput(
            f"{path} is damaged: it cannot be read as a Word document",
            "open it in Word or LibreOffice, save it again as .docx (or PDF) and add that",
        ) from None
    paragraphs = (_CONTROLS.sub("\n", p).strip() for p in _texts(document.iter_inner_content()))
    return "\n\n".join(p for p in paragraphs if p)


def _texts(blocks: Iterator[Any]) -> Iterator[str]:
    from docx.table import Table

    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        yield from _texts(cell.iter_inner_content())
        else:
            yield "".join(
                piece.text or "" if piece.tag.endswith("}t") else _AS_TEXT[piece.tag.split("}")[1]]
                for piece in block._p.xpath(_PIECES)
            )

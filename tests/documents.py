"""Test documents written as their makers write them: PDFs with reportlab (a text layer, or
only images as a scanner leaves), Word documents with python-docx, and web pages and text files
in the encodings they come in.

A PDF is given as pages of lines, each line drawn where a typesetter puts it (one line-height
below the last); an empty line is a blank line, the gap between paragraphs. Lines holding
Chinese are drawn in STSong-Light, one of the CJK fonts every PDF reader has (reportlab embeds
no font file for it, and PDFium maps it back to Unicode through its CMap).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

PAGE_TOP = 800.0
LEFT = 72.0
SIZE = 11.0
LEADING = 14.0
CJK_FONT = "STSong-Light"
_CJK = re.compile("[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def pdf(path: Path, pages: Sequence[Sequence[str]], *, password: str | None = None) -> Path:
    """A PDF of these pages of lines (encrypted with `password`, when given)."""
    from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]
    from reportlab.pdfgen import canvas  # type: ignore[import-untyped]

    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    page_canvas = canvas.Canvas(str(path), encrypt=password, invariant=True)
    for lines in pages:
        y = PAGE_TOP
        for line in lines:
            if line:
                font = CJK_FONT if _CJK.search(line) else "Helvetica"
                page_canvas.setFont(font, SIZE)
                page_canvas.drawString(LEFT, y, line)
            y -= LEADING
        page_canvas.showPage()
    page_canvas.save()
    return path


def scanned_pdf(path: Path, pages: int) -> Path:
    """A PDF as a scanner makes it: every page one image, no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader  # type: ignore[import-untyped]
    from reportlab.pdfgen import canvas

    page_canvas = canvas.Canvas(str(path), invariant=True)
    for number in range(pages):
        image = Image.new("L", (200, 260), color=255)
        draw = ImageDraw.Draw(image)
        for row in range(20, 240, 12):  # grey bars where lines of print would be
            draw.rectangle((20, row, 180 - (row * 7 + number) % 50, row + 6), fill=90)
        page_canvas.drawImage(ImageReader(image), LEFT, 300, width=400, height=520)
        page_canvas.showPage()
    page_canvas.save()
    return path


def docx(path: Path, paragraphs: Sequence[str], table: Sequence[Sequence[str]] = ()) -> Path:
    """A Word document of these paragraphs, then a table of these rows (if any). A form feed in
    a paragraph is a page break there, as Word's Ctrl+Enter puts it."""
    import docx as python_docx
    from docx.enum.text import WD_BREAK

    document = python_docx.Document()
    for paragraph in paragraphs:
        first, *rest = paragraph.split("\f")
        added = document.add_paragraph(first)
        for after in rest:
            added.add_run().add_break(WD_BREAK.PAGE)
            added.add_run(after)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, cells, strict=True):
                cell.text = value
    document.save(str(path))
    return path


def html(
    paragraphs: Sequence[str], *, title: str, charset: str | None = None,
    site_name: str | None = None, published: str | None = None, http_equiv: bool = False,
) -> str:  # fmt: skip
    """A news page around an article of these paragraphs, with navigation and a footer to leave
    out; its head declares `charset` (as <meta charset>, or the older http-equiv form) and the
    site name and date in Open Graph tags, when given."""
    head = []
    if charset and http_equiv:
        head.append(f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">')
    elif charset:
        head.append(f'<meta charset="{charset}">')
    if site_name:
        head.append(f'<meta property="og:site_name" content="{site_name}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{published}">')
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n" + "\n".join(head) + f"\n<title>{title}</title>\n"
        "</head>\n<body>\n<nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a>"
        "</li><li><a href='/climate'>Climate</a></li></ul></nav>\n"
        f"<main><article>\n<h1>{title}</h1>\n{body}\n</article></main>\n"
        "<footer><p>All rights reserved.</p><p><a href='/privacy'>Privacy policy</a></p>"
        "</footer>\n</body>\n</html>\n"
    )


def xlsx(path: Path) -> Path:
    """A spreadsheet, which is not a document source add reads."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["actor", "target year"])
    sheet.append(["CN", 2060])
    book.save(path)
    return path


def png(path: Path) -> Path:
    """A photograph of a page, which needs OCR before it is text."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (40, 40), color=200).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path

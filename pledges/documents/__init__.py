"""Reading a source document from a file: what the register stores, and what the file says of
itself.

`read` turns a file into a `Document`: its text (what the audit reads, and what the sha256 is
taken from, exactly) and how that text was got (format, encoding, extractor), with what the
document's own metadata offers as defaults for the source's title, date and publisher, and the
language the text is written in.

What a file is, is told by its content first, then by its name:

    starts with %PDF-                  a PDF (pdf.py: pypdfium2, pages separated by '\\f')
    a zip holding word/document.xml    a Word document (word.py: python-docx)
    opens an HTML page, or .html/.htm  a web page (web.py: encoding detected, trafilatura)
    anything else that reads as text   plain text (plain.py: encoding detected, kept as it is)

Other kinds (spreadsheets, presentations, images, old binary .doc files, other zips, a .pdf or
.docx that is not one) are refused with a line naming the file, what it is and what is read.
Each reader's module imports its library only when a file needs it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Any

from pledges.errors import InvalidInput
from pledges.vocab import SourceFormat

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PDF_MAGIC = b"%PDF-"
ACCEPTED = "source add reads .txt, .html, .pdf and .docx files"
OCR = "run it through OCR, or add its text as a .txt file"
RESAVE = "save it as .docx or PDF (or its text as .txt) and add that"
# Kinds told by their first bytes, and what to do with them.
MAGIC = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Office file (.doc, .xls or .ppt)", RESAVE),
    (b"{\\rtf", "an RTF document", RESAVE),
    (b"\x89PNG\r\n\x1a\n", "an image (PNG)", OCR),
    (b"\xff\xd8\xff", "an image (JPEG)", OCR),
    (b"GIF87a", "an image (GIF)", OCR),
    (b"GIF89a", "an image (GIF)", OCR),
    (b"II*\x00", "an image (TIFF)", OCR),
    (b"MM\x00*", "an image (TIFF)", OCR),
)
# Zip archives told by a part they hold.
ZIPPED = (
    ("xl/workbook.xml", "an Excel workbook"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
    ("content.xml", "an OpenDocument file"),
)


@dataclass(frozen=True)
class Document:
    """A source document as read from its file."""

    text: str  # what the register stores; pages of a PDF are separated by a form feed ('\f')
    format: SourceFormat
    encoding: str | None = None  # the encoding the bytes were read in (text and web pages)
    extractor: str | None = None  # the library and version that extracted the text, if any
    title: str | None = None  # from the document's own metadata, when it has them
    published_on: date | None = None
    publisher: str | None = None
    language: str | None = None  # detected from the text, e.g. 'en', 'zh'


def read(path: Path, *, detect_language: bool = True) -> Document:
    """The document in a file; errors name the file and what to do. With `detect_language`
    false the language is left unknown (it costs py3langid's model, about a second, for text
    in a spaced script): for when it is given."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"no file at {path}", "check the path to the article") from None
    except OSError as error:
        raise InvalidInput(f"cannot read {path} ({error.strerror})", "check the file") from None
    document = _read(path, data)
    if not document.text.strip():
        raise InvalidInput(f"{path} holds no text", "add a file with the article's text")
    if not detect_language:
        return document
    from pledges.documents import language

    return replace(document, language=language.detect(document.text))


class Reading:
    """`read(path)`, begun when made and finished by `result()`. A PDF, the one kind whose
    reading takes long, is read by another process (pledges.parallel) while this one goes on
    with what does not need its text (source add: loading the register's code); any other file
    is read when its result is asked for. `close()` stops a reading no longer wanted."""

    def __init__(self, path: Path, *, detect_language: bool = True) -> None:
        self._work = partial(read, path, detect_language=detect_language)
        self._child: Any = None
        if _starts_as_pdf(path):
            from pledges import parallel

            if parallel.forking():
                self._child = parallel.Child(self._work, name="reading the PDF")

    def result(self) -> Document:
        if self._child is None:
            return self._work()
        try:
            document: Document = self._child.result()
            return document
        finally:
            self.close()

    def close(self) -> None:
        if self._child is not None:
            self._child.close()
            self._child = None


def _starts_as_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return _is_pdf(path, file.read(1024))
    except OSError:
        return False  # `read` says why


def _is_pdf(path: Path, data: bytes) -> bool:
    """A PDF starts with %PDF- (after a few stray bytes some writers put first, if it is named
    .pdf); a text that mentions %PDF- is not one."""
    head = data[:1024]
    return head.lstrip().startswith(PDF_MAGIC) or (
        path.suffix.lower() == ".pdf" and PDF_MAGIC in head
    )


def _read(path: Path, data: bytes) -> Document:
    from pledges.documents import plain, web

    suffix = path.suffix.lower()
    if _is_pdf(path, data):
        from pledges.documents import pdf

        return Document(pdf.text(path, data), SourceFormat.PDF, extractor=pdf.extractor())
    if data.startswith(b"PK\x03\x04"):
        return _zipped(path, data)
    for magic, what, todo in MAGIC:
        if data.startswith(magic):
            raise _refused(path, what, todo)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        raise _refused(path, "an image (WebP)", OCR)
    if suffix == ".pdf":
        raise _refused(path, "not a PDF (it does not start with %PDF-)", RESAVE)
    if suffix == ".docx":
        raise _refused(path, "not a Word document", RESAVE)
    if suffix in HTML_SUFFIXES or web.looks_like_html(data):
        page = web.read(path, data)
        return Document(
            page.text, SourceFormat.HTML, page.encoding, page.extractor, page.title,
            page.published_on, page.publisher,
        )  # fmt: skip
    text, encoding = plain.decode(path, data)
    return Document(text, SourceFormat.TEXT, encoding=encoding)


def _zipped(path: Path, data: bytes) -> Document:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        raise _refused(path, "a damaged zip file", RESAVE) from None
    if "word/document.xml" in names:
        from pledges.documents import word

        return Document(word.text(path, data), SourceFormat.DOCX, extractor=word.extractor())
    what = next((what for part, what in ZIPPED if part in names), "a zip archive")
    todo = "add the documents it holds one by one" if what == "a zip archive" else RESAVE
    raise _refused(path, what, todo)


def _refused(path: Path, what: str, todo: str) -> InvalidInput:
    return InvalidInput(f"{path} is {what}", f"{todo}; {ACCEPTED}")

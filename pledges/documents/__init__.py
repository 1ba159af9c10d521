"""Reading a source document from a file: what the register stores, and what the file says of
itself.

`read` turns a file into a `Document`: its text (what the audit reads, and what the sha256 is
taken from, exactly) and how that text was got (format, encoding, extractor), with what the
document's own metadata offers as defaults for the source's title, date and publisher, and the
language the text is written in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pledges.errors import InvalidInput
from pledges.vocab import SourceFormat

HTML_SUFFIXES = (".html", ".htm", ".xhtml")


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


def read(path: Path) -> Document:
    """The document in a file; errors name the file and what to do."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"no file at {path}", "check the path to the article") from None
    except OSError as error:
        raise InvalidInput(f"cannot read {path} ({error.strerror})", "check the file") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"{path} is not UTF-8 text (byte {error.start})",
            "save the article as UTF-8 text or HTML and add it again",
        ) from None
    head = text.lstrip()[:512].lower()
    if path.suffix.lower() in HTML_SUFFIXES or head.startswith(("<!doctype html", "<html")):
        document = _extract(path, text)
    else:
        document = Document(text, SourceFormat.TEXT, encoding="utf-8")
    if not document.text.strip():
        raise InvalidInput(f"{path} holds no text", "add a file with the article's text")
    return document


def _extract(path: Path, html: str) -> Document:
    import trafilatura

    extracted = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=True
    )
    if not extracted:
        raise InvalidInput(
            f"no article text could be found in the HTML of {path}",
            "save the article as plain text and add that file instead",
        )
    version = f"trafilatura {trafilatura.__version__}"
    return Document(str(extracted), SourceFormat.HTML, encoding="utf-8", extractor=version)

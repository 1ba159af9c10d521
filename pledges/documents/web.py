"""A web page: its encoding, its article text and what its metadata say (trafilatura).

The encoding is the byte-order mark's, else the one the page declares in its first bytes
(`<meta charset>`, `<meta http-equiv="Content-Type" content="...; charset=...">`, or an XML
declaration's), read as browsers read labels (`encodings.canonical`), else UTF-8 when the bytes
are valid UTF-8, else charset-normalizer's guess. A declaration that the bytes belie (a page
saved in another encoding than its meta tag says) is passed over for the guess.

The text is trafilatura's extraction of the article (no comments, no tables, favouring
precision); its title, date and site name are offered as the source's title, published date
and publisher. The date is one the page's markup states (its meta tags, structured data or a
<time> element: htmldate without `extensive_search`); a date guessed from the running text or
the URL is not offered.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pledges.documents import encodings
from pledges.errors import InvalidInput

PRESCAN = 4096  # bytes searched for a declared encoding (browsers search 1024)
_DECLARED = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)"""
    rb"""|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Page:
    text: str
    encoding: str
    extractor: str
    title: str | None
    published_on: date | None
    publisher: str | None


def looks_like_html(data: bytes) -> bool:
    """Whether a file's first bytes open an HTML page."""
    marked = encodings.bom(data)
    head = data[:1024]
    if marked is not None and marked[0] != "utf-8":
        head = data[marked[1] : 2048].decode(marked[0], errors="ignore").encode("ascii", "ignore")
    start = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return True
    return start.startswith((b"<?xml", b"<!--")) and b"<html" in start


def declared(data: bytes) -> str | None:
    """The encoding the page declares in its first bytes, as a browser reads the label."""
    match = _DECLARED.search(data[:PRESCAN])
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii")
    encoding = encodings.canonical(label)
    # A page's own label cannot say UTF-16: it would not be legible as ASCII (browsers: UTF-8).
    return "utf-8" if encoding is not None and encoding.startswith("utf-16") else encoding


def decode(data: bytes) -> tuple[str, str] | None:
    """The page's text and the encoding it was read in; None when it is not text."""
    marked = encodings.bom(data)
    if marked is not None:
        text = encodings.decoded(data[marked[1] :], marked[0])
        return None if text is None else (text, marked[0])
    said = declared(data)
    # Bytes that are valid UTF-8 and not all ASCII are UTF-8, whatever the label says (a page
    # saved as UTF-8 under its old Latin-1 tag): a single-byte decoding never fails, and would
    # store the text garbled ("franÃ§ais"); text in another encoding is almost never valid UTF-8.
    if said not in (None, "utf-8") and not data.isascii():
        said = "utf-8" if encodings.decoded(data, "utf-8") is not None else said
    for encoding in (said, "utf-8"):
        if encoding is not None and (text := encodings.decoded(data, encoding)) is not None:
            return text, encoding
    guess = encodings.guessed(data)
    return None if guess is None else (guess[1], guess[0])


def read(path: Path, data: bytes) -> Page:
    import trafilatura

    found = decode(data)
    if found is None:
        raise InvalidInput(
            f"{path} is not a web page in a common encoding",
            "save the page again from the browser (as HTML, or as text) and add that file",
        )
    html, encoding = found
    extracted = trafilatura.bare_extraction(
        html,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(extracted, "text", None)
    if not text:
        raise InvalidInput(
            f"no article text could be found in the HTML of {path}",
            "save the article as plain text and add that file instead",
        )
    return Page(
        str(text),
        encoding,
        f"trafilatura {trafilatura.__version__}",
        _stated(getattr(extracted, "title", None)),
        _date(getattr(extracted, "date", None)),
        _stated(getattr(extracted, "sitename", None)),
    )


def _stated(value: object) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None

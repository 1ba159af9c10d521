"""Reading an article from a file: plain text as it is, HTML through trafilatura's extractor.

What comes back is the text the register keeps; its sha256 is taken from exactly this text.
"""

from __future__ import annotations

from pathlib import Path

from pledges.errors import InvalidInput

HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def read(path: Path) -> str:
    """The article text of a .txt or .html file; errors name the file and what to do."""
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
        text = _extract(path, text)
    if not text.strip():
        raise InvalidInput(f"{path} holds no text", "add a file with the article's text")
    return text


def _extract(path: Path, html: str) -> str:
    import trafilatura

    extracted = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=True
    )
    if not extracted:
        raise InvalidInput(
            f"no article text could be found in the HTML of {path}",
            "save the article as plain text and add that file instead",
        )
    return str(extracted)

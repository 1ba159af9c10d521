"""Pages of a source's text: a PDF's pages are stored separated by a form feed ('\\f').

Where a quote stands is an offset into the text; the page it stands on is one more than the
number of form feeds before it. A text without form feeds has no pages to name.
"""

from __future__ import annotations

PAGE_BREAK = "\f"


def page_at(text: str, offset: int) -> int | None:
    """The page (from 1) that text[offset] stands on; None when the text has no pages."""
    if PAGE_BREAK not in text:
        return None
    return text.count(PAGE_BREAK, 0, offset) + 1


def shown(page: int | None) -> str:
    """How a page is named to readers: 'p. 12', or '' when there is none."""
    return "" if page is None else f"p. {page}"


def read_on(text: str) -> str:
    """A passage as a reader reads it across pages: each page break a space (one character for
    one, so that offsets into the passage hold)."""
    return text.replace(PAGE_BREAK, " ")


def quote_page(quote: str, text: str) -> int | None:
    """The page a quote stands on in a text, where `textmatch.find` locates it; None when the
    text has no pages or the quote does not stand in it."""
    if PAGE_BREAK not in text:
        return None
    from pledges.textmatch import find

    span = find(quote, text)
    return None if span is None else page_at(text, span.start)

"""The short passage shown for each hit, around the first place its terms match, with every match
in it marked. Taken from the record's own text here, not by the database, so that both databases
show the same passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pledges.search.query import Form, Query, Term

WIDTH = 240  # characters of a passage
BEFORE = 80  # of them before the first match, where the text allows
MARGIN = 40  # characters read beyond the passage, to tell where its words end
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Snippet:
    text: str
    marks: tuple[tuple[int, int], ...]  # [start, end) of each match in `text`

    def marked(self, left: str = "**", right: str = "**") -> str:
        """The passage with each match between `left` and `right`."""
        parts, at = [], 0
        for start, end in self.marks:
            parts += [self.text[at:start], left, self.text[start:end], right]
            at = end
        return "".join(parts) + self.text[at:]


def _pattern(term: Term) -> str:
    if term.form is Form.UNSPACED:
        return r"\s+".join(re.escape(piece) for piece in term.words[0].split())
    body = r"[\W_]+".join(re.escape(w) for w in term.words)
    end = r"[^\W_]*" if term.form is Form.PREFIX else r"(?![^\W_])"
    return rf"(?<![^\W_]){body}{end}"


def matcher(query: Query) -> re.Pattern[str]:
    """What the wanted terms of `query` match in a text, case ignored."""
    return re.compile("|".join(f"(?:{_pattern(t)})" for t in query.wanted), re.IGNORECASE)


def snippet(texts: list[str | None], found: re.Pattern[str]) -> Snippet:
    """The passage of the first text (the body first, then the title) in which a term matches;
    the body's beginning when none does."""
    present = [_SPACE.sub(" ", t).strip() for t in texts if t]
    if not present:
        return Snippet("", ())
    for text in present:
        first = found.search(text)
        if first is not None:
            break
    else:
        text, first = present[0], None
    start = 0 if first is None or first.start() <= BEFORE else first.start() - BEFORE
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < (first.start() if first else start) else start
    end = min(len(text), start + WIDTH)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > (first.end() if first else start) else end
    lead, tail = ("…" if start else ""), ("…" if end < len(text) else "")
    # Matches are found in the whole text (a little around the window, for what stands beside
    # them), so that a window cut inside a word never marks a piece of it.
    around = found.finditer(text, max(0, start - MARGIN), min(len(text), end + MARGIN))
    marks = tuple(
        (m.start() - start + len(lead), m.end() - start + len(lead))
        for m in around
        if start <= m.start() < m.end() <= end
    )
    return Snippet(lead + text[start:end] + tail, marks)

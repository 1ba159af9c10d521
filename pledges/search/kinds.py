"""The kinds of record the search finds, where each is stored, and which of its texts are read:
shared by the index (tables.py, follow.py) and the queries (sql.py), and free of SQLAlchemy, so
that a search on a SQLite file starts quickly (find.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from pledges.vocab import Entity

WORDS_TOKENIZER = "unicode61 remove_diacritics 0"
UNSPACED_TABLE = "search_unspaced"
UNSPACED_FUNCTION = "pledges_unspaced"
FOLD_FUNCTION = "pledges_fold"  # a short unspaced term's case, folded as PostgreSQL's ILIKE does
# UTF-8 lead bytes of the unspaced characters (pledges.search.query.UNSPACED: U+3000-U+9FFF,
# U+F900-U+FAFF, U+FF00-U+FFEF); EF leads a little more (U+F000-U+FFFF), which only adds texts
# that cannot match an unspaced term to the unspaced index.
_OTHER_BYTES = bytes(b for b in range(256) if not (0xE3 <= b <= 0xE9 or b == 0xEF))
# PostgreSQL's [:alnum:] leaves out what Python's \w and SQLite's unicode61 count as parts of
# a word: superscripts, subscripts, fractions and enclosed numbers (CO₂, m², ½, ⅓, ①), and
# combining accents (a decomposed é stays in its word); it counts the circled letters (Ⓐ), which
# unicode61 takes for separators.
PG_WORD_CHARACTERS = "[:alnum:]\u0300-\u036f¹²³¼½¾⁰-⁹₀-₉⅐-\u218f①-⒛⓪-⓿❶-➓"
PG_SEPARATORS = "Ⓐ-ⓩ"
# The longest word searched: longer runs of letters (a URL's, a table's, an unspaced clause)
# are no word anyone types, and PostgreSQL refuses a word of more than 2 KB.
MAX_WORD = 60


@dataclass(frozen=True)
class Kind:
    """A kind of record the search finds: where it is stored and which of its texts are read."""

    name: str  # as --in names it
    entity: Entity
    table: str
    key: str  # the column FTS5 keys on: the rowid, or evidence's integer id
    title: str | None
    body: str
    code: int  # in search_unspaced's rowids

    @property
    def index(self) -> str:
        return f"search_{self.name}"

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.title, self.body) if self.title else (self.body,)

    def joined(self, alias: str = "") -> str:
        """The record's texts as one SQL expression (PostgreSQL's words, the unspaced test)."""
        parts = [f"coalesce({alias}{column}, '')" for column in self.columns]
        return " || ' ' || ".join(parts)


SOURCES = Kind("sources", Entity.SOURCE, "sources", "rowid", "title", "text", 0)
QUOTES = Kind("quotes", Entity.EVIDENCE, "evidence", "id", None, "quote", 1)
PLEDGES = Kind("pledges", Entity.PLEDGE, "pledges", "rowid", "title", "statement", 2)
KINDS = (SOURCES, QUOTES, PLEDGES)
BY_ENTITY = {kind.entity: kind for kind in KINDS}
TABLES = (*(kind.index for kind in KINDS), UNSPACED_TABLE)  # SQLite's, each with shadow tables
LISTED = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'search%'"


def index_damage(error: BaseException) -> bool:
    """Whether SQLite's error (sqlite3's own) says that a search table is missing or damaged."""
    name = str(getattr(error, "sqlite_errorname", ""))
    return name == "SQLITE_CORRUPT_VTAB" or "no such table: search_" in str(error)


def unspaced(value: bytes | None) -> bool:
    """Whether a text (its UTF-8 bytes) may hold an unspaced character."""
    return value is not None and bool(value.translate(None, _OTHER_BYTES))


def fold(value: str | None) -> str | None:
    """A text in lower case, as a search for a short unspaced term reads it on SQLite."""
    return None if value is None else value.lower()

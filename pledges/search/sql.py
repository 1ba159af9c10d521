"""A search as each database's SQL: which records match, ranked, within the filters.

Both dialects find the same records for the same query. A word is a word of the index (SQLite's
FTS5 tables, PostgreSQL's search_words); a phrase is its words in a row, which FTS5 checks from
its positions and PostgreSQL with a regular expression over the records its words found; a prefix
is the words that begin with it; unspaced text is looked for inside the texts that hold such
characters (FTS5's trigram table, read through with instr() for a term shorter than a trigram;
ILIKE over pg_trgm on PostgreSQL). Ranks differ: SQLite's is bm25 (a title counts ten times a
body), PostgreSQL's ts_rank. Case is folded as SQLite's unicode61 folds it on both
(pledges_fold() on PostgreSQL: the final sigma a sigma, the Turkish İ left as it is). Every
statement names its values as :name, which sqlite3 and SQLAlchemy both take.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pledges.search.kinds import FOLD_FUNCTION, PG_WORD_CHARACTERS, UNSPACED_TABLE, Kind
from pledges.search.query import Form, Query, Term

TITLE_WEIGHT = 10.0


@dataclass(frozen=True)
class Filters:
    actor: str | None = None
    kind: str | None = None
    status: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None


class _Values:
    """The values a statement names, each given a fresh :name."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        name = f"v{len(self.params)}"
        self.params[name] = value
        return f":{name}"


# --- the text conditions ------------------------------------------------------------------------


def _fts(term: Term) -> str:
    """A word term in FTS5's query syntax (its words are letters and digits only)."""
    phrase = '"' + " ".join(term.words) + '"'
    return phrase + " *" if term.form is Form.PREFIX else phrase


def _like(term: Term) -> str:
    escaped = term.words[0].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _unspaced_sqlite(kind: Kind, term: Term, value: _Values, key: str) -> str:
    if len(term.words[0]) >= 3:
        found = (
            f"SELECT rowid FROM {UNSPACED_TABLE} WHERE {UNSPACED_TABLE} MATCH "
            f"{value(chr(34) + term.words[0].replace(chr(34), chr(34) * 2) + chr(34))}"
        )
    else:  # shorter than a trigram: each text of the unspaced index read through
        piece = term.words[0]
        wanted = value(piece.lower())
        # Case is folded (in Python, as PostgreSQL's ILIKE folds it) only for a term that has
        # case, full-width Latin letters say; Chinese has none, and is sought as it stands.
        title, body = (
            (f"{FOLD_FUNCTION}(title)", f"{FOLD_FUNCTION}(body)")
            if piece.lower() != piece.upper()
            else ("title", "body")
        )
        found = (
            f"SELECT rowid FROM {UNSPACED_TABLE} WHERE rowid % 4 = {kind.code} AND "
            f"(instr({title}, {wanted}) OR instr({body}, {wanted}))"
        )
    return f"{key} * 4 + {kind.code} {'NOT ' if term.excluded else ''}IN ({found})"


def _sqlite_text(kind: Kind, query: Query, value: _Values) -> tuple[str, list[str], str]:
    """(the FROM clause, the conditions, the rank) of a query on SQLite."""
    key = f"r.{kind.key}"
    words = [t for t in query.wanted if t.form is not Form.UNSPACED]
    unwords = [t for t in query.excluded if t.form is not Form.UNSPACED]
    conditions = []
    source = f"{kind.table} r"
    rank = "0"
    if words:
        expression = "(" + " AND ".join(_fts(t) for t in words) + ")"
        expression += "".join(f" NOT {_fts(t)}" for t in unwords)
        source = f"{kind.index} JOIN {kind.table} r ON {key} = {kind.index}.rowid"
        conditions.append(f"{kind.index} MATCH {value(expression)}")
        weights = f", {TITLE_WEIGHT}, 1.0" if kind.title else ""
        rank = f"bm25({kind.index}{weights})"
    elif unwords:
        expression = " OR ".join(_fts(t) for t in unwords)
        conditions.append(
            f"{key} NOT IN (SELECT rowid FROM {kind.index} WHERE {kind.index} MATCH "
            f"{value(expression)})"
        )
    unspaced = [t for t in query.terms if t.form is Form.UNSPACED]
    for term in unspaced:
        conditions.append(_unspaced_sqlite(kind, term, value, key))
    return source, conditions, rank


def _quoted(word: str) -> str:
    return "'" + word + "'"  # letters and digits only: nothing to escape


def _tsquery(term: Term) -> str:
    parts = [_quoted(w) for w in term.words]
    if term.form is Form.PREFIX:
        parts[-1] += ":*"
    return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"


def _regex(term: Term) -> str:
    """A phrase as PostgreSQL's regular expression: its words in a row, whatever is between."""
    other = f"[^{PG_WORD_CHARACTERS}]"
    body = f"{other}+".join(term.words)
    end = "" if term.form is Form.PREFIX else f"({other}|$)"
    return f"(^|{other}){body}{end}"


def _columns_hold(kind: Kind, operator: str, pattern: str) -> str:
    """Whether a text of the record matches (the bare columns, so that pg_trgm's indexes serve)."""
    return "(" + " OR ".join(f"r.{c} {operator} {pattern}" for c in kind.columns) + ")"


def _pg_text(kind: Kind, query: Query, value: _Values) -> tuple[str, list[str], str]:
    conditions = []
    rank = "0"
    wanted = [t for t in query.wanted if t.form is not Form.UNSPACED]
    plain_out = [t for t in query.excluded if t.form is not Form.UNSPACED and len(t.words) == 1]
    parts = [_tsquery(t) for t in wanted] + [f"!{_tsquery(t)}" for t in plain_out]
    if parts:
        # PostgreSQL folds the query's words as pledges_words() folds the texts'.
        tsquery = f"CAST(pledges_fold({value(' & '.join(parts))}) AS tsquery)"
        conditions.append(f"r.search_words @@ {tsquery}")
        if wanted:
            rank = f"-ts_rank(r.search_words, {tsquery})"
    for term in query.terms:
        if term.form is Form.UNSPACED:
            held = _columns_hold(kind, "ILIKE", value(_like(term)) + " ESCAPE '\\'")
        elif len(term.words) > 1:
            held = _columns_hold(kind, "~*", value(_regex(term)))
        else:
            continue
        conditions.append(f"{held} IS NOT TRUE" if term.excluded else held)
    return f"{kind.table} r", conditions, rank


# --- the filters --------------------------------------------------------------------------------


def _pledge_filters(p: str, filters: Filters, value: _Values) -> list[str]:
    conditions = []
    if filters.kind is not None:
        conditions.append(f"{p}.kind = {value(filters.kind)}")
    if filters.status is not None:
        conditions.append(f"{p}.status = {value(filters.status)}")
    if filters.actor is not None:
        conditions.append(
            f"EXISTS (SELECT 1 FROM pledge_actors a WHERE a.pledge_id = {p}.id "
            f"AND a.actor_id = {value(filters.actor)})"
        )
    return conditions


def _dates(column: str, filters: Filters, value: _Values) -> list[str]:
    conditions = []
    if filters.since is not None:
        conditions.append(f"{column} >= {value(filters.since)}")
    if filters.until is not None:
        conditions.append(f"{column} <= {value(filters.until)}")
    return conditions


def _exists(related: str, conditions: list[str]) -> list[str]:
    """A condition that a related row (`related`, a SELECT ending in its WHERE's join) meets
    all `conditions`; none when there are none."""
    return [f"EXISTS ({related} AND {' AND '.join(conditions)})"] if conditions else []


def _filters(kind: Kind, filters: Filters, value: _Values) -> list[str]:
    source = [] if filters.source is None else [value(filters.source)]
    if kind.name == "sources":
        return (
            _dates("r.published_on", filters, value)
            + [f"r.id = {s}" for s in source]
            + _exists(
                "SELECT 1 FROM evidence e JOIN pledges p ON p.id = e.pledge_id "
                "WHERE e.source_id = r.id",
                _pledge_filters("p", filters, value),
            )
        )
    if kind.name == "quotes":
        return (
            [f"r.source_id = {s}" for s in source]
            + _exists(
                "SELECT 1 FROM sources s WHERE s.id = r.source_id",
                _dates("s.published_on", filters, value),
            )
            + _exists(
                "SELECT 1 FROM pledges p WHERE p.id = r.pledge_id",
                _pledge_filters("p", filters, value),
            )
        )
    return (
        _dates("r.announced_on", filters, value)
        + _pledge_filters("r", filters, value)
        + _exists(
            "SELECT 1 FROM evidence e WHERE e.pledge_id = r.id",
            [f"e.source_id = {s}" for s in source],
        )
    )


# --- the statements -----------------------------------------------------------------------------


def ranked(
    dialect: str, kind: Kind, query: Query, filters: Filters, limit: int
) -> tuple[str, dict[str, Any]]:
    """The ids of the records of `kind` that match, best first, at most `limit` of them."""
    value = _Values()
    build = _sqlite_text if dialect == "sqlite" else _pg_text
    source, conditions, rank = build(kind, query, value)
    conditions += _filters(kind, filters, value)
    where = " AND ".join(conditions) or "1 = 1"
    sql = (
        f"SELECT r.id, {rank} AS score FROM {source} WHERE {where} "
        f"ORDER BY score, r.id LIMIT {int(limit)}"
    )
    return sql, value.params


_DETAILS = {
    "sources": "SELECT r.id, r.title, r.published_on, r.title, r.text FROM sources r",
    "quotes": (
        "SELECT r.id, r.pledge_id, p.title, r.source_id, s.title, s.published_on, "
        "r.deprecated_reason, r.quote, p.status FROM evidence r "
        "JOIN pledges p ON p.id = r.pledge_id JOIN sources s ON s.id = r.source_id"
    ),
    "pledges": (
        "SELECT r.id, r.title, r.status, r.announced_on, r.title, r.statement FROM pledges r"
    ),
}


def details(kind: Kind, ids: list[Any]) -> tuple[str, dict[str, Any]]:
    """What is shown of each found record, and the texts its passage is taken from."""
    value = _Values()
    marks = ", ".join(value(i) for i in ids) or "NULL"
    return f"{_DETAILS[kind.name]} WHERE r.id IN ({marks})", value.params

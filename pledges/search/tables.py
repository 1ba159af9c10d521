"""Where the search index is stored, on each database, and how it is made, checked and dropped.

SQLite holds it in FTS5 tables whose text is the register's own (external content: nothing is
stored twice). One table per kind of record reads words (the unicode61 tokenizer, case folded,
accents kept, as PostgreSQL keeps them); `search_unspaced` reads every three characters (the
trigram tokenizer) of the records written partly without spaces, Chinese and Japanese, and holds
its own copy of those texts only. Its rowid is the record's rowid times four plus the kind's code.
The index is brought in step with each transaction's changes by pledges.search.follow, when the
transaction commits; SQLite's triggers would do it one row at a time, flushing FTS5 each time.

PostgreSQL holds it in a generated column `search_words` on each table, a `tsvector` of the
record's words (pledges_words(), the same words as SQLite's), with a GIN index, and in trigram GIN
indexes (pg_trgm) on the same texts for the unspaced scripts. The database keeps them in step.

Every name here starts with `search_` (or `pledges_`): the migrations' model check and their
downgrade's account of what it drops leave such derived things out (alembic/env.py, migrate.py).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from pledges.errors import PledgesError
from pledges.search.kinds import (
    KINDS,
    LISTED,
    MAX_WORD,
    PG_SEPARATORS,
    PG_WORD_CHARACTERS,
    TABLES,
    UNSPACED_FUNCTION,
    UNSPACED_TABLE,
    WORDS_TOKENIZER,
    Kind,
    unspaced,
)
from pledges.search.query import UNSPACED


def register_functions(connection: Connection) -> None:
    """Give a SQLite connection the function that picks the unspaced texts."""
    raw = connection.connection.driver_connection
    create: Callable[..., None] = raw.create_function  # type: ignore[union-attr]
    create(UNSPACED_FUNCTION, 1, unspaced, deterministic=True)


def unspaced_rows(kind: Kind, where: str) -> str:
    """The SELECT that feeds search_unspaced with the records of `kind` matching `where`."""
    title = kind.title or "NULL"
    test = f"{UNSPACED_FUNCTION}(CAST({kind.joined()} AS BLOB))"
    return (
        f"SELECT {kind.key} * 4 + {kind.code}, {title}, {kind.body} FROM {kind.table} "
        f"WHERE ({where}) AND {test}"
    )


# --- SQLite -------------------------------------------------------------------------------------


def _sqlite_create(connection: Connection) -> None:
    for kind in KINDS:
        key = "" if kind.key == "rowid" else f", content_rowid='{kind.key}'"
        connection.execute(
            text(
                f"CREATE VIRTUAL TABLE {kind.index} USING fts5({', '.join(kind.columns)}, "
                f"content='{kind.table}'{key}, tokenize='{WORDS_TOKENIZER}')"
            )
        )
    connection.execute(
        text(f"CREATE VIRTUAL TABLE {UNSPACED_TABLE} USING fts5(title, body, tokenize='trigram')")
    )


def _sqlite_fill(connection: Connection) -> None:
    register_functions(connection)
    for kind in KINDS:
        connection.execute(text(f"INSERT INTO {kind.index}({kind.index}) VALUES ('rebuild')"))
        connection.execute(
            text(f"INSERT INTO {UNSPACED_TABLE}(rowid, title, body) {unspaced_rows(kind, '1')}")
        )


def _sqlite_tables(connection: Connection) -> set[str]:
    """The index's tables and their shadow tables."""
    return {str(name) for (name,) in connection.execute(text(LISTED))}


def _sqlite_drop(connection: Connection) -> None:
    for name in TABLES:
        try:
            with connection.begin_nested():
                connection.execute(text(f"DROP TABLE IF EXISTS {name}"))
        except DBAPIError:  # a table too damaged to open cannot be dropped: its entry is removed
            _forget(connection, name)
    for name in sorted(_sqlite_tables(connection)):  # shadow tables left without their table
        connection.execute(text(f'DROP TABLE IF EXISTS "{name}"'))


def _forget(connection: Connection, name: str) -> None:
    """Remove a virtual table's entry from the schema, as SQLite's documentation describes for a
    table that cannot be dropped; its shadow tables are ordinary tables, dropped afterwards."""
    connection.execute(text("PRAGMA writable_schema = ON"))
    connection.execute(
        text("DELETE FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": name}
    )
    connection.execute(text("PRAGMA writable_schema = OFF"))
    version = connection.execute(text("PRAGMA schema_version")).scalar_one()
    connection.execute(text(f"PRAGMA schema_version = {int(version) + 1}"))


def _sqlite_problems(connection: Connection) -> list[str]:
    present = _sqlite_tables(connection)
    missing = [n for n in TABLES if n not in present]
    if missing:
        return [f"the search index table{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} {'are' if len(missing) > 1 else 'is'} missing"]  # fmt: skip
    problems = []
    for name in TABLES:
        try:
            with connection.begin_nested():
                connection.execute(text(f"INSERT INTO {name}({name}, rank) "
                                        "VALUES ('integrity-check', 1)"))  # fmt: skip
        except DBAPIError:  # SQLite says only that the index is corrupt
            problems.append(f"the search index {name} does not match the register")
    if not problems and _unspaced_drifted(connection):
        problems.append(f"the search index {UNSPACED_TABLE} does not match the register")
    return problems


def _unspaced_drifted(connection: Connection) -> bool:
    """Whether the unspaced index holds other texts than the register's texts with unspaced
    characters. It keeps its own copy, which FTS5's check cannot compare with the register."""
    register_functions(connection)
    for kind in KINDS:
        held = f"SELECT rowid, title, body FROM {UNSPACED_TABLE} WHERE rowid % 4 = {kind.code}"
        wanted = unspaced_rows(kind, "1")
        differs = connection.execute(
            text(f"SELECT 1 FROM ({held} EXCEPT {wanted}) "
                 f"UNION ALL SELECT 1 FROM ({wanted} EXCEPT {held}) LIMIT 1")
        ).first()  # fmt: skip
        if differs is not None:
            return True
    return False


# --- PostgreSQL ---------------------------------------------------------------------------------

# Case folded as SQLite's unicode61 folds it, where PostgreSQL's lower() differs: the final
# sigma is a sigma, and the Turkish İ is left as it is.
_PG_FOLD = """
CREATE OR REPLACE FUNCTION pledges_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT translate(translate(lower(translate(value, U&'\\0130', U&'\\E000')),
                             U&'\\E000', U&'\\0130'), U&'\\03C2', U&'\\03C3')
$$
"""
# A record's words, as SQLite's unicode61 reads them. A word holding an unspaced character is
# left out (a query looks for such text with ILIKE, never as a word), as is one longer than any
# query may look for: both would only make the tsvector larger, past its limits on a long text.
_PG_WORDS = f"""
CREATE OR REPLACE FUNCTION pledges_words(value text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT array_to_tsvector(coalesce(array_agg(DISTINCT word), '{{}}'))
  FROM regexp_split_to_table(pledges_fold(value),
                             '([^{PG_WORD_CHARACTERS}]|[{PG_SEPARATORS}])+') AS word
  WHERE word <> '' AND char_length(word) <= {MAX_WORD} AND word !~ '[{UNSPACED}]'
$$
"""


def _trigrams(connection: Connection) -> None:
    """pg_trgm, or one line saying who may install it: a trusted extension, which the owner of
    the database may create, and a superuser always."""
    try:
        with connection.begin_nested():
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except DBAPIError as error:
        sqlstate = str(getattr(error.orig, "sqlstate", "") or "")
        if sqlstate not in ("42501", "0A000", "58P01"):  # no privilege, not available
            raise
        database = connection.execute(text("SELECT current_database()")).scalar_one()
        raise PledgesError(
            "the search index needs PostgreSQL's pg_trgm extension, which this role may not "
            f"create in the database {database!r} (or the server does not have it)",
            f"ask the server's administrator to run CREATE EXTENSION pg_trgm; in {database!r} "
            "(Debian: the postgresql-contrib package), then run the command again",
        ) from None


def _pg_create(connection: Connection) -> None:
    _trigrams(connection)
    connection.execute(text(_PG_FOLD))
    connection.execute(text(_PG_WORDS))
    for kind in KINDS:
        connection.execute(
            text(
                f"ALTER TABLE {kind.table} ADD COLUMN search_words tsvector "
                f"GENERATED ALWAYS AS (pledges_words({kind.joined()})) STORED"
            )
        )
        connection.execute(
            text(f"CREATE INDEX search_{kind.name}_words ON {kind.table} USING gin (search_words)")
        )
        trigrams = ", ".join(f"{column} gin_trgm_ops" for column in kind.columns)
        connection.execute(
            text(f"CREATE INDEX search_{kind.name}_trigrams ON {kind.table} USING gin ({trigrams})")
        )


def _pg_drop(connection: Connection) -> None:
    for kind in KINDS:
        connection.execute(text(f"DROP INDEX IF EXISTS search_{kind.name}_trigrams"))
        connection.execute(text(f"ALTER TABLE {kind.table} DROP COLUMN IF EXISTS search_words"))
    connection.execute(text("DROP FUNCTION IF EXISTS pledges_words(text)"))
    connection.execute(text("DROP FUNCTION IF EXISTS pledges_fold(text)"))


def _pg_problems(connection: Connection) -> list[str]:
    found = {
        str(name)
        for (name,) in connection.execute(
            text("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search\\_%'")
        )
    }
    wanted = [f"search_{k.name}_{part}" for k in KINDS for part in ("words", "trigrams")]
    missing = [name for name in wanted if name not in found]
    columns = connection.execute(
        text("SELECT count(*) FROM information_schema.columns WHERE column_name = 'search_words' "
             "AND table_schema = current_schema() AND table_name IN ('sources', 'evidence', "
             "'pledges')")
    ).scalar_one()  # fmt: skip
    problems = [f"the search index {name} is missing" for name in missing]
    if columns < len(KINDS):
        problems.insert(0, "the search index's search_words columns are missing")
    return problems


# --- either -------------------------------------------------------------------------------------


def create(connection: Connection) -> None:
    """Make the index's tables (SQLite) or columns and indexes (PostgreSQL), and fill them."""
    if connection.dialect.name == "sqlite":
        _sqlite_create(connection)
        _sqlite_fill(connection)
    else:
        _pg_create(connection)


def drop(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        _sqlite_drop(connection)
    else:
        _pg_drop(connection)


def problems(connection: Connection) -> list[str]:
    """What is wrong with the stored index: empty when it is whole and in step."""
    if connection.dialect.name == "sqlite":
        return _sqlite_problems(connection)
    return _pg_problems(connection)


def rebuild(connection: Connection) -> None:
    """The index made again from the register: what `pledges db reindex` does."""
    drop(connection)
    create(connection)

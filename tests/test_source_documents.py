"""A source records how its text was got, and `source add` takes what the document offers.

`source add` stores the file's format, encoding and extractor, and takes a title, date and
publisher not typed from the document's own metadata, recording which it took (`from_metadata`);
a title is required when the document gives none. `source update` makes an overridden field the
curator's, in the same revision, and never changes how the text was read. `source show` tells all
this, and the page each quote stands on when the text has pages. The new columns go through an
export and an import (an older export without them still imports), and an upgrade of a register
made before them leaves its sources with nothing recorded. Each runs on SQLite and PostgreSQL
where the CLI writes.

`offered` is what the test page's metadata states; `test_the_real_reading_offers_...` checks
that the reading gives exactly that, and the tests that change it (a page without a title, a
language that cannot be told) change the reading's result.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from pledges import documents, history, migrate
from pledges.db import make_engine, transaction
from pledges.dburl import resolve_url
from pledges.documents import Document
from pledges.schema import text_sha256
from pledges.vocab import Action, Entity
from tests.conftest import CLI
from tests.test_cli import one_line

TITLE = "EU settles on a 55 percent cut"
PUBLISHER = "Climate Desk"
PUBLISHED = date(2021, 4, 21)
PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{TITLE}</title>
<meta property="og:site_name" content="{PUBLISHER}">
<meta property="og:title" content="{TITLE}">
<meta property="article:published_time" content="{PUBLISHED.isoformat()}T08:00:00Z">
</head><body><article><h1>{TITLE}</h1>
<p>The European Union has agreed that its net greenhouse gas emissions will fall by at least
55 percent by 2030, measured against the levels of 1990.</p>
<p>Negotiators for the member states and the parliament settled the figure after a night of
talks, and the target is to be written into the bloc's climate law.</p>
<p>The same law sets the aim of climate neutrality for the whole union by 2050.</p>
</article></body></html>
"""
NOTE = (
    f"Taken from the document's metadata: title {TITLE!r}, published '2021-04-21', publisher "
    f"{PUBLISHER!r}; to set your own, run 'pledges source update eu-55' with --title, "
    "--published or --publisher."
)
REASON = ("--reason", "the EU's 2030 target as reported")


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "eu-55.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


@pytest.fixture
def offered(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What the page's metadata states, given with the real reading of each file (see the
    module's docstring); a test may change it."""
    metadata: dict[str, Any] = {
        "title": TITLE, "published_on": PUBLISHED, "publisher": PUBLISHER, "language": "en",
    }  # fmt: skip
    real = documents.read

    def read(path: Path, *, detect_language: bool = True) -> Document:
        document = real(path, detect_language=detect_language)
        if document.format.value != "html":
            return document
        return Document(**{**document.__dict__, **metadata})

    monkeypatch.setattr(documents, "read", read)
    return metadata


def source_json(cli: CLI, db: str, source_id: str = "eu-55") -> dict[str, Any]:
    shown = cli("source", "show", source_id, "--format", "json", "--db", db)
    assert shown.code == 0, shown.err
    data: dict[str, Any] = json.loads(shown.out)
    return data


def last_revision(db: str) -> tuple[int, dict[str, Any]]:
    engine = make_engine(resolve_url(db))
    try:
        with engine.connect() as conn:
            seq, changes = conn.execute(
                text("SELECT seq, CAST(changes AS TEXT) FROM revisions ORDER BY seq DESC")
            ).first() or (0, "{}")
    finally:
        engine.dispose()
    return int(seq), json.loads(changes)


def add_page(cli: CLI, db: str, page: Path, *extra: str) -> Any:
    return cli("source", "add", str(page), "--id", "eu-55", *REASON, "--db", db, *extra)


# --- adding ------------------------------------------------------------------------------------


def test_a_page_without_title_date_or_publisher_takes_them_from_its_metadata(
    cli: CLI, seeded: str, page: Path, offered: dict[str, Any]
) -> None:
    added = add_page(cli, seeded, page)
    assert added.code == 0, added.err
    lines = added.err.splitlines()
    assert lines[0].startswith("Added source eu-55: ")
    assert lines[1:] == [NOTE]
    source = source_json(cli, seeded)["source"]
    assert (source["title"], source["published_on"], source["publisher"]) == (
        TITLE, "2021-04-21", PUBLISHER,
    )  # fmt: skip
    assert source["from_metadata"] == ["title", "published_on", "publisher"]
    assert (source["format"], source["encoding"], source["language"]) == ("html", "utf-8", "en")
    assert source["extractor"].startswith("trafilatura ")
    _, changes = last_revision(seeded)
    assert changes["from_metadata"] == {"before": None, "after": source["from_metadata"]}


def test_what_is_typed_wins_and_is_not_marked(
    cli: CLI, seeded: str, page: Path, offered: dict[str, Any]
) -> None:
    added = add_page(cli, seeded, page, "--title", "The EU's 2030 target", "--language", "fr")
    assert added.code == 0, added.err
    assert added.err.splitlines()[1] == (
        f"Taken from the document's metadata: published '2021-04-21', publisher {PUBLISHER!r}; "
        "to set your own, run 'pledges source update eu-55' with --published or --publisher."
    )
    source = source_json(cli, seeded)["source"]
    assert source["title"] == "The EU's 2030 target"
    assert source["language"] == "fr"
    assert source["from_metadata"] == ["published_on", "publisher"]


def test_a_document_without_a_title_needs_one(
    cli: CLI, seeded: str, page: Path, offered: dict[str, Any]
) -> None:
    offered["title"] = None
    refused = add_page(cli, seeded, page)
    assert refused.code == 2
    assert one_line(refused.err) == (
        f"Error: {page} gives no title of its own — give the article's title with --title"
    )
    assert cli("source", "show", "eu-55", "--db", seeded).code == 2  # nothing was written
    added = add_page(cli, seeded, page, "--title", TITLE)
    assert added.code == 0, added.err
    assert source_json(cli, seeded)["source"]["from_metadata"] == ["published_on", "publisher"]


def test_a_text_file_records_its_format_and_encoding_and_no_extractor(
    cli: CLI, seeded: str, tmp_path: Path, offered: dict[str, Any]
) -> None:
    path = tmp_path / "us.txt"
    path.write_text("The United States aims to cut its net emissions by half by 2030.\n")
    added = cli("source", "add", str(path), "--id", "us-half", "--title", "US target",
                *REASON, "--db", seeded)  # fmt: skip
    assert added.code == 0, added.err
    assert len(added.err.splitlines()) == 1  # nothing was taken from metadata
    source = source_json(cli, seeded, "us-half")["source"]
    assert (source["format"], source["encoding"], source["extractor"]) == ("text", "utf-8", None)
    assert source["from_metadata"] is None
    assert source["language"] == "en"


def test_a_language_that_cannot_be_detected_is_recorded_as_undetermined(
    cli: CLI, seeded: str, page: Path, offered: dict[str, Any]
) -> None:
    offered["language"] = None
    added = add_page(cli, seeded, page)
    assert added.code == 0, added.err
    assert added.err.splitlines()[2] == (
        "The language could not be detected: recorded as und (undetermined); set it with "
        "'pledges source update eu-55 --language CODE'."
    )
    assert source_json(cli, seeded)["source"]["language"] == "und"


def test_the_real_reading_offers_the_pages_metadata(page: Path) -> None:
    document = documents.read(page)
    assert (document.title, document.published_on, document.publisher) == (
        TITLE, PUBLISHED, PUBLISHER,
    )  # fmt: skip
    assert document.language == "en"


# --- correcting --------------------------------------------------------------------------------


def test_an_override_leaves_the_metadata_in_the_same_revision(
    cli: CLI, seeded: str, page: Path, offered: dict[str, Any]
) -> None:
    assert add_page(cli, seeded, page).code == 0
    before, _ = last_revision(seeded)
    updated = cli("source", "update", "eu-55", "--title", "EU: 55 % by 2030", *REASON,
                  "--db", seeded)  # fmt: skip
    assert updated.code == 0, updated.err
    after, changes = last_revision(seeded)
    assert after == before + 1
    assert changes == {
        "title": {"before": TITLE, "after": "EU: 55 % by 2030"},
        "from_metadata": {
            "before": ["title", "published_on", "publisher"],
            "after": ["published_on", "publisher"],
        },
    }
    # The same value, given: confirmed by the curator, it is theirs.
    confirmed = cli("source", "update", "eu-55", "--publisher", PUBLISHER, *REASON, "--db", seeded)
    assert confirmed.code == 0, confirmed.err
    assert last_revision(seeded)[1] == {
        "from_metadata": {"before": ["published_on", "publisher"], "after": ["published_on"]}
    }
    cleared = cli("source", "update", "eu-55", "--clear", "published", *REASON, "--db", seeded)
    assert cleared.code == 0, cleared.err
    source = source_json(cli, seeded)["source"]
    assert (source["published_on"], source["from_metadata"]) == (None, None)
    # A revert sets both back: the date, and that it came from the metadata.
    reverted = cli("revert", str(last_revision(seeded)[0]), *REASON, "--db", seeded)
    assert reverted.code == 0, reverted.err
    source = source_json(cli, seeded)["source"]
    assert (source["published_on"], source["from_metadata"]) == ("2021-04-21", ["published_on"])


@pytest.mark.parametrize("field", ["format", "encoding", "extractor"])
def test_how_the_text_was_read_never_changes(
    cli: CLI, seeded: str, page: Path, offered: dict[str, Any], field: str
) -> None:
    assert add_page(cli, seeded, page).code == 0
    before = last_revision(seeded)
    refused = cli("source", "update", "eu-55", "--clear", field, *REASON, "--db", seeded)
    assert refused.code == 2
    assert one_line(refused.err) == (
        f"Error: the {field} of source eu-55 never changes — it records how the stored text was "
        "read from its file; add the corrected text as a new source with 'pledges source add "
        "FILE --supersedes eu-55'"
    )
    assert last_revision(seeded) == before


# --- showing -----------------------------------------------------------------------------------


def test_show_tells_how_the_text_was_read_and_what_came_from_the_metadata(
    cli: CLI, seeded: str, page: Path, offered: dict[str, Any]
) -> None:
    assert add_page(cli, seeded, page).code == 0
    shown = cli("source", "show", "eu-55", "--db", seeded)
    assert shown.code == 0, shown.err
    lines = {" ".join(line.split()) for line in shown.out.splitlines()}
    extractor = source_json(cli, seeded)["source"]["extractor"]
    for fact in (
        "language en",
        "from metadata title, date, publisher (from the document's own metadata)",
        "format html",
        "encoding utf-8",
        f"extractor {extractor}",
    ):
        assert fact in lines, shown.out


def test_show_names_the_page_each_quote_stands_on(
    cli: CLI, seeded: str, tmp_path: Path, offered: dict[str, Any]
) -> None:
    path = tmp_path / "report.txt"
    path.write_text(
        "Page one sets out the background of the plan.\f"
        "China will peak its carbon dioxide emissions before 2030.\f"
        "China will reach carbon neutrality before 2060, the plan says.\n"
    )
    assert cli("source", "add", str(path), "--id", "cn-plan", "--title", "China's plan",
               *REASON, "--db", seeded).code == 0  # fmt: skip
    for quote in ("China will reach carbon neutrality before 2060",
                  "Page one sets out the background"):  # fmt: skip
        cited = cli("cite", "cn-carbon-neutrality-2060", "cn-plan", "--quote", quote, *REASON,
                    "--db", seeded)  # fmt: skip
        assert cited.code == 0, cited.err
    shown = cli("source", "show", "cn-plan", "--db", seeded)
    assert shown.code == 0, shown.err
    cited_lines = [line for line in shown.out.splitlines() if "→ cn-carbon-neutrality-2060" in line]
    assert [line.split(":", 1)[0].split("(")[1] for line in cited_lines] == [
        "normal, p. 3)", "normal, p. 1)",
    ]  # fmt: skip
    pages = [e["page"] for e in source_json(cli, seeded, "cn-plan")["cited_by"]]
    assert pages == [3, 1]
    # A text without form feeds has no pages to name.
    seed = source_json(cli, seeded, "kerry-no-agreement")
    assert seed["cited_by"] and all(e["page"] is None for e in seed["cited_by"])
    plain = cli("source", "show", "kerry-no-agreement", "--db", seeded)
    assert " p. " not in plain.out


# --- the register: migration, constraint, export and import ------------------------------------


OLDER = "Japan aims for net zero greenhouse gas emissions by 2050.\n"


def test_an_older_register_upgrades_with_nothing_recorded(cli: CLI, db_url: str) -> None:
    """A register made at 0003, its source added and logged as that version did."""
    engine = make_engine(resolve_url(db_url))
    try:
        with transaction(engine, write=True) as session:
            migrate.upgrade(session.connection(), "0003")
            record = {
                "id": "jp-2050", "title": "Japan's 2050 goal", "kind": "news",
                "date_inferred": False, "language": "en", "sha256": text_sha256(OLDER),
            }  # fmt: skip
            session.execute(
                text(
                    "INSERT INTO sources (id, title, kind, date_inferred, language, text, sha256) "
                    "VALUES (:id, :title, :kind, :date_inferred, :language, :text, :sha256)"
                ),
                {**record, "text": OLDER},
            )
            history.append(
                session, author="test", action=Action.CREATE, entity=Entity.SOURCE,
                entity_id="jp-2050", reason="added at 0003", changes=history.diff(None, record),
            )  # fmt: skip
        with transaction(engine, write=True) as session:
            migrate.upgrade(session.connection())
    finally:
        engine.dispose()
    source = source_json(cli, db_url, "jp-2050")["source"]
    assert {k: source[k] for k in ("format", "encoding", "extractor", "from_metadata")} == {
        "format": None, "encoding": None, "extractor": None, "from_metadata": None,
    }  # fmt: skip
    shown = cli("source", "show", "jp-2050", "--db", db_url)
    assert "format not recorded" in {" ".join(line.split()) for line in shown.out.splitlines()}
    assert "encoding" not in shown.out
    verified = cli("log", "verify", "--db", db_url)
    assert verified.code == 0, verified.err
    assert one_line(verified.err).startswith("The log is intact: 1 revisions")
    updated = cli("source", "update", "jp-2050", "--publisher", "Kyodo", *REASON, "--db", db_url)
    assert updated.code == 0, updated.err
    assert last_revision(db_url)[1] == {"publisher": {"before": None, "after": "Kyodo"}}


def test_a_downgrade_names_the_reading_it_would_drop(
    cli: CLI, seeded: str, page: Path, offered: dict[str, Any]
) -> None:
    assert add_page(cli, seeded, page).code == 0
    refused = cli("db", "downgrade", "-3", "--db", seeded)
    assert refused.code == 2
    assert (
        "would drop sources.format (1 value), sources.encoding (1 value), sources.extractor "
        "(1 value) and sources.from_metadata (1 value) — "
    ) in one_line(refused.err)


def test_after_a_forced_downgrade_the_upgrade_takes_the_reading_from_the_log(
    cli: CLI, seeded: str, page: Path, offered: dict[str, Any], tmp_path: Path
) -> None:
    assert add_page(cli, seeded, page).code == 0
    updated = cli(
        "source", "update", "eu-55", "--title", "EU: 55 % by 2030", *REASON, "--db", seeded
    )
    assert updated.code == 0, updated.err
    before = source_json(cli, seeded)["source"]
    backup = []
    if resolve_url(seeded).drivername != "sqlite":  # test_downgrade.py makes a real pg_dump
        dump = tmp_path / "made-before.dump"
        dump.write_bytes(b"PGDMP stands in for the dump here")
        backup = ["--backup", str(dump)]
    downgraded = cli("db", "downgrade", "0003", "--force", *backup, "--db", seeded)
    assert downgraded.code == 0, downgraded.err
    assert cli("db", "upgrade", "--db", seeded).code == 0
    assert source_json(cli, seeded)["source"] == before
    assert before["from_metadata"] == ["published_on", "publisher"]
    verified = cli("log", "verify", "--db", seeded)
    assert verified.code == 0, verified.err
    assert one_line(verified.err).startswith("The log is intact")


def test_the_database_holds_the_formats_to_their_vocabulary(
    cli: CLI, seeded: str, page: Path, offered: dict[str, Any]
) -> None:
    assert add_page(cli, seeded, page).code == 0
    engine = make_engine(resolve_url(seeded))
    try:
        with pytest.raises(IntegrityError), transaction(engine, write=True) as session:
            session.execute(text("UPDATE sources SET format = 'odt' WHERE id = 'eu-55'"))
    finally:
        engine.dispose()


def _rewrite(path: Path, change: Any) -> None:
    """Rewrite a CSV file of an export, row by row through `change` (header included)."""
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(change(rows))


def test_an_export_carries_how_the_text_was_read_into_a_new_register(
    cli: CLI, seeded: str, page: Path, offered: dict[str, Any], tmp_path: Path
) -> None:
    assert add_page(cli, seeded, page).code == 0
    out = tmp_path / "out"
    assert cli("export", "--db", seeded, "--out", str(out)).code == 0
    with (out / "sources.csv").open(encoding="utf-8", newline="") as stream:
        row = next(r for r in csv.DictReader(stream) if r["id"] == "eu-55")
    assert (row["format"], row["encoding"], row["from_metadata"]) == (
        "html", "utf-8", "title;published_on;publisher",
    )  # fmt: skip
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert cli("init", "--empty", "--db", other).code == 0
    imported = cli("import", str(out), *REASON, "--db", other)
    assert imported.code == 0, imported.err
    assert source_json(cli, other)["source"] == source_json(cli, seeded)["source"]


def test_an_older_export_without_the_columns_still_imports(
    cli: CLI, seeded: str, page: Path, offered: dict[str, Any], tmp_path: Path
) -> None:
    assert add_page(cli, seeded, page).code == 0
    out = tmp_path / "out"
    assert cli("export", "--db", seeded, "--out", str(out)).code == 0
    newer = ("format", "encoding", "extractor", "from_metadata")

    def older(rows: list[list[str]]) -> list[list[str]]:
        keep = [i for i, name in enumerate(rows[0]) if name not in newer]
        return [[row[i] for i in keep] for row in rows]

    _rewrite(out / "sources.csv", older)
    unchanged = cli("import", str(out), *REASON, "--db", seeded)
    assert unchanged.code == 0, unchanged.err  # the stored source keeps what it records
    assert source_json(cli, seeded)["source"]["format"] == "html"
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert cli("init", "--empty", "--db", other).code == 0
    imported = cli("import", str(out), *REASON, "--db", other)
    assert imported.code == 0, imported.err
    source = source_json(cli, other)["source"]
    assert (source["format"], source["from_metadata"]) == (None, None)


def test_an_import_changes_the_metadata_only_as_update_does(
    cli: CLI, seeded: str, page: Path, offered: dict[str, Any], tmp_path: Path
) -> None:
    assert add_page(cli, seeded, page).code == 0
    out = tmp_path / "out"
    assert cli("export", "--db", seeded, "--out", str(out)).code == 0

    def edit(column: str, value: str) -> Any:
        def change(rows: list[list[str]]) -> list[list[str]]:
            at = rows[0].index(column)
            for row in rows[1:]:
                if row[0] == "eu-55":
                    row[at] = value
            return rows

        return change

    _rewrite(out / "sources.csv", edit("format", "pdf"))
    refused = cli("import", str(out), *REASON, "--db", seeded)
    assert refused.code == 2
    assert "sources.csv:" in refused.err and "the format of source eu-55 never changes" in (
        refused.err
    )
    _rewrite(out / "sources.csv", edit("format", "html"))
    _rewrite(out / "sources.csv", edit("title", "EU: 55 % by 2030"))
    retitled = cli("import", str(out), *REASON, "--db", seeded)
    assert retitled.code == 0, retitled.err
    assert source_json(cli, seeded)["source"]["from_metadata"] == ["published_on", "publisher"]
    # The same file again: its 'title' in from_metadata is not taken back.
    again = cli("import", str(out), *REASON, "--db", seeded)
    assert again.code == 0, again.err
    assert source_json(cli, seeded)["source"]["from_metadata"] == ["published_on", "publisher"]
    _rewrite(out / "sources.csv", edit("from_metadata", "publisher"))
    claimed = cli("import", str(out), *REASON, "--db", seeded)
    assert claimed.code == 0, claimed.err
    assert source_json(cli, seeded)["source"]["from_metadata"] == ["publisher"]


CHINESE = (
    "2020年9月，中国宣布二氧化碳排放力争于2030年前达到峰值，努力争取2060年前实现碳中和。"
    "2021年10月，中国提交了更新后的国家自主贡献。"
)


def test_an_import_detects_the_language_of_a_new_source_left_without_one(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert cli("export", "--db", seeded, "--out", str(out)).code == 0

    def emptied_and_added(rows: list[list[str]]) -> list[list[str]]:
        header = rows[0]
        language = header.index("language")
        for row in rows[1:]:
            row[language] = ""  # held sources: keep their language
        added = dict.fromkeys(header, "")
        added.update(id="cn-ndc-zh", title="中国的国家自主贡献", kind="news", date_inferred="false")
        added.update(text=CHINESE)
        return [*rows, [added[name] for name in header]]

    _rewrite(out / "sources.csv", emptied_and_added)
    imported = cli("import", str(out), *REASON, "--db", seeded)
    assert imported.code == 0, imported.err
    assert source_json(cli, seeded, "cn-ndc-zh")["source"]["language"] == "zh"
    held = source_json(cli, seeded, "kerry-not-dictating")["source"]
    assert held["language"] == "en"

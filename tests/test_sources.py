"""Adding articles and actors: what is stored, how it is listed, and every refusal."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI
from tests.test_cli import one_line
from tests.test_editing import table_counts

# A plain-text article as a user might save it: typographic quotes and dashes, a degree sign,
# a Windows line ending and a trailing newline, all of which must survive byte for byte.
ARTICLE = (
    "China to strictly control coal consumption\r\n"
    "\n"
    "BEIJING — China\u2019s National Energy Administration said on Monday that the country would "
    "“strictly control coal consumption” over the next five years.\n"
    "Non-fossil fuels will account for 25 percent of total energy consumption by 2030, "
    "officials said, in line with keeping 1.5 °C within reach.\n"
)

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>China to strictly control coal consumption | Energy Desk</title>
  <script>window.analytics = {track: function () {}};</script>
  <style>body { font-family: serif; }</style>
</head>
<body>
  <nav class="site-nav">
    <ul>
      <li><a href="/">Home</a></li>
      <li><a href="/world">World</a></li>
      <li><a href="/climate">Climate</a></li>
      <li><a href="/subscribe">Subscribe for unlimited access</a></li>
    </ul>
  </nav>
  <header class="masthead">
    <a href="/" class="logo">Energy Desk</a>
    <form action="/search"><input name="q" placeholder="Search"></form>
  </header>
  <main>
    <article>
      <h1>China to strictly control coal consumption</h1>
      <p>China&rsquo;s National Energy Administration said on Monday that the country would
      “strictly control coal consumption” over the next five years, as it works towards peaking
      its carbon dioxide emissions before 2030.</p>
      <p>Officials said non-fossil fuels would account for 25 percent of total energy consumption
      by 2030, up from about 17.5 percent in 2022. The administration described the target as
      “binding” for provincial governments.</p>
      <p>“We will accelerate the construction of large wind and solar bases in desert areas,” a
      spokesperson told reporters in Beijing — adding that grid operators must integrate the new
      capacity without delay.</p>
      <p>Analysts said the plan left room for new coal plants to be approved as back-up for
      renewables, which environmental groups have criticised as a risk to the peaking goal.</p>
    </article>
  </main>
  <aside class="related">
    <h2>Most read</h2>
    <ul><li><a href="/a">Ten things to know about heat pumps</a></li>
        <li><a href="/b">Oil prices fall again</a></li></ul>
  </aside>
  <footer class="site-footer">
    <p>© 2023 Energy Desk Media Ltd. All rights reserved.</p>
    <p><a href="/privacy">Privacy policy</a> | <a href="/cookies">Cookie settings</a></p>
    <p>Sign up to our newsletter for the latest news delivered to your inbox.</p>
  </footer>
</body>
</html>
"""

# A page whose article did not come with it (a script-rendered site saved without running it).
EMPTY_PAGE = """<!DOCTYPE html>
<html><head><title>Energy Desk</title><script src="/app.js"></script></head>
<body>
  <header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
  <li><a href="/climate">Climate</a></li></ul></nav></header>
  <main><div id="app"></div></main>
  <footer><p>© 2023 Energy Desk Media Ltd. All rights reserved.</p>
  <p><a href="/privacy">Privacy policy</a></p></footer>
</body></html>
"""


def add_source(cli: CLI, db: str, path: Path, source_id: str = "nea-coal-control", *extra: str):
    return cli(
        "source", "add", str(path), "--id", source_id, "--title", "China to control coal",
        "--reason", "official statement on the 2030 energy mix", "--db", db, *extra,
    )  # fmt: skip


def source_json(cli: CLI, db: str, source_id: str) -> dict[str, Any]:
    shown = cli("source", "show", source_id, "--text", "--format", "json", "--db", db)
    assert shown.code == 0, shown.err
    data: dict[str, Any] = json.loads(shown.out)
    return data


# --- plain text ---------------------------------------------------------------------------------


def test_a_text_file_is_stored_byte_for_byte_with_its_sha256(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    path = tmp_path / "nea-2023-11-20.txt"
    path.write_bytes(ARTICLE.encode("utf-8"))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    added = add_source(
        cli, seeded, path, "nea-coal-control", "--kind", "official", "--published", "2023-11-20",
        "--url", "https://example.org/nea", "--retrieved", "2023-11-21",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert added.out == ""
    assert one_line(added.err) == (
        f"Added source nea-coal-control: {len(ARTICLE)} characters, sha256 {digest[:12]}…"
    )
    source = source_json(cli, seeded, "nea-coal-control")["source"]
    assert source["text"] == path.read_bytes().decode("utf-8")
    assert source["sha256"] == digest
    assert source["kind"] == "official"
    assert source["published_on"] == "2023-11-20"
    assert source["retrieved_on"] == "2023-11-21"
    assert source["url"] == "https://example.org/nea"
    assert source["publisher"] is None
    assert source["date_inferred"] is False


def test_source_list_shows_each_source_with_its_quote_count(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    path = tmp_path / "nea.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    assert add_source(cli, seeded, path).code == 0
    added = cli("add", "cn-non-fossil-25pc-2030", "--title", "Non-fossil 25% by 2030", "--actor",
                "CN", "--kind", "renewable_energy", "--reason", "NEA", "--db", seeded)  # fmt: skip
    assert added.code == 0, added.err
    cited = cli(
        "cite", "cn-non-fossil-25pc-2030", "nea-coal-control", "--reason", "the NEA's words",
        "--quote", "Non-fossil fuels will account for 25 percent of total energy consumption",
        "--db", seeded,
    )  # fmt: skip
    assert cited.code == 0, cited.err
    shown = cli("source", "show", "nea-coal-control", "--db", seeded).out
    assert "Cited by (1)" in shown
    assert (
        "evidence 22 → cn-non-fossil-25pc-2030 (normal): “Non-fossil fuels will account for 25 "
        "percent of total energy consumption”"
    ) in shown

    rows = json.loads(cli("source", "list", "--format", "json", "--db", seeded).out)
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    quotes = {r["id"]: r["quotes"] for r in rows}
    assert quotes["nea-coal-control"] == 1
    assert quotes["kerry-not-dictating"] == 8
    assert sum(quotes.values()) == 21 + 1
    assert all("text" not in r for r in rows)

    text = cli("source", "list", "--format", "csv", "--db", seeded).out
    records = {r["id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert records["nea-coal-control"]["quotes"] == "1"
    assert records["nea-coal-control"]["kind"] == "news"
    assert records["nea-coal-control"]["sha256"] == hashlib.sha256(ARTICLE.encode()).hexdigest()
    assert records["kerry-not-dictating"]["publisher"] == "DW"

    table = cli("source", "list", "--db", seeded)
    assert table.code == 0
    assert table.out.splitlines()[0].strip() == "6 sources"
    line = next(x for x in table.out.splitlines() if x.strip().startswith("nea-coal-control"))
    assert line.split()[-1] == "1"
    assert "not stated" in line


def test_source_show_text_and_json(cli: CLI, seeded: str, tmp_path: Path) -> None:
    path = tmp_path / "nea.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    assert add_source(cli, seeded, path, "nea-coal-control", "--publisher", "NEA").code == 0
    digest = hashlib.sha256(ARTICLE.encode()).hexdigest()

    shown = cli("source", "show", "nea-coal-control", "--db", seeded)
    assert shown.code == 0, shown.err
    assert " ".join(shown.out.splitlines()[0].split()) == (
        "China to control coal — NEA, date unknown nea-coal-control"
    )
    assert f"sha256     {digest}" in shown.out
    assert f"{len(ARTICLE)} characters" in shown.out
    assert "Cited by (0)" in shown.out
    assert "Non-fossil fuels" not in shown.out

    with_text = cli("source", "show", "nea-coal-control", "--text", "--db", seeded)
    assert with_text.code == 0
    assert "Non-fossil fuels will account for 25 percent" in with_text.out
    assert "“strictly control coal consumption”" in with_text.out

    data = json.loads(cli("source", "show", "nea-coal-control", "--format", "json",
                          "--db", seeded).out)  # fmt: skip
    assert set(data) == {"source", "superseded_by", "cited_by", "findings"}
    assert "text" not in data["source"]
    assert data["source"]["sha256"] == digest
    assert data["source"]["publisher"] == "NEA"
    assert data["cited_by"] == []
    assert [(f["code"], f["message"]) for f in data["findings"]] == [
        ("source-metadata-missing", "nea-coal-control has no date")
    ]

    seed = json.loads(cli("source", "show", "kerry-no-agreement", "--format", "json",
                          "--db", seeded).out)  # fmt: skip
    assert len(seed["cited_by"]) == 2
    assert {e["source_id"] for e in seed["cited_by"]} == {"kerry-no-agreement"}


def test_source_show_unknown_id_suggests(cli: CLI, seeded_sqlite: str) -> None:
    result = cli("source", "show", "kerry-no-agreemnt", "--db", seeded_sqlite)
    assert result.code == 2
    assert one_line(result.err).startswith(
        "Error: no source with id 'kerry-no-agreemnt' — did you mean kerry-no-agreement"
    )


# --- HTML ---------------------------------------------------------------------------------------


def test_an_html_page_is_reduced_to_its_article(cli: CLI, seeded: str, tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    added = add_source(cli, seeded, path, "energy-desk-coal")
    assert added.code == 0, added.err
    text = source_json(cli, seeded, "energy-desk-coal")["source"]["text"]
    for kept in (
        "the country would “strictly control coal consumption” over the next five years",
        "Officials said non-fossil fuels would account for 25 percent",
        "a spokesperson told reporters in Beijing — adding that grid operators",
        "criticised as a risk to the peaking goal.",
    ):
        assert kept in " ".join(text.split())
    for boilerplate in (
        "Subscribe",
        "Home",
        "Search",
        "Most read",
        "heat pumps",
        "All rights reserved",
        "Privacy policy",
        "newsletter",
        "analytics",
        "font-family",
        "<p>",
    ):
        assert boilerplate not in text
    assert source_json(cli, seeded, "energy-desk-coal")["source"]["sha256"] == (
        hashlib.sha256(text.encode("utf-8")).hexdigest()
    )

    added = cli("add", "cn-coal-control", "--title", "China strictly controls coal consumption",
                "--actor", "CN", "--kind", "coal", "--reason", "NEA", "--db", seeded)  # fmt: skip
    assert added.code == 0, added.err
    cited = cli(
        "cite", "cn-coal-control", "energy-desk-coal", "--reason", "the article's words",
        "--quote", 'the country would "strictly control coal consumption" over the next five years',
        "--db", seeded,
    )  # fmt: skip
    assert cited.code == 0, cited.err
    shown = json.loads(cli("show", "cn-coal-control", "--format", "json", "--db", seeded).out)
    (evidence,) = shown["evidence"]
    assert evidence["located"] is True
    assert evidence["context"][evidence["quote_start"] : evidence["quote_end"]] == (
        "the country would “strictly control coal consumption” over the next five years"
    )


# --- refusals -----------------------------------------------------------------------------------

# Not text, whatever its name says: the start of a PNG image, saved as .txt.
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"


def bad(file: str, extra: list[str], expected: str, case: str, *, reason: bool = True):
    return pytest.param(file, extra, expected, reason, id=case)


BAD = [
    bad("nowhere.txt", [], "Error: no file at {dir}/nowhere.txt — check the path to the article",
        "missing file"),
    bad("image.txt", [], "Error: {dir}/image.txt is an image (PNG) — run it through OCR, or add "
        "its text as a .txt file; source add reads .txt, .html, .pdf and .docx files",
        "an image, not text"),
    bad("empty.html", [], "Error: no article text could be found in the HTML of {dir}/empty.html "
        "— save the article as plain text and add that file instead", "HTML without article"),
    bad("ok.txt", ["--id", "kerry-not-dictating"], "Error: source kerry-not-dictating already "
        "exists — correct its metadata with 'pledges source update kerry-not-dictating'; a "
        "corrected text is a new source, added with another id and --supersedes "
        "kerry-not-dictating", "duplicate id"),
    bad("ok.txt", ["--id", "NEA_2023"], "Error: id 'NEA_2023' is not allowed — use lower-case "
        "letters, digits and single hyphens, e.g. kerry-beijing-2023", "invalid id"),
    bad("ok.txt", ["--published", "2023-02-30"], "Error: --published '2023-02-30' is not a date — "
        "write it as YYYY-MM-DD, e.g. 2023-07-19",
        "impossible date"),
    bad("ok.txt", ["--kind", "blog"], "Error: --kind 'blog' is not allowed — use official, "
        "news, analysis or other", "unknown kind"),
    bad("ok.txt", [], "Error: Missing option '--reason'. — see 'pledges source add --help'",
        "missing reason", reason=False),
    bad("ok.txt", ["--reason", "  "], "Error: --reason is required — say in a few words why you "
        "make this change", "blank reason"),
    bad("ok.txt", ["--published", "2023-11-20", "--date-inferred"], "Error: an inferred date "
        "needs published_on and a date_note saying from what — correct the record and try again",
        "inferred date without note"),
]  # fmt: skip


@pytest.mark.parametrize(("file", "extra", "expected", "reason"), BAD)
def test_source_add_refusals_are_one_line_and_write_nothing(
    cli: CLI, seeded: str, tmp_path: Path, file: str, extra: list[str], expected: str, reason: bool
) -> None:
    (tmp_path / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(BINARY)
    (tmp_path / "empty.html").write_text(EMPTY_PAGE, encoding="utf-8")
    args = ["--id", "nea-coal-control", "--title", "China to control coal"]
    args += ["--reason", "new source"] if reason else []
    before = table_counts(seeded)
    # Options given twice take the last value, so `extra` overrides the defaults above.
    result = cli("source", "add", str(tmp_path / file), *args, *extra, "--db", seeded)
    assert result.code == 2
    assert result.out == ""
    assert one_line(result.err) == expected.format(dir=tmp_path)
    assert table_counts(seeded) == before


def test_an_inferred_date_is_kept_with_its_note(cli: CLI, seeded: str, tmp_path: Path) -> None:
    path = tmp_path / "nea.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    note = "The file has no date line; 'on Monday' after the November 19 meeting."
    added = add_source(cli, seeded, path, "nea-coal-control", "--published", "2023-11-20",
                       "--date-inferred", "--date-note", note)  # fmt: skip
    assert added.code == 0, added.err
    source = source_json(cli, seeded, "nea-coal-control")["source"]
    assert (source["published_on"], source["date_inferred"], source["date_note"]) == (
        "2023-11-20",
        True,
        note,
    )
    shown = cli("source", "show", "nea-coal-control", "--db", seeded).out
    assert "2023-11-20 (inferred)" in shown
    assert f"date note  {note}" in shown


# --- actors -------------------------------------------------------------------------------------


def test_actor_add_and_list(cli: CLI, seeded: str) -> None:
    added = cli(
        "actor", "add", "eu", "--name", "European Union", "--kind", "bloc", "--alias", "EU",
        "--alias", "Brussels", "--alias", "European Commission", "--reason", "COP28 party",
        "--db", seeded,
    )  # fmt: skip
    assert added.code == 0, added.err
    assert one_line(added.err) == "Added actor EU (European Union)."

    rows = json.loads(cli("actor", "list", "--format", "json", "--db", seeded).out)
    assert [r["id"] for r in rows] == ["CN", "EU", "GREENPEACE", "US"]
    assert rows[1] == {
        "id": "EU",
        "name": "European Union",
        "kind": "bloc",
        "aliases": ["EU", "Brussels", "European Commission"],
    }
    text = cli("actor", "list", "--format", "csv", "--db", seeded).out
    records = {r["id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert records["EU"]["aliases"] == "EU;Brussels;European Commission"
    table = cli("actor", "list", "--db", seeded).out
    assert any(
        line.split()[:4] == ["EU", "European", "Union", "bloc"] for line in table.splitlines()
    )

    # The new actor can now make pledges.
    pledged = cli("add", "eu-methane-2030", "--title", "EU cuts methane", "--actor", "eu",
                  "--kind", "methane_non_co2", "--reason", "test", "--db", seeded)  # fmt: skip
    assert pledged.code == 0, pledged.err


def test_actor_refusals(cli: CLI, seeded: str) -> None:
    before = table_counts(seeded)
    duplicate = cli("actor", "add", "cn", "--name", "China again", "--kind", "country",
                    "--reason", "test", "--db", seeded)  # fmt: skip
    assert duplicate.code == 2
    assert one_line(duplicate.err) == "Error: actor CN already exists — choose another id"
    bad_id = cli("actor", "add", "e u", "--name", "EU", "--kind", "bloc", "--reason", "test",
                 "--db", seeded)  # fmt: skip
    assert bad_id.code == 2
    assert one_line(bad_id.err) == (
        "Error: id 'E U' is not allowed — use an upper-case code such as CN, US, EU or GREENPEACE"
    )
    bad_kind = cli("actor", "add", "EU", "--name", "EU", "--kind", "union", "--reason", "test",
                   "--db", seeded)  # fmt: skip
    assert bad_kind.code == 2
    assert one_line(bad_kind.err) == (
        "Error: --kind 'union' is not allowed — use country, bloc, subnational, "
        "organisation or company"
    )
    assert table_counts(seeded) == before

"""Reading real documents: PDFs, Word documents, web pages and text files in the encodings they
come in, each written here as its maker writes it (tests/documents.py); and the files that are
not documents, refused in one line."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from importlib import metadata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pledges import documents
from pledges.documents import language, lines, pdf
from pledges.errors import InvalidInput
from pledges.vocab import SourceFormat
from tests import documents as make
from tests.conftest import CLI
from tests.test_cli import one_line
from tests.test_editing import table_counts

# Three pages: hard-wrapped lines, words hyphenated at line ends (one a compound before a
# capital, one a range of years), a paragraph gap, a sentence running over a page break, and
# a page in Chinese.
PAGES = [
    [
        "The European Union has committed to cut its net greenhouse gas emis-",
        "sions by at least 55 percent by 2030, measured against 1990 levels.",
        "The target is written into the European Climate Law, which also sets",
        "a goal of climate neutrality by 2050.",
        "",
        "The United States pledged in 2021 to reduce its emissions by 50 to 52",
        "percent below 2005 levels by 2030, covering CO2 and non-",
        "CO2 gases alike. China's 15th Five-Year Plan covers the years 2026-",
        "2030 and will shape how fast its coal",
    ],
    [
        "use falls before the peak it has promised.",
    ],
    [
        "中国力争于2030年前二氧化碳排放达到峰值，",
        "努力争取2060年前实现碳中和。",
        "",
        "到2030年，中国非化石能源占一次能源消费比重将达到25%左右。",
    ],
]
PAGES_TEXT = (
    "The European Union has committed to cut its net greenhouse gas emissions by at least 55 "
    "percent by 2030, measured against 1990 levels. The target is written into the European "
    "Climate Law, which also sets a goal of climate neutrality by 2050.\n\n"
    "The United States pledged in 2021 to reduce its emissions by 50 to 52 percent below 2005 "
    "levels by 2030, covering CO2 and non-CO2 gases alike. China's 15th Five-Year Plan covers "
    "the years 2026-2030 and will shape how fast its coal"
    "\fuse falls before the peak it has promised."
    "\f中国力争于2030年前二氧化碳排放达到峰值，努力争取2060年前实现碳中和。\n\n"
    "到2030年，中国非化石能源占一次能源消费比重将达到25%左右。"
)
ACCEPTED = "source add reads .txt, .html, .pdf and .docx files"
EU = (
    "The EU\u2019s \u201cFit for 55\u201d package aims at a 55 % cut by 2030 \u2014 said the "
    "caf\u00e9 owner."
)
CN = "中国力争于2030年前二氧化碳排放达到峰值，努力争取2060年前实现碳中和。"
CN_SHARE = "到2030年，中国非化石能源占一次能源消费比重将达到25%左右。"


def version(package: str) -> str:
    return metadata.version(package)


# --- PDF ----------------------------------------------------------------------------------------


def test_a_pdf_is_read_page_by_page_as_a_reader_reads_it(tmp_path: Path) -> None:
    read = documents.read(make.pdf(tmp_path / "pledges.pdf", PAGES))
    assert read.text == PAGES_TEXT
    assert read.format is SourceFormat.PDF
    assert read.extractor == f"pypdfium2 {version('pypdfium2')}"
    assert read.encoding is None
    assert read.language == "en"


def test_a_chinese_pdf_is_read_without_spaces_between_its_lines(tmp_path: Path) -> None:
    read = documents.read(make.pdf(tmp_path / "cn.pdf", [PAGES[2]]))
    assert read.text == PAGES_TEXT.split("\f")[2]
    assert read.language == "zh"


def test_pages_without_text_keep_their_numbers(tmp_path: Path) -> None:
    path = make.pdf(tmp_path / "gaps.pdf", [[], ["a goal of climate neutrality by 2050."], []])
    assert documents.read(path).text == "\fa goal of climate neutrality by 2050.\f"


def test_a_scanned_pdf_is_refused(tmp_path: Path) -> None:
    path = make.scanned_pdf(tmp_path / "scan.pdf", pages=3)
    with pytest.raises(InvalidInput) as refused:
        documents.read(path)
    assert str(refused.value) == (
        f"{path} has no text layer: it looks scanned (3 pages of images) — run it through OCR "
        "(e.g. ocrmypdf) and add the result, or add its text as a .txt file"
    )


def test_an_encrypted_or_damaged_pdf_is_refused(tmp_path: Path) -> None:
    locked = make.pdf(tmp_path / "locked.pdf", [PAGES[1]], password="secret")
    with pytest.raises(InvalidInput) as refused:
        documents.read(locked)
    assert str(refused.value) == (
        f"{locked} is encrypted: it opens only with a password — save a copy without the "
        "password (or print it to a new PDF) and add that"
    )
    whole = make.pdf(tmp_path / "whole.pdf", PAGES).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(InvalidInput) as refused:
        documents.read(cut)
    assert str(refused.value) == (
        f"{cut} is damaged: it cannot be read as a PDF — download or save it again, or add its "
        "text as a .txt file"
    )


class TextPage:
    """A stand-in for PDFium's text page: its text, and the characters whose boxes are asked."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.asked: list[int] = []

    def get_text_range(self) -> str:
        return self.text

    def count_chars(self) -> int:
        return len(self.text.encode("utf-16-le")) // 2

    def get_charbox(self, index: int, loose: bool) -> tuple[float, float, float, float]:
        self.asked.append(index)
        return (0.0, 800.0 - 14 * len(self.asked), 5.0, 810.0 - 14 * len(self.asked))


def test_characters_beyond_the_bmp_count_twice_where_a_line_stands() -> None:
    page = TextPage("\U00020000ab \r\ndef")  # a Han character of extension B, two UTF-16 units
    found = pdf._lines(page)
    assert [line.text for line in found] == ["\U00020000ab ", "def"]
    assert page.asked == [0, 3, 7, 9]  # "a" is unit 2, the line break units 5 and 6


# --- joining lines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_lines", "joined"),
    [
        (["a transi-", "tion"], "a transition"),
        (["the Paris-", "Agreement"], "the Paris-Agreement"),
        (["non-", "CO2"], "non-CO2"),
        (["2026-", "2030"], "2026-2030"),
        (["2026\u2013", "2030"], "2026\u20132030"),
        (["emissions \u2013", "the"], "emissions \u2013 the"),
        (["emissions\u2014", "the"], "emissions\u2014the"),
        (["carbon   ", "  neutrality"], "carbon neutrality"),
        (["碳达峰，", "碳中和"], "碳达峰，碳中和"),
        (["到", "2030年"], "到2030年"),
        (["탄소", "중립"], "탄소 중립"),
        (["neu\ufffetrality well\ufffeKnown"], "neutrality well-Known"),
        (["neu\x02trality"], "neutrality"),
        (["soft\u00adly", "neu\u00ad", "trality"], "softly neutrality"),
    ],
)
def test_lines_join_as_a_reader_reads_them(given_lines: list[str], joined: str) -> None:
    assert lines.join(given_lines) == joined


REMOVABLE = set(lines.HYPHENS + lines.TAKEN_OUT + lines.SOFT_HYPHEN)
line_text = st.text(
    alphabet=st.sampled_from("ab C1 -\u2013\u00ad\ufffe中文，"), min_size=0, max_size=12
)


@given(st.lists(line_text, max_size=6))
def test_joining_lines_loses_no_character_but_spaces_and_hyphens(given_lines: list[str]) -> None:
    def kept(text: str) -> list[str]:
        return [c for c in text if not c.isspace() and c not in REMOVABLE]

    joined = lines.join(given_lines)
    assert kept(joined) == kept("".join(given_lines))
    assert "\n" not in joined


# --- Word ---------------------------------------------------------------------------------------


def test_a_word_document_keeps_its_paragraphs_line_breaks_and_table_cells(tmp_path: Path) -> None:
    path = make.docx(
        tmp_path / "eu.docx",
        ["The EU will cut net emissions by at least 55 % by 2030.", "", f"{CN}\f{CN_SHARE}"],
        table=[["Target", "Year"], ["Climate neutrality", "2050"]],
    )
    read = documents.read(path)
    assert read.text == (
        f"The EU will cut net emissions by at least 55 % by 2030.\n\n{CN}\n{CN_SHARE}\n\n"
        "Target\n\nYear\n\nClimate neutrality\n\n2050"
    )
    assert (read.format, read.extractor) == (
        SourceFormat.DOCX,
        f"python-docx {version('python-docx')}",
    )


def test_an_empty_word_document_is_refused(tmp_path: Path) -> None:
    path = make.docx(tmp_path / "empty.docx", ["", "  "])
    with pytest.raises(InvalidInput) as refused:
        documents.read(path)
    assert str(refused.value) == f"{path} holds no text — add a file with the article's text"


# --- web pages ----------------------------------------------------------------------------------


def test_a_gb2312_page_is_read_by_its_meta_charset(tmp_path: Path) -> None:
    page = make.html(
        [CN, CN_SHARE * 2],
        title="中国的碳达峰碳中和目标", charset="gb2312", site_name="新华网",
        published="2021-10-28T09:00:00+08:00",
    )  # fmt: skip
    path = tmp_path / "xinhua.html"
    path.write_bytes(page.encode("gb2312"))
    read = documents.read(path)
    assert CN in read.text
    assert (read.format, read.encoding, read.language) == (SourceFormat.HTML, "gb18030", "zh")
    assert (read.title, read.publisher, read.published_on) == (
        "中国的碳达峰碳中和目标",
        "新华网",
        date(2021, 10, 28),
    )
    assert read.extractor == f"trafilatura {version('trafilatura')}"
    assert "Privacy" not in read.text


def test_a_windows_1252_page_without_a_charset_is_detected(tmp_path: Path) -> None:
    page = make.html([EU, EU.replace("caf\u00e9 owner", "na\u00efve reader")], title="Fit for 55")
    path = tmp_path / "eu.htm"
    path.write_bytes(page.encode("cp1252"))
    read = documents.read(path)
    assert EU in read.text
    assert (read.encoding, read.title, read.published_on, read.publisher) == (
        "cp1252", "Fit for 55", None, None,
    )  # fmt: skip


def test_an_iso_8859_1_label_is_read_as_windows_1252_as_browsers_do(tmp_path: Path) -> None:
    page = make.html([EU], title="Fit for 55", charset="iso-8859-1", http_equiv=True)
    path = tmp_path / "eu.html"
    path.write_bytes(page.encode("cp1252"))
    read = documents.read(path)
    assert EU in read.text
    assert read.encoding == "cp1252"


def test_a_utf8_page_and_a_page_that_misstates_its_charset(tmp_path: Path) -> None:
    path = tmp_path / "utf8.html"
    path.write_text(make.html([EU, CN], title="Pledges", charset="utf-8"), encoding="utf-8")
    read = documents.read(path)
    assert (EU in read.text, CN in read.text, read.encoding) == (True, True, "utf-8")
    # Saved in Windows-1252 under a tag that still says UTF-8: the bytes are believed.
    path.write_bytes(make.html([EU, EU], title="Pledges", charset="utf-8").encode("cp1252"))
    read = documents.read(path)
    assert (EU in read.text, read.encoding) == (True, "cp1252")


def test_a_utf8_page_under_an_old_latin1_label_is_read_as_utf8(tmp_path: Path) -> None:
    # Saved again as UTF-8 by an editor that left the page's Latin-1 tag: not "sâ€™engage".
    path = tmp_path / "fr.html"
    page = make.html([EU, "La France s\u2019engage à la neutralité carbone."], title="Climat",
                     charset="iso-8859-1")  # fmt: skip
    path.write_bytes(page.encode("utf-8"))
    read = documents.read(path)
    assert "s\u2019engage à la neutralité" in read.text
    assert read.encoding == "utf-8"


def test_a_text_that_mentions_the_pdf_signature_is_text(tmp_path: Path) -> None:
    path = tmp_path / "formats.txt"
    path.write_text(f"Every PDF file begins with the bytes %PDF-1.7. {EU}\n", encoding="utf-8")
    read = documents.read(path)
    assert (read.format, read.text) == (SourceFormat.TEXT, path.read_text(encoding="utf-8"))


def test_a_date_is_offered_only_when_the_markup_states_it(tmp_path: Path) -> None:
    said = f"Brussels, 14 July 2021. {EU_EN}"
    path = tmp_path / "page.html"
    path.write_text(make.html([said, EU_EN], title="Fit for 55", charset="utf-8"), "utf-8")
    assert documents.read(path).published_on is None
    dated = make.html([said, EU_EN], title="Fit for 55", charset="utf-8", published="2021-07-14")
    path.write_text(dated, "utf-8")
    assert documents.read(path).published_on == date(2021, 7, 14)


# --- plain text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "text", "recorded"),
    [
        ("utf-16", f"{EU}\r\n{CN}\n", "utf-16-le"),
        ("utf-8-sig", f"{EU}\n{CN}\n", "utf-8"),
        ("gb18030", f"{CN}\n{CN_SHARE}\n", "gb18030"),
        ("cp1252", f"{EU}\n{EU}\n", "cp1252"),
        ("latin-1", "Les \u00e9missions de l'UE baisseront de 55 % d'ici \u00e0 2030.\n", "cp1252"),
    ],
)
def test_a_text_file_is_read_in_its_encoding_and_kept_as_it_is(
    tmp_path: Path, encoding: str, text: str, recorded: str
) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(encoding))
    read = documents.read(path)
    assert (read.text, read.encoding, read.format) == (text, recorded, SourceFormat.TEXT)


EU_FR = (
    "L\u2019Union europ\u00e9enne s\u2019est engag\u00e9e \u00e0 r\u00e9duire ses \u00e9missions "
    "nettes d\u2019au moins 55 % d\u2019ici \u00e0 2030 par rapport \u00e0 1990, et \u00e0 "
    "atteindre la neutralit\u00e9 climatique en 2050. "
)
EU_DE = (
    "Die Europ\u00e4ische Union will ihre Nettoemissionen bis 2030 um mindestens 55 Prozent "
    "gegen\u00fcber 1990 senken und bis 2050 klimaneutral werden. "
)
EU_NL = (
    "De Europese Unie wil haar netto-uitstoot tegen 2030 met ten minste 55 procent verminderen "
    "ten opzichte van 1990 en in 2050 klimaatneutraal zijn. "
)
EU_EN = (
    "The European Union has committed to cut its net greenhouse gas emissions by at least 55 "
    "percent by 2030, measured against 1990 levels, and to reach climate neutrality by 2050. "
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (EU_EN * 6, "en"),
        (EU, "en"),  # too few words to be told by its commonest: py3langid tells it
        (EU_FR * 6, "fr"),
        (EU_DE * 6, "de"),
        (EU_NL * 6, "nl"),
        (CN, "zh"),
        ("日本は2050年までにカーボンニュートラルを目指す。", "ja"),
        ("한국은 2050년까지 탄소중립을 달성한다.", "ko"),
        ("CO2 -55 % 2030", None),
    ],
)
def test_the_language_is_told_when_there_is_enough_text(text: str, code: str | None) -> None:
    assert language.detect(text) == code


def test_english_and_chinese_are_told_without_loading_py3langid() -> None:
    probe = (
        "import sys; from pledges.documents import language; "
        f"print(language.detect({EU_EN * 6!r}), language.detect({CN!r}), "
        "'py3langid' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["en", "zh", "False"]


# --- what is not a document ---------------------------------------------------------------------


def refused(path: Path) -> str:
    with pytest.raises(InvalidInput) as refusal:
        documents.read(path)
    return str(refusal.value)


def test_files_of_other_kinds_are_refused_naming_what_is_read(tmp_path: Path) -> None:
    resave = "save it as .docx or PDF (or its text as .txt) and add that"
    ocr = "run it through OCR, or add its text as a .txt file"
    sheet = make.xlsx(tmp_path / "targets.xlsx")
    assert refused(sheet) == f"{sheet} is an Excel workbook — {resave}; {ACCEPTED}"
    photo = make.png(tmp_path / "page.png")
    assert refused(photo) == f"{photo} is an image (PNG) — {ocr}; {ACCEPTED}"
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert refused(old) == (
        f"{old} is an old-style Office file (.doc, .xls or .ppt) — {resave}; {ACCEPTED}"
    )
    archive = tmp_path / "articles.zip"
    import zipfile

    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a.txt", "text")
    assert refused(archive) == (
        f"{archive} is a zip archive — add the documents it holds one by one; {ACCEPTED}"
    )
    renamed = tmp_path / "report.pdf"
    renamed.write_text("not a PDF at all", encoding="utf-8")
    assert refused(renamed) == (
        f"{renamed} is not a PDF (it does not start with %PDF-) — {resave}; {ACCEPTED}"
    )
    binary = tmp_path / "data.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    assert refused(binary) == (
        f"{binary} is not text in a common encoding — save it as UTF-8 text, or add the PDF, "
        "Word document or web page it came from"
    )


def test_reading_a_text_file_loads_no_pdf_word_or_web_library(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(EU, encoding="utf-8")
    probe = (
        "import sys; from pathlib import Path; from pledges import documents; "
        f"documents.read(Path({str(path)!r}), detect_language=False); "
        "print(sorted(m for m in ('pypdfium2', 'docx', 'trafilatura', 'py3langid', "
        "'charset_normalizer') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --- the command line ---------------------------------------------------------------------------


def add(cli: CLI, db: str, path: Path, source_id: str = "eu-us-cn-targets"):
    return cli(
        "source", "add", str(path), "--id", source_id, "--title", "Three targets",
        "--reason", "the targets side by side", "--db", db,
    )  # fmt: skip


def test_source_add_stores_a_pdf_s_text_with_its_pages(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    path = make.pdf(tmp_path / "targets.pdf", PAGES)
    added = add(cli, seeded, path)
    assert added.code == 0, added.err
    assert one_line(added.err).startswith(f"Added source eu-us-cn-targets: {len(PAGES_TEXT)} ")
    shown = cli("source", "show", "eu-us-cn-targets", "--text", "--format", "json", "--db", seeded)
    import json

    assert json.loads(shown.out)["source"]["text"] == PAGES_TEXT


def test_source_add_refuses_a_scan_and_writes_nothing(
    cli: CLI, seeded: str, tmp_path: Path
) -> None:
    path = make.scanned_pdf(tmp_path / "scan.pdf", pages=1)
    before = table_counts(seeded)
    added = add(cli, seeded, path)
    assert added.code == 2
    assert added.out == ""
    assert one_line(added.err) == (
        f"Error: {path} has no text layer: it looks scanned (1 page of images) — run it through "
        "OCR (e.g. ocrmypdf) and add the result, or add its text as a .txt file"
    )
    assert table_counts(seeded) == before

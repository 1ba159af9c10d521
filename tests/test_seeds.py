"""The seed register: articles byte for byte, metadata, and every quote in its article."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from pledges import seeds
from pledges.schema import Source, text_sha256
from pledges.textmatch import Method, locate, normalise
from tests.test_confidence import earned

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "seeds" / "articles"
REGISTER = seeds.read(ROOT / "seeds")


def test_articles_are_the_shared_ones_byte_for_byte() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not beside this checkout")
    ours = sorted(p.name for p in (ROOT / "seeds" / "articles").iterdir())
    assert ours == sorted(p.name for p in SHARED.iterdir())
    for name in ours:
        assert (ROOT / "seeds" / "articles" / name).read_bytes() == (SHARED / name).read_bytes()


def test_recorded_sha256_is_the_article_file() -> None:
    entries = yaml.safe_load((ROOT / "seeds" / "sources.yaml").read_text(encoding="utf-8"))
    assert len(entries) == 5
    for entry in entries:
        data = (ROOT / "seeds" / entry["file"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()


def test_dates_are_stated_or_inferred_with_a_note() -> None:
    for source in REGISTER.sources:
        stated = source.text.startswith(" date ")
        assert source.date_inferred is (not stated), source.id
        if stated:
            assert source.text[6:16] == source.published_on.isoformat()  # type: ignore[union-attr]
        else:
            assert source.date_note and source.published_on is not None


def test_every_quote_stands_in_its_article_after_allowed_normalisation() -> None:
    texts = {s.id: s.text for s in REGISTER.sources}
    assert len(REGISTER.evidence) >= 15
    for item in REGISTER.evidence:
        span = locate(item.quote, texts[item.source_id])
        assert span is not None, (item.pledge_id, item.quote)
        # The match is the quote itself, not a looser neighbour.
        found = texts[item.source_id][span.start : span.end]
        assert normalise(found).text == normalise(item.quote.strip()).text
        assert span.method in (Method.EXACT, Method.NORMALISED)


def test_the_commitments_design_names_are_all_there() -> None:
    by_id = {p.id: p for p in REGISTER.pledges}
    required = {
        "cn-co2-peak-2030": ("emissions_peak", 2030),
        "cn-carbon-neutrality-2060": ("carbon_neutrality", 2060),
        "us-cn-cop28-success": ("diplomatic_process", None),
        "us-cn-keep-1-5c-alive": ("emissions_reduction", None),
        "us-cn-renewables-power-sector": ("renewable_energy", None),
        "us-cn-methane-non-co2": ("methane_non_co2", None),
        "us-cn-national-targets-2025": ("diplomatic_process", 2025),
        "us-cn-continue-talks": ("cooperation", None),
    }
    for pledge_id, (kind, year) in required.items():
        assert by_id[pledge_id].kind.value == kind
        assert by_id[pledge_id].target_year == year
    assert by_id["us-cn-cop28-success"].actors == ("US", "CN")
    assert len(by_id) > len(required)


def test_every_pledge_has_evidence_and_the_confidence_it_earns() -> None:
    sources = {s.id: Source(**s.model_dump(), sha256=text_sha256(s.text)) for s in REGISTER.sources}
    for pledge in REGISTER.pledges:
        cited = [e for e in REGISTER.evidence if e.pledge_id == pledge.id]
        assert cited, pledge.id
        assert pledge.confidence == earned(cited, sources), pledge.id

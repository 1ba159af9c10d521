"""The seeded register as stored, on SQLite and PostgreSQL: records, filters, revisions."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from pledges import history, seeds, service
from pledges import repository as repo
from pledges.db import make_engine, transaction, unit_of_work
from pledges.dburl import resolve_url
from pledges.models import RevisionRow
from pledges.vocab import Action, Entity

ROOT = Path(__file__).resolve().parents[1]
REGISTER = seeds.read(ROOT / "seeds")


def test_seeded_records_round_trip(seeded: str) -> None:
    with unit_of_work(seeded) as session:
        for pledge in REGISTER.pledges:
            stored = repo.get_pledge(session, pledge.id)
            assert stored is not None
            assert stored.model_dump(include=set(type(pledge).model_fields)) == pledge.model_dump()
            assert stored.version == 1
            assert stored.created_at.tzinfo is not None
        for source in REGISTER.sources:
            stored_source = repo.get_source(session, source.id)
            assert stored_source is not None
            assert stored_source.text == source.text  # byte for byte, NBSPs included
            assert stored_source.published_on == source.published_on
        stored_evidence = [e for p in REGISTER.pledges for e in repo.evidence_for(session, p.id)]
        assert [(e.pledge_id, e.source_id, e.quote) for e in stored_evidence] == sorted(
            [(e.pledge_id, e.source_id, e.quote) for e in REGISTER.evidence],
            key=lambda t: [p.id for p in REGISTER.pledges].index(t[0]),
        )


def test_filters(seeded: str) -> None:
    with unit_of_work(seeded) as session:
        everything = service.list_pledges(session)
        assert [p.id for p in everything] == sorted(p.id for p in REGISTER.pledges)
        by_cn = service.list_pledges(session, actor="cn")
        assert {p.id for p in by_cn} == {p.id for p in REGISTER.pledges if "CN" in p.actors}
        peaks = service.list_pledges(session, kind="emissions_peak")
        assert [p.id for p in peaks] == ["cn-co2-peak-2030"]
        assert service.list_pledges(session, status="kept") == []
        declared = service.list_pledges(session, formality="declared", actor="US")
        assert declared and all(
            p.formality.value == "declared" and "US" in p.actors for p in declared
        )


def test_seeding_writes_one_chained_revision_per_record(seeded: str) -> None:
    engine = make_engine(resolve_url(seeded))
    with transaction(engine) as session:
        rows = list(session.scalars(select(RevisionRow).order_by(RevisionRow.seq)))
    records = (REGISTER.actors, REGISTER.sources, REGISTER.pledges, REGISTER.evidence)
    expected = sum(len(kind) for kind in records)
    assert len(rows) == expected
    assert [r.seq for r in rows] == list(range(1, expected + 1))
    assert {(r.action, r.author, r.reason) for r in rows} == {
        (Action.CREATE, "test", service.SEED_REASON)
    }
    previous = None
    for row in rows:
        assert row.prev_hash == previous
        assert row.hash == history.chain_hash(previous, history.body(row))
        previous = row.hash
    pledge_rows = [r for r in rows if r.entity == Entity.PLEDGE]
    first = pledge_rows[0]
    assert first.changes["id"] == {"before": None, "after": first.entity_id}
    source_rows = [r for r in rows if r.entity == Entity.SOURCE]
    assert all("text" not in r.changes and "sha256" in r.changes for r in source_rows)
    engine.dispose()


def test_show_puts_each_quote_inside_its_sentence(seeded: str) -> None:
    with unit_of_work(seeded) as session:
        for pledge in REGISTER.pledges:
            view = service.show_pledge(session, pledge.id)
            assert [a.id for a in view.actors] == list(pledge.actors)
            assert view.evidence
            for item in view.evidence:
                assert item.start is not None and item.end is not None
                assert item.context in item.source.text
                assert len(item.context) >= item.end - item.start


def test_the_urls_a_register_may_have_still_resolve(tmp_path: Path) -> None:
    """What resolve_url refuses (tests/test_operational.py) leaves every usable form alone."""
    server = "postgresql+psycopg://analyst:***@db.example:5432/register"
    for typed in (
        "postgresql://analyst:s3cret@db.example:5432/register",
        "postgres://analyst:s3cret@db.example:5432/register",
        "postgresql+psycopg://analyst:s3cret@db.example:5432/register",
    ):
        url = resolve_url(typed)
        assert url.render_as_string(hide_password=True) == server
        assert url.password == "s3cret"
    assert resolve_url("postgresql://analyst@[::1]:65535/register").port == 65535
    assert resolve_url("postgresql://analyst@db.example/register").port is None
    path = tmp_path / "register.db"
    for typed in (str(path), f"sqlite:///{path}", f"sqlite+pysqlite:///{path}"):
        url = resolve_url(typed)
        assert (url.get_backend_name(), url.database) == ("sqlite", str(path))

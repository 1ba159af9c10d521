"""Optimistic concurrency under real contention: two editor processes change the same pledges.

Each process (tests/editor_process.py) reads a pledge's version in one transaction and updates it
under that expected version in another, so some of its updates are made from a version the other
process has already moved past. Those must be refused with Conflict, and every other update must
land whole: the final versions, the revision log and `pledges log verify` all have to agree with
what the processes say happened.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from pledges import revision_rows
from pledges.db import unit_of_work
from pledges.models import RevisionRow
from pledges.service import get_pledge
from pledges.verification import verify
from pledges.vocab import Action, Entity
from tests.conftest import CLI, ROOT

EDITOR = ROOT / "tests" / "editor_process.py"
PLEDGES = ("cn-co2-peak-2030", "us-cn-cop28-success", "us-cn-methane-non-co2")
UPDATES = 200  # per process
PROCESSES = ("editor-a", "editor-b")
START_TIMEOUT = 60.0
RUN_TIMEOUT = 180.0


def run_editors(db: str, tmp_path: Path) -> tuple[list[dict[str, Any]], float]:
    """Start the editors, release them together, and collect their reports."""
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, str(EDITOR), db, name, str(go), str(UPDATES), *PLEDGES],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in PROCESSES
    ]
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not all((tmp_path / f"{name}.ready").exists() for name in PROCESSES):
            assert time.monotonic() < deadline, "the editor processes did not start"
            assert all(p.poll() is None for p in procs), "an editor process died on start"
            time.sleep(0.01)
        started = time.perf_counter()
        go.touch()
        outputs = [p.communicate(timeout=RUN_TIMEOUT) for p in procs]
        elapsed = time.perf_counter() - started
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
    reports = []
    for name, p, (out, err) in zip(PROCESSES, procs, outputs, strict=True):
        assert p.returncode == 0, f"{name} exited {p.returncode}\n{out}\n{err}"
        assert err == "", f"{name} wrote to stderr:\n{err}"
        reports.append(json.loads(out))
    return reports, elapsed


def test_two_editors_either_land_or_are_refused(
    seeded: str,
    tmp_path: Path,
    cli: CLI,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    reports, elapsed = run_editors(seeded, tmp_path)

    for name, report in zip(PROCESSES, reports, strict=True):
        assert report["failures"] == []
        landed, refused = sum(report["landed"].values()), sum(report["refused"].values())
        assert landed + refused == UPDATES, name
        assert landed > 0, f"{name} landed nothing: the test would pass vacuously"
    refusals = sum(sum(r["refused"].values()) for r in reports)
    if request.config.getoption("capture") == "no":  # the figures, shown with `pytest -s`
        with capsys.disabled():
            print(
                f"\n{seeded.split(':')[0]}: {2 * UPDATES} updates in {elapsed:.1f} s, "
                f"{refusals} refused as stale; per process: "
                + "; ".join(f"{r['seconds']} s, refused {r['refused']}" for r in reports)
            )

    with unit_of_work(seeded) as session:
        for pledge_id in PLEDGES:
            landed = sum(r["landed"][pledge_id] for r in reports)
            assert get_pledge(session, pledge_id).version == 1 + landed, pledge_id
            logged = session.scalar(
                select(func.count())
                .select_from(RevisionRow)
                .where(
                    RevisionRow.entity == Entity.PLEDGE,
                    RevisionRow.entity_id == pledge_id,
                    RevisionRow.action == Action.UPDATE,
                )
            )
            assert logged == landed, pledge_id
        # No lost update: each one that landed was made from the version that was current.
        rows = list(session.scalars(revision_rows.revisions_of().order_by(RevisionRow.seq)))
        logged_from = {
            row.changes["notes"]["after"]: row.changes["version"]["before"]
            for row in rows
            if row.entity == Entity.PLEDGE and row.action == Action.UPDATE
        }
        verification = verify(session)
    made_from = {notes: version for r in reports for notes, version in r["made_from"].items()}
    assert logged_from == made_from, "an update landed on a version it had not read"
    assert verification.problems == []

    result = cli("log", "verify", "--db", seeded)
    assert result.code == 0, result.err
    assert "The log is intact" in result.out + result.err

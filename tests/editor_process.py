"""One editor, as a separate OS process: tests/test_concurrency.py starts two of these at once.

    python tests/editor_process.py DB_URL NAME GO_FILE COUNT PLEDGE_ID...

Each update is made the way an editor makes it: read the pledge's version in one transaction,
then, in a second one, change its notes under that expected version. An update either lands or is
refused with Conflict; anything else is recorded as a failure and makes the process exit 1. The
process writes NAME.ready beside GO_FILE once it is loaded, waits for GO_FILE to appear, and prints
one JSON object: landed updates per pledge, refusals per pledge, the version each landed update
was made from (by the notes it wrote), failures, and seconds taken.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from pledges.db import unit_of_work
from pledges.editing import Who, update_pledge
from pledges.errors import Conflict
from pledges.service import get_pledge

START_TIMEOUT = 60.0


def edit(db: str, name: str, count: int, pledge_ids: list[str]) -> dict[str, object]:
    landed = dict.fromkeys(pledge_ids, 0)
    refused = dict.fromkeys(pledge_ids, 0)
    made_from: dict[str, int] = {}
    failures: list[str] = []
    started = time.perf_counter()
    for n in range(count):
        pledge_id = pledge_ids[n % len(pledge_ids)]
        who = Who(name, f"concurrency test: {name} update {n}")
        notes = f"{name} update {n}"
        try:
            with unit_of_work(db) as session:
                version = get_pledge(session, pledge_id).version
            with unit_of_work(db, write=True) as session:
                update_pledge(
                    session,
                    pledge_id,
                    {"notes": notes},
                    who,
                    expected_version=version,
                )
        except Conflict:
            refused[pledge_id] += 1
        except Exception as error:  # anything but a clean refusal is what this test looks for
            failures.append(f"update {n} of {pledge_id}: {type(error).__name__}: {error}")
        else:
            landed[pledge_id] += 1
            made_from[notes] = version
    seconds = round(time.perf_counter() - started, 2)
    return {
        "landed": landed,
        "refused": refused,
        "made_from": made_from,
        "failures": failures,
        "seconds": seconds,
    }


def main(argv: list[str]) -> int:
    db, name, go, count, *pledge_ids = argv
    go_file = Path(go)
    (go_file.parent / f"{name}.ready").touch()
    deadline = time.monotonic() + START_TIMEOUT
    while not go_file.exists():
        if time.monotonic() > deadline:
            print(json.dumps({"failures": ["no start signal"]}))
            return 1
        time.sleep(0.001)
    report = edit(db, name, int(count), pledge_ids)
    print(json.dumps(report))
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

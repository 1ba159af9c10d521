"""Time of an audit after a small change, beside a fresh audit of the same register; and of a
fresh audit beside the audit of another build (the code before the audit stored anything).

    .venv/bin/python bench/audit_store.py [--runs 3] [--sizes 10000 100000] [--rebuild]
                                          [--before BIN/pledges]

For each size it takes the audit benchmark's register in bench/results/ (audit-register-N.db,
kept as bench/search.py keeps it), and makes, untimed:

    STORED   a copy brought to the current schema, audited once: the audit stores its verdicts
    EDITED   a copy of STORED after a curator's round of edits: `pledges update ID --confidence
             C` on 10 pledges (low, or medium for one that is low), and `pledges cite ID SOURCE
             --quote Q` of 10 new quotes, each twelve words of an article the pledge already
             cites (so found where cited)
    OLD      with --before: a copy of EDITED brought down to schema 0005 (`pledges db downgrade
             0005`: it drops the stored verdicts and nothing else), for the other build

Then, interleaved (the order rotating every round) and repeated, each on a fresh copy of EDITED
(or OLD) made before the run (not timed):

    stored   pledges audit --db COPY --format json --fail-on never
    fresh    pledges audit --fresh --db COPY --format json --fail-on never
    before   BIN/pledges audit --db OLDCOPY --format json --fail-on never   (with --before)

Targets: `stored` at most 10 % of `fresh` (medians); `fresh` at most 1.1x `before`. Each run is a
fresh process started by the launcher of bench/harness.py (wall time, CPU time, and peak memory:
the largest of the kernel's peak resident set and the sampled summed PSS of its processes).

Checks, on every run: each command exits 0 and prints the audit's JSON; `stored` and `fresh`
print the same report, and `before` the same findings (the other build reads the same register).
It prints a Markdown table for the README and writes bench/results/audit_store.json; it exits 1
only when it cannot measure.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from argparse import Namespace
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import harness
from harness import RESULTS, CannotMeasure, Measured, Register, remove, shown

PLEDGES = harness.PLEDGES
WORK = RESULTS / "audit-store-run"
CHANGED = 10  # pledges updated, and quotes cited
STORED_LIMIT = 0.10  # the stored audit's time, at most this share of the fresh audit's
FRESH_LIMIT = 1.10  # the fresh audit's time, at most this many times the other build's
OLD_SCHEMA = "0005"
AUDIT = ["audit", "--format", "json", "--fail-on", "never"]

Env = dict[str, str]


def run(argv: list[str], env: Env) -> str:
    """An untimed command that must succeed: its output."""
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CannotMeasure(f"{shown(argv)} exited {done.returncode}: {done.stderr[-4000:]}")
    return done.stdout


def copy(source: Path, target: Path) -> None:
    remove(target)
    shutil.copyfile(source, target)


def edits(db: Path) -> list[list[str]]:
    """The curator's round: CHANGED updates and CHANGED citations of words that stand."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        confidence = dict(connection.execute("SELECT id, confidence FROM pledges ORDER BY id"))
        pledges = list(confidence)
        step = max(1, len(pledges) // (2 * CHANGED))
        chosen = pledges[::step][: 2 * CHANGED]
        out = []
        for pledge_id in chosen[:CHANGED]:
            other = "medium" if confidence[pledge_id] == "low" else "low"
            out.append(["update", pledge_id, "--confidence", other, "--reason", "bench"])
        for pledge_id in chosen[CHANGED:]:
            source_id, text = connection.execute(
                "SELECT s.id, s.text FROM evidence e JOIN sources s ON s.id = e.source_id "
                "WHERE e.pledge_id = ? ORDER BY e.id LIMIT 1",
                (pledge_id,),
            ).fetchone()
            words = text.split()
            quote = " ".join(words[len(words) // 2 : len(words) // 2 + 12])
            out.append(["cite", pledge_id, source_id, "--quote", quote, "--reason", "bench"])
        return out
    finally:
        connection.close()


@dataclass
class Size:
    register: Register
    stored: Measured
    fresh: Measured
    before: Measured | None
    outputs: dict[str, Any] = field(default_factory=dict)  # name -> the last report printed

    def commands(self) -> list[Measured]:
        return [self.stored, self.fresh, *([self.before] if self.before else [])]

    @property
    def errors(self) -> list[str]:
        return [item.error for item in self.commands() if item.error]

    def ratio(self, ours: Measured, other: Measured | None) -> float | None:
        return None if other is None else harness.ratio(ours, other)

    def summary(self) -> dict[str, object]:
        share = self.ratio(self.stored, self.fresh)
        against = self.ratio(self.fresh, self.before)
        return {
            "pledges": self.register.pledges,
            "register": self.register.summary(),
            "errors": self.errors,
            "commands": {item.name: item.summary() for item in self.commands()},
            "stored_over_fresh": None if share is None else round(share, 3),
            "stored_limit": STORED_LIMIT,
            "stored_met": None if share is None else share <= STORED_LIMIT,
            "fresh_over_before": None if against is None else round(against, 3),
            "fresh_limit": FRESH_LIMIT,
            "fresh_met": None if against is None else against <= FRESH_LIMIT,
        }


def measure(register: Register, args: Namespace, env: Env) -> Size:
    base = WORK / str(register.pledges)
    base.mkdir(parents=True, exist_ok=True)
    stored_db, edited, old = base / "stored.db", base / "edited.db", base / "old.db"
    target, target_old = base / "copy.db", base / "old-copy.db"
    copy(register.path, stored_db)
    run([str(PLEDGES), "db", "upgrade", "--db", str(stored_db)], env)
    run([str(PLEDGES), *AUDIT, "--db", str(stored_db)], env)
    copy(stored_db, edited)
    for argv in edits(edited):
        run([str(PLEDGES), *argv, "--db", str(edited)], env)
    if args.before:
        copy(edited, old)
        run([str(PLEDGES), "db", "downgrade", OLD_SCHEMA, "--db", str(old)], env)
    harness.warm(edited)

    size = Size(
        register,
        Measured("stored", [str(PLEDGES), *AUDIT, "--db", str(target)],
                 "pledges audit --db COPY (what the last audit stored, reused)"),
        Measured("fresh", [str(PLEDGES), *AUDIT, "--fresh", "--db", str(target)],
                 "pledges audit --fresh --db COPY"),
        None if not args.before else Measured(
            "before", [str(args.before), *AUDIT, "--db", str(target_old)],
            f"{args.before} audit --db OLDCOPY"),
    )  # fmt: skip

    def ready(item: Measured, _: int) -> None:
        if item.name == "before":
            copy(old, target_old)
        else:
            copy(edited, target)

    def check(item: Measured) -> None:
        try:
            printed = json.loads((WORK / "stdout").read_bytes())
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CannotMeasure(f"{item.name} did not print the audit's JSON ({error})") from None
        size.outputs[item.name] = printed
        both = "stored" in size.outputs and "fresh" in size.outputs
        if both and size.outputs["stored"] != size.outputs["fresh"]:
            raise CannotMeasure("the stored audit and the fresh audit reported differently")
        other = "before" in size.outputs and "fresh" in size.outputs
        if other and size.outputs["before"]["findings"] != size.outputs["fresh"]["findings"]:
            raise CannotMeasure("the other build found other findings")

    harness.interleaved(
        size.commands(), args.runs, WORK, env, what=f"{register.pledges} pledges",
        warmup=args.warmup, keep_going=True, ready=ready, check=check,
    )  # fmt: skip
    return size


def markdown(sizes: list[Size], args: Namespace, info: dict[str, object]) -> str:
    lines = [
        "| pledges | fresh audit | after 10 updates and 10 citations | share (target ≤ 10 %) "
        "| peak memory (fresh, after) | fresh before this change | fresh ratio (target ≤ 1.1x) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        share = size.ratio(size.stored, size.fresh)
        against = size.ratio(size.fresh, size.before)
        before = size.before
        lines.append(
            f"| {size.register.pledges:,} | {size.fresh.seconds:.2f} s "
            f"| {size.stored.seconds:.2f} s "
            f"| {'—' if share is None else f'{share * 100:.1f} %'} "
            f"| {size.fresh.peak_mb:.0f} MB, {size.stored.peak_mb:.0f} MB "
            f"| {'—' if before is None or not before.measured else f'{before.seconds:.2f} s'} "
            f"| {'—' if against is None else f'{against:.2f}x'} |"
        )
    lines.append(
        f"\n(medians of {args.runs} runs each, interleaved; {info['cpu_count']} CPUs, "
        f"Python {info['python']}, load {info.get('load_average_1_5_15_min')})"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = harness.options(__doc__, [10_000, 100_000], runs=3, warmup=0)
    parser.add_argument("--rebuild", action="store_true", help="build the registers anew")
    parser.add_argument("--before", type=Path, help="the other build's pledges command")
    args = parser.parse_args(argv)
    wanted = harness.sizes_wanted(parser, args)
    env = harness.environment()
    remove(WORK)
    WORK.mkdir(parents=True)
    sizes: list[Size] = []
    failed: list[str] = []
    try:
        for pledges in wanted:
            sizes.append(measure(harness.register(pledges, args, not args.rebuild, env), args, env))
    except CannotMeasure as failure:
        failed.append(str(failure))
    errors = [*(e for size in sizes for e in size.errors), *failed]
    info = harness.machine()
    harness.write_result(
        args.out, "audit_store", runs=args.runs, seed=args.seed, machine=info,
        sizes=[size.summary() for size in sizes], errors=errors,
    )  # fmt: skip
    if sizes:
        print(markdown(sizes, args, info))
    return harness.finish(errors, WORK)


if __name__ == "__main__":
    harness.main(main)

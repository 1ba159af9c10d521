"""Time of `pledges report` beside `pledges export --format csv` on the same register.

    .venv/bin/python bench/report.py [--runs 3] [--sizes 10000] [--rebuild]
                                     [--report-cmd CMD] [--export-cmd CMD]

For each size it takes the audit benchmark's register in bench/results/ (audit-register-N.db:
N pledges, 2N quotes, N/5 sources with about 4 KB of text each, 2,000 actors), kept when its
manifest says it was built by the same generator with the same size, seed and actors in the last
30 days, as `bench/audit.py --reuse` keeps it; otherwise (or with --rebuild) it is built anew with
bench/generate_register.py. Then two commands, interleaved (the order alternates every round)
and repeated:

    report  pledges report --out DIR --db REGISTER
    export  pledges export --format csv --out DIR --db REGISTER

The report reads the whole register, audits it, and writes a page per pledge and per source; the
export reads the whole register and writes four CSV files. Target: the report takes at most
twice as long as the export. (The report works in several processes: the audit's, and a twin
drawing pages; the export in one. Their CPU times are reported beside the wall times.)

Every run is a fresh process, started by the small launcher of bench/audit.py (python -I -S,
nothing imported), which reports its wall time (fork to exit), its CPU time (the processes it
waited for included: the report's audit runs in processes of its own) and its peak memory (the
processes below the launcher are sampled). Medians over the runs are reported.

Every run writes into a folder of its own that did not exist, and the folders are removed only
after the last run: on some file systems, removing ten thousand files makes the creation of the
next ten thousand wait for the removal's clean-up, which would be timed as the next run's.
Dirty pages are flushed (sync) before each run, untimed, for the same reason.

Checks, on every run: both commands exit 0; the report wrote index.html, audit.html and a page
for every pledge and every source the register holds; the export wrote its four files with a
row for every record.

It prints a Markdown table for the README and writes bench/results/report.json. It exits 0
whatever the ratio is: a benchmark reports, it does not assert. It exits 1 only when it cannot
measure (a register cannot be built, a command fails or a check above does not hold: the error
and the command's stderr are printed).

--report-cmd and --export-cmd replace the two commands (for timing another build): a command
line with {db} where the register goes and {dir} where the folder goes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from audit import (
    PLEDGES,
    PYTHON,
    RESULTS,
    Medians,
    Run,
    actors_for,
    build_register,
    env_for_commands,
    machine,
    register_options,
    register_summary,
    run_once,
    shown,
    sizes_wanted,
    tail,
    warm,
    write_result,
)
from transfer import CannotMeasure, filled, folder_rows, same, table_rows

DEFAULT_REPORT = f"{PLEDGES} report --out {{dir}} --db {{db}}"
DEFAULT_EXPORT = f"{PLEDGES} export --format csv --out {{dir}} --db {{db}}"
TIME_LIMIT = 2.0  # the report's time, at most this many times the export's
WORK = RESULTS / "report-run"


@dataclass
class Measured(Medians):
    name: str
    template: str
    runs: list[Run] = field(default_factory=list)

    def argv(self, db: Path, folder: Path) -> list[str]:
        return filled(self.template, db, folder)

    def summary(self) -> dict[str, object]:
        return {
            "command": shown(filled(self.template, Path("REGISTER"), Path("DIR"))),
            "median_seconds": round(self.seconds, 3),
            "min_seconds": round(min(run.seconds for run in self.runs), 3),
            "median_cpu_seconds": round(self.cpu_seconds, 3),
            "median_peak_mb": round(self.peak_mb, 1),
            "runs": [run.summary() for run in self.runs],
        }


# --- checks -------------------------------------------------------------------------------------


def check_report(folder: Path, rows: dict[str, int]) -> None:
    for name in ("index.html", "audit.html"):
        if not (folder / name).is_file():
            raise CannotMeasure(f"the report wrote no {name} in {folder}")
    for kind, table in (("pledges", "pledges"), ("sources", "sources")):
        pages = sum(1 for _ in (folder / kind).glob("*.html")) if (folder / kind).is_dir() else 0
        if pages != rows[table]:
            raise CannotMeasure(
                f"the report wrote {pages} pages in {kind}/, for {rows[table]} {table}"
            )


def check_export(folder: Path, rows: dict[str, int]) -> None:
    same("the export", folder_rows(folder), rows, "the register")


# --- the benchmark ------------------------------------------------------------------------------


@dataclass
class Size:
    pledges: int
    register: Path
    manifest: dict[str, Any]
    generated_seconds: float | None
    report: Measured
    export: Measured
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.report.seconds / self.export.seconds

    def summary(self) -> dict[str, object]:
        return {
            "pledges": self.pledges,
            "register": {
                **register_summary(self.register, self.manifest, self.generated_seconds),
                "rows": self.rows,
            },
            "report": self.report.summary(),
            "export": self.export.summary(),
            "ratio": round(self.ratio, 3),
            "time_limit": TIME_LIMIT,
            "time_met": self.ratio <= TIME_LIMIT,
        }


def measure(size: Size, runs: int, env: dict[str, str]) -> None:
    size.rows = table_rows(size.register)
    checks = {size.report.name: check_report, size.export.name: check_export}
    warm(size.register)
    both = [size.report, size.export]
    for round_ in range(runs):
        for item in both if round_ % 2 == 0 else both[::-1]:
            folder = WORK / f"{size.pledges}-{item.name}-{round_ + 1}"
            argv = item.argv(size.register, folder)
            label = f"{size.pledges} pledges, {item.name}, run {round_ + 1}/{runs}"
            print(f"  {label}…", end="", file=sys.stderr, flush=True)
            os.sync()
            code, run = run_once(argv, WORK, env)
            print(f" {run.seconds:.2f} s, {run.peak_mb:.0f} MB", file=sys.stderr)
            if code != 0:
                raise CannotMeasure(
                    f"{shown(argv)} exited {code} after {run.seconds:.1f} s:\n"
                    f"{tail(WORK / 'stderr')}"
                )
            checks[item.name](folder, size.rows)
            item.runs.append(run)


def verdict(ratio: float) -> str:
    return f"{ratio:.2f}x ({'met' if ratio <= TIME_LIMIT else 'missed'})"


def markdown(sizes: list[Size], runs: int, info: dict[str, object]) -> str:
    lines = [
        "| pledges | quotes | sources | export | report | ratio (≤ 2x) | report CPU "
        "| report peak |",
        "| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for size in sizes:
        lines.append(
            f"| {size.pledges:,} | {size.manifest['evidence']:,} | {size.manifest['sources']:,} "
            f"| {size.export.seconds:.2f} s | {size.report.seconds:.2f} s | {verdict(size.ratio)} "
            f"| {size.report.cpu_seconds:.2f} s | {size.report.peak_mb:.0f} MB |"
        )
    lines += [
        "",
        f"Medians of {runs} runs each, report and export interleaved; {info['cpu_count']} CPUs, "
        f"Python {info['python']} ({info['machine']}), SQLite {info['sqlite']}. The registers "
        "are the audit benchmark's (bench/generate_register.py): two quotes per pledge, one "
        "article of about 4 KB per five pledges. The report audits the register (in processes "
        "of its own, beside the drawing, which a second process shares) and writes a page per "
        "pledge and per source, the index and the audit summary; the export writes four CSV "
        "files. Report CPU is user plus system time of all its processes; peak memory is the "
        "largest sampled sum over them.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    register_options(parser, [10_000])
    parser.add_argument(
        "--rebuild", action="store_true", help="build the registers anew even if they are there"
    )
    parser.add_argument(
        "--report-cmd", default=DEFAULT_REPORT, help="the report, with {db} and {dir}"
    )
    parser.add_argument(
        "--export-cmd", default=DEFAULT_EXPORT, help="the export, with {db} and {dir}"
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "report.json", help="the JSON")
    args = parser.parse_args(argv)
    wanted = sizes_wanted(parser, args)
    for option, template in (("--report-cmd", args.report_cmd), ("--export-cmd", args.export_cmd)):
        if "{db}" not in template or "{dir}" not in template:
            parser.error(f"{option} must hold {{db}} and {{dir}}")
    for exe in (PYTHON, PLEDGES):
        if not exe.exists():
            print(f"Error: {exe} is missing: run this with the project's venv python",
                  file=sys.stderr)  # fmt: skip
            return 1

    env = env_for_commands()
    RESULTS.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    sizes: list[Size] = []
    try:
        for pledges in wanted:
            actors = actors_for(pledges, args.actors)
            path, manifest, generated = build_register(
                pledges, args.seed, actors, not args.rebuild, env
            )
            size = Size(
                pledges, path, manifest, generated,
                Measured("report", args.report_cmd), Measured("export", args.export_cmd),
            )  # fmt: skip
            measure(size, args.runs, env)
            sizes.append(size)
    except CannotMeasure as failure:
        print(f"\nError: {failure}", file=sys.stderr)
        print(f"(what it ran is kept in {WORK})", file=sys.stderr)
        return 1

    info = machine()
    result = {
        "benchmark": "report",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": args.runs,
        "seed": args.seed,
        "machine": info,
        "sizes": [size.summary() for size in sizes],
    }
    write_result(args.out, result)
    print(markdown(sizes, args.runs, info))
    for size in sizes:
        print(
            f"\n{size.pledges:,} pledges: the report took {size.report.seconds:.2f} s, the "
            f"export {size.export.seconds:.2f} s: {size.ratio:.2f}x (target: at most "
            f"{TIME_LIMIT:g}x).",
            file=sys.stderr,
        )
    shutil.rmtree(WORK, ignore_errors=True)
    print(f"\n(JSON written to {args.out})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"({time.perf_counter() - started:.0f} s in all)", file=sys.stderr)
    sys.exit(code)

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

Every run is a fresh process, started by the launcher of bench/harness.py, which reports its
wall time (fork to exit), its CPU time (the processes it waited for included: the report's audit
runs in processes of its own) and its peak memory (the processes below the launcher are
sampled). Medians over the runs are reported.

Every run writes into a folder of its own that did not exist, and the folders are removed only
after the last run: on some file systems, removing ten thousand files makes the creation of the
next ten thousand wait for the removal's clean-up, which would be timed as the next run's.
Dirty pages are flushed (sync) before each run, untimed, for the same reason.

Checks, on every run: both commands exit 0; the report wrote index.html, audit.html and a page
for every pledge and every source the register holds; the export wrote its four files with a
row for every record.

It prints a Markdown table for the README and writes bench/results/report.json. It exits 1 only
when it cannot measure (a register cannot be built, a command fails or a check above does not
hold: the error and the command's stderr are printed).

--report-cmd and --export-cmd replace the two commands (for timing another build): a command
line with {db} where the register goes and {dir} where the folder goes.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import harness
from harness import PLEDGES, RESULTS, CannotMeasure, Measured, Register, verdict
from transfer import folder_rows, same, table_rows

DEFAULT_REPORT = f"{PLEDGES} report --out {{dir}} --db {{db}}"
DEFAULT_EXPORT = f"{PLEDGES} export --format csv --out {{dir}} --db {{db}}"
TIME_LIMIT = 2.0  # the report's time, at most this many times the export's
WORK = RESULTS / "report-run"


@dataclass
class Size:
    register: Register
    templates: dict[str, str]  # each command's, by name
    report: Measured
    export: Measured
    rows: dict[str, int] = field(default_factory=dict)
    folder: Path = WORK  # the folder of the run under way

    @property
    def pledges(self) -> int:
        return self.register.pledges

    @property
    def ratio(self) -> float:
        return self.report.seconds / self.export.seconds

    def ready(self, item: Measured, round_: int) -> None:
        """A folder of its own for each run, and the disk's dirty pages flushed (untimed)."""
        self.folder = WORK / f"{self.pledges}-{item.name}-{round_ + 1}"
        item.argv = harness.filled(self.templates[item.name], self.register.path, self.folder)
        os.sync()

    def check(self, item: Measured) -> None:
        folder = self.folder
        if item is self.export:
            same("the export", folder_rows(folder), self.rows, "the register")
            return
        for name in ("index.html", "audit.html"):
            if not (folder / name).is_file():
                raise CannotMeasure(f"the report wrote no {name} in {folder}")
        for kind in ("pledges", "sources"):
            pages = sum(1 for _ in (folder / kind).glob("*.html"))
            if pages != self.rows[kind]:
                raise CannotMeasure(
                    f"the report wrote {pages} pages in {kind}/, for {self.rows[kind]} {kind}"
                )

    def summary(self) -> dict[str, object]:
        return {
            "pledges": self.pledges,
            "register": self.register.summary(rows=self.rows),
            "report": self.report.summary(),
            "export": self.export.summary(),
            "ratio": round(self.ratio, 3),
            "time_limit": TIME_LIMIT,
            "time_met": self.ratio <= TIME_LIMIT,
        }


def markdown(sizes: list[Size], runs: int, info: dict[str, object]) -> str:
    lines = [
        "| pledges | quotes | sources | export | report | ratio (≤ 2x) | report CPU "
        "| report peak |",
        "| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for size in sizes:
        manifest = size.register.manifest
        lines.append(
            f"| {size.pledges:,} | {manifest['evidence']:,} | {manifest['sources']:,} "
            f"| {size.export.cell()} | {size.report.cell()} | {verdict(size.ratio, TIME_LIMIT)} "
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
    parser = harness.options(__doc__, [10_000], runs=3)
    parser.add_argument(
        "--rebuild", action="store_true", help="build the registers anew even if they are there"
    )
    parser.add_argument(
        "--report-cmd", default=DEFAULT_REPORT, help="the report, with {db} and {dir}"
    )
    parser.add_argument(
        "--export-cmd", default=DEFAULT_EXPORT, help="the export, with {db} and {dir}"
    )
    args = parser.parse_args(argv)
    wanted = harness.sizes_wanted(parser, args)
    templates = {"report": args.report_cmd, "export": args.export_cmd}
    for name, template in templates.items():
        if "{db}" not in template or "{dir}" not in template:
            parser.error(f"--{name}-cmd must hold {{db}} and {{dir}}")

    env = harness.environment()
    shutil.rmtree(WORK, ignore_errors=True)
    sizes: list[Size] = []
    try:
        for pledges in wanted:
            register = harness.register(pledges, args, not args.rebuild, env)
            shown = {name: harness.filled(t, Path("REGISTER"), Path("DIR"))
                     for name, t in templates.items()}  # fmt: skip
            size = Size(register, templates, Measured("report", shown["report"]),
                        Measured("export", shown["export"]))  # fmt: skip
            size.rows = table_rows(register.path)
            harness.warm(register.path)
            both = [size.report, size.export]
            harness.interleaved(both, args.runs, WORK, env, what=f"{pledges} pledges",
                                ready=size.ready, check=size.check)  # fmt: skip
            sizes.append(size)
    except CannotMeasure:
        print(f"(what it ran is kept in {WORK})", file=sys.stderr)
        raise

    info = harness.machine()
    harness.write_result(args.out, "report", runs=args.runs, seed=args.seed, machine=info,
                         sizes=[size.summary() for size in sizes])  # fmt: skip
    print(markdown(sizes, args.runs, info))
    for size in sizes:
        print(
            f"\n{size.pledges:,} pledges: the report took {size.report.seconds:.2f} s, the "
            f"export {size.export.seconds:.2f} s: {size.ratio:.2f}x (target: at most "
            f"{TIME_LIMIT:g}x).",
            file=sys.stderr,
        )
    shutil.rmtree(WORK, ignore_errors=True)
    return 0


if __name__ == "__main__":
    harness.main(main)

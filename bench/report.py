"""What the report's builders and readers wait for: `pledges report` beside `pledges export
--format csv` on the same register, the audit that the report contains, and the opening of the
report's index in a browser beside a page of the same rows without script.

    .venv/bin/python bench/report.py [--runs 3] [--opens 7] [--sizes 10000] [--rebuild]
                                     [--report-cmd CMD] [--export-cmd CMD]

For each size it takes the audit benchmark's register in bench/results/ (audit-register-N.db:
N pledges, 2N quotes, N/5 sources with about 4 KB of text each, 2,000 actors), kept when its
manifest says it was built by the same generator with the same size, seed and actors in the last
30 days, as `bench/audit.py --reuse` keeps it; otherwise (or with --rebuild) it is built anew with
bench/generate_register.py. It makes two copies of it, untimed:

    NEVER    the register as the generator made it: its audit store emptied (`pledges db
             downgrade 0005`, then `pledges db upgrade`), even if another benchmark audited it
    AUDITED  a copy of NEVER audited once (`pledges audit --db AUDITED --format json`): the audit
             store is current, as after a curator's earlier audit or report

Then four commands, interleaved (the order rotating every round) and repeated:

    export                     pledges export --format csv --out DIR --db AUDITED
    report                     pledges report --out DIR --db AUDITED
    report, not audited before pledges report --out DIR --db COPY   (COPY: a fresh copy of NEVER
                               made before every run, untimed)
    audit --fresh              pledges audit --fresh --db AUDITED --format json --fail-on never

The report reads the whole register, audits it (from what the audit stored, or in full on a
register never audited), and writes a page per pledge and per source, the index with its first
100 rows, data/index.js (every row, for the index's script) and data/search.js, the rest of the
list as pages of 100 rows (list/2.html, …) and downloads/ (the register as the export writes
it, and register.json). The export reads the whole register and writes four CSV files: the
floor of reading and writing it. Target: the report on an audited register takes at most twice
as long as the export. The report never audited before is what a first report costs; the fresh
audit, the share of it the audit takes. Peak memory of the report: at most 1 GB (1,024 MB), at
100,000 pledges too.

Every run is a fresh process, started by the launcher of bench/harness.py, which reports its
wall time (fork to exit), its CPU time (the processes it waited for included: the report's audit
runs in processes of its own, and a twin draws a share of the pages) and its peak memory (the
processes below the launcher are sampled). Medians over the runs are reported.

Every run writes into a folder of its own that did not exist, and the folders are removed only
after the last run: on some file systems, removing ten thousand files makes the creation of the
next ten thousand wait for the removal's clean-up, which would be timed as the next run's.
Dirty pages are flushed (sync) before each run, untimed, for the same reason.

Checks, on every run: each command exits 0; the report wrote index.html, audit.html, a page for
every pledge and every source, data/index.js and data/search.js, list/2.html to list/N.html (N:
the pledges divided by 100, rounded up) and no other, and downloads/ with a row for every record
in each CSV file and in register.json; the export wrote its four files with a row for every
record; the audit printed its JSON.

Then, at each size, the index of the last report built on AUDITED is opened in headless Chromium
(bench/report_browser.py says how): --opens times index.html, timed until its script has drawn
the rows, interleaved with as many opens of list/2.html, timed until it is loaded; each must
show 100 rows. Target: the index at most twice the list page (medians). The sizes of index.html
and data/index.js are recorded. Without Chromium this part is skipped (said), unless CI=true.

It prints Markdown tables for the README and writes bench/results/report.json. It exits 1 only
when it cannot measure (a register cannot be built, a command fails or a check above does not
hold: the error and the command's stderr are printed).

--report-cmd and --export-cmd replace the two commands (for timing another build): a command
line with {db} where the register goes and {dir} where the folder goes.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import harness
import report_browser as browser
from harness import PLEDGES, RESULTS, CannotMeasure, Measured, Register, remove, shown, verdict
from transfer import TABLES, folder_rows, same, table_rows

DEFAULT_REPORT = f"{PLEDGES} report --out {{dir}} --db {{db}}"
DEFAULT_EXPORT = f"{PLEDGES} export --format csv --out {{dir}} --db {{db}}"
FRESH_AUDIT = f"{PLEDGES} audit --fresh --db {{db}} --format json --fail-on never"
TIME_LIMIT = 2.0  # the report's time, at most this many times the export's
OPEN_LIMIT = 2.0  # opening the index, at most this many times a list page of as many rows
MEMORY_LIMIT_MB = 1024.0  # the report's peak memory
STORE_FROM = "0005"  # the schema before the audit store: down to it and up again empties it
WORK = RESULTS / "report-run"
WRITTEN = ("index.html", "audit.html", "data/index.js", "data/search.js", "downloads/register.json")


def run(argv: list[str], env: dict[str, str], codes: tuple[int, ...] = (0,)) -> str:
    """An untimed command that must exit with one of `codes`: its output."""
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode not in codes:
        raise CannotMeasure(f"{shown(argv)} exited {done.returncode}: {done.stderr[-4000:]}")
    return done.stdout


def printed_json(text: str | bytes, what: str) -> None:
    try:
        json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CannotMeasure(f"{what} did not print the audit's JSON ({error})") from None


def copies(register: Register, env: dict[str, str]) -> tuple[Path, Path]:
    """NEVER (the store emptied) and AUDITED (audited once), untimed."""
    never, audited = WORK / f"never-{register.pledges}.db", WORK / f"audited-{register.pledges}.db"
    for db in (never, audited):
        remove(db)
    shutil.copyfile(register.path, never)
    for step in (["db", "downgrade", STORE_FROM], ["db", "upgrade"]):
        run([str(PLEDGES), *step, "--db", str(never)], env)
    shutil.copyfile(never, audited)
    print(f"  auditing {audited.name} once (untimed)…", file=sys.stderr)
    # The audit exits 1 when it finds errors, as it does in these registers.
    audit = [str(PLEDGES), "audit", "--db", str(audited), "--format", "json"]
    printed_json(run(audit, env, (0, 1)), "pledges audit")
    return never, audited


@dataclass
class Size:
    register: Register
    never: Path  # the register never audited: copied before each run of `unaudited`
    audited: Path
    templates: dict[str, str]  # each command's, by name
    export: Measured
    report: Measured
    unaudited: Measured
    fresh: Measured
    rows: dict[str, int] = field(default_factory=dict)
    folder: Path = WORK  # the folder of the run under way
    kept: Path | None = None  # the folder of the last report on AUDITED, opened in the browser
    opens: browser.Opens | None = None
    skipped: str | None = None  # why the browser part was not measured

    @property
    def pledges(self) -> int:
        return self.register.pledges

    def commands(self) -> list[Measured]:
        return [self.export, self.report, self.unaudited, self.fresh]

    def ratio(self, item: Measured) -> float:
        return item.seconds / self.export.seconds

    def ready(self, item: Measured, round_: int) -> None:
        """A folder of its own for each run, a fresh copy of NEVER for the report not audited
        before, and the disk's dirty pages flushed (untimed)."""
        self.folder = WORK / f"{self.pledges}-{item.name}-{round_ + 1}"
        db = self.audited
        if item is self.unaudited:
            db = WORK / "copy.db"
            remove(db)
            shutil.copyfile(self.never, db)
        item.argv = harness.filled(self.templates[item.name], db, self.folder)
        os.sync()

    def check(self, item: Measured) -> None:
        folder = self.folder
        if item is self.fresh:
            printed_json((WORK / "stdout").read_bytes(), "pledges audit --fresh")
        elif item is self.export:
            same("the export", folder_rows(folder), self.rows, "the register")
        else:
            self.check_report(folder)
            if item is self.report:
                self.kept = folder

    def check_report(self, folder: Path) -> None:
        for name in WRITTEN:
            if not (folder / name).is_file() or (folder / name).stat().st_size == 0:
                raise CannotMeasure(f"the report wrote no {name} in {folder}, or an empty one")
        for kind in ("pledges", "sources"):
            pages = sum(1 for _ in (folder / kind).glob("*.html"))
            if pages != self.rows[kind]:
                raise CannotMeasure(
                    f"the report wrote {pages} pages in {kind}/, for {self.rows[kind]} {kind}"
                )
        last = math.ceil(self.pledges / browser.PAGE)
        lists = {p.name for p in (folder / "list").glob("*.html")}
        if lists != {f"{n}.html" for n in range(2, last + 1)}:
            raise CannotMeasure(
                f"the report wrote {len(lists)} pages in list/, not list/2.html to list/{last}.html"
            )
        downloads = folder / "downloads"
        same("the report's downloads", folder_rows(downloads), self.rows, "the register")
        data = json.loads((downloads / "register.json").read_bytes())
        same("register.json", {t: len(data.get(t, [])) for t in TABLES}, self.rows, "the register")

    def open_in_browser(self, opens: int) -> None:
        """The browser part, on the kept folder; skipped (said why) without Chromium."""
        why = browser.missing()
        if why is not None and browser.required():
            raise CannotMeasure(f"{why}: under CI=true the browser part is required")
        if why is None and self.pledges <= browser.PAGE:
            why = f"{self.pledges} pledges: no list/2.html to compare with"
        if why is not None:
            self.skipped = why
            print(f"  {self.pledges} pledges, browser: skipped ({why})", file=sys.stderr)
            return
        assert self.kept is not None
        print(f"  {self.pledges} pledges, browser, {opens} opens of each…", end="",
              file=sys.stderr, flush=True)  # fmt: skip
        self.opens = browser.measure(self.kept, opens, WORK / "chromium-profile")
        print(f" index {self.opens.ratio:.2f}x the list page", file=sys.stderr)

    def summary(self) -> dict[str, object]:
        summaries = {}
        for item in self.commands():
            summaries[item.name] = item.summary()
        for item in (self.report, self.unaudited):
            summaries[item.name].update(
                over_export=round(self.ratio(item), 3),
                peak_limit_mb=MEMORY_LIMIT_MB,
                peak_met=item.peak_mb <= MEMORY_LIMIT_MB,
            )
        return {
            "pledges": self.pledges,
            "register": self.register.summary(rows=self.rows),
            "commands": summaries,
            "ratio": round(self.ratio(self.report), 3),
            "time_limit": TIME_LIMIT,
            "time_met": self.ratio(self.report) <= TIME_LIMIT,
            "browser": self.opens.summary(OPEN_LIMIT) if self.opens else {"skipped": self.skipped},
        }


def peak(item: Measured) -> str:
    return f"{item.peak_mb:.0f} MB ({'met' if item.peak_mb <= MEMORY_LIMIT_MB else 'missed'})"


def markdown(sizes: list[Size], runs: int, opens: int, info: dict[str, object]) -> str:
    lines = [
        "| pledges | quotes | sources | export | report | ratio (≤ 2x) | report CPU "
        "| report peak (≤ 1 GB) | report, not audited before | ratio | its CPU | its peak (≤ 1 GB) "
        "| audit --fresh |",
        "| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: "
        "| ---: |",
    ]
    for size in sizes:
        manifest, report, unaudited = size.register.manifest, size.report, size.unaudited
        lines.append(
            f"| {size.pledges:,} | {manifest['evidence']:,} | {manifest['sources']:,} "
            f"| {size.export.cell()} | {report.cell()} "
            f"| {verdict(size.ratio(report), TIME_LIMIT)} | {report.cpu_seconds:.2f} s "
            f"| {peak(report)} | {unaudited.cell()} | {size.ratio(unaudited):.2f}x "
            f"| {unaudited.cpu_seconds:.2f} s | {peak(unaudited)} | {size.fresh.cell()} |"
        )
    lines += [
        "",
        f"Medians of {runs} runs each, interleaved; {info['cpu_count']} CPUs, Python "
        f"{info['python']} ({info['machine']}), SQLite {info['sqlite']}, load "
        f"{info.get('load_average_1_5_15_min')}. The registers are the audit benchmark's "
        "(bench/generate_register.py): two quotes per pledge, one article of about 4 KB per five "
        "pledges. The report audits the register (from what an earlier audit stored; in full "
        "when it was never audited) and writes a page per pledge and per source, the index, "
        "its data files, the list pages and the downloads; the export writes four CSV files. "
        "CPU is user plus system time of all the command's processes; peak memory is the "
        "largest sampled sum over them.",
        "",
        "| pledges | index.html | data/index.js | index, drawn | list/2.html, loaded "
        "| ratio (≤ 2x) |",
        "| ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for size in sizes:
        if size.opens is None:
            lines.append(f"| {size.pledges:,} | not measured: {size.skipped} | | | | |")
            continue
        found = size.opens.summary(OPEN_LIMIT)
        lines.append(
            f"| {size.pledges:,} | {found['index_html_bytes']:,} B "
            f"| {found['data_index_js_bytes']:,} B "
            f"| {found['index_median_seconds']:.3f} s | {found['list_page_median_seconds']:.3f} s "
            f"| {verdict(size.opens.ratio, OPEN_LIMIT)} |"
        )
    lines += [
        "",
        f"Medians of {opens} opens of each in headless Chromium, interleaved, about:blank between "
        "them; the index timed from the call to `driver.get` until its script has drawn the "
        "rows from data/index.js, the list page (100 rows, no script) until it is loaded.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = harness.options(__doc__, [10_000], runs=3)
    parser.add_argument("--opens", type=int, default=7, help="opens of each page in the browser")
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
    if args.opens < 1:
        parser.error("--opens must be at least 1")
    templates = {"report": args.report_cmd, "export": args.export_cmd}
    for name, template in templates.items():
        if "{db}" not in template or "{dir}" not in template:
            parser.error(f"--{name}-cmd must hold {{db}} and {{dir}}")
    templates.update(unaudited=args.report_cmd, fresh=FRESH_AUDIT)

    env = harness.environment()
    remove(WORK)
    WORK.mkdir(parents=True)
    sizes: list[Size] = []
    try:
        for pledges in wanted:
            register = harness.register(pledges, args, not args.rebuild, env)
            never, audited = copies(register, env)
            show = {name: shown(harness.filled(t, Path("AUDITED"), Path("DIR")))
                    for name, t in templates.items()}  # fmt: skip
            size = Size(
                register, never, audited, templates,
                Measured("export", [], show["export"]),
                Measured("report", [], show["report"]),
                Measured("unaudited", [], show["report"].replace("AUDITED", "COPY") +
                         " (COPY: a fresh copy of the register never audited)"),
                Measured("fresh", [], show["fresh"]),
            )  # fmt: skip
            size.rows = table_rows(audited)
            harness.warm(never)
            harness.warm(audited)
            harness.interleaved(size.commands(), args.runs, WORK, env, what=f"{pledges} pledges",
                                ready=size.ready, check=size.check)  # fmt: skip
            size.open_in_browser(args.opens)
            sizes.append(size)
    except CannotMeasure:
        print(f"(what it ran is kept in {WORK})", file=sys.stderr)
        raise

    info = harness.machine()
    harness.write_result(args.out, "report", runs=args.runs, opens=args.opens, seed=args.seed,
                         machine=info, sizes=[size.summary() for size in sizes])  # fmt: skip
    print(markdown(sizes, args.runs, args.opens, info))
    for size in sizes:
        print(
            f"\n{size.pledges:,} pledges: the report took {size.report.seconds:.2f} s "
            f"({size.unaudited.seconds:.2f} s never audited before), the export "
            f"{size.export.seconds:.2f} s: {size.ratio(size.report):.2f}x (target: at most "
            f"{TIME_LIMIT:g}x).",
            file=sys.stderr,
        )
    remove(WORK)
    return 0


if __name__ == "__main__":
    harness.main(main)

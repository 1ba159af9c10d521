"""Time of export and import, each beside sqlite-utils doing the same with the same files.

    .venv/bin/python bench/transfer.py [--runs 3] [--sizes 10000 100000] [--rebuild]
                                       [--limit-minutes 15] [--export-cmd CMD] [--import-cmd CMD]

For each size it takes the audit benchmark's register in bench/results/ (audit-register-N.db:
N pledges, 2N quotes, N/5 sources with about 4 KB of text each, 2,000 actors), kept when its
manifest says it was built by the same generator with the same size, seed and actors in the last
30 days, as `bench/audit.py --reuse` keeps it; otherwise (or with --rebuild) it is built anew with
bench/generate_register.py. Then two pairs of commands, interleaved (the order within a pair
alternates every round) and repeated:

    export  pledges export --format csv --out DIR --db REGISTER
    peer    one `sh` running, one after the other, for the four tables
              sqlite-utils rows REGISTER TABLE --csv > PEER_DIR/TABLE.csv
            (pledges, evidence, sources with each article's text, actors)

    import  pledges import EXPORT_DIR --reason bench --db FRESH [--allow-unlocated]
    peer    one `sh` running, one after the other, for the four files
              sqlite-utils insert PEER.db TABLE EXPORT_DIR/TABLE.csv --csv

One quote in ten of these registers does not stand in its source (the generator alters it and
records it as `cite --allow-unlocated` would, for the audit to find), so an import that refuses
such quotes refuses the register: the import is given --allow-unlocated when `pledges import
--help` lists it. It still looks for every quote in its source, and checks every other rule.

Every run is a fresh process, and its output folder or database is removed before it starts (not
timed). EXPORT_DIR holds the files of the last export run: both import commands read the same
four CSV files. FRESH is a copy, made before each run, of an empty register: schema only, made
once with `pledges init --seeds` and a seed folder of empty lists. PEER.db does not exist when
the peer starts: sqlite-utils creates it and a table per file, every value stored as text.

A peer's time is that of its one `sh`, start-ups of its four sqlite-utils processes included, as
a user typing the four commands would wait; `pledges` starts once. Both are started by the small
launcher of bench/audit.py (python -I -S, nothing imported), which forks the command, waits for it
with os.wait4 and reports its wall time (fork to exit) and CPU time (user + system, the children
it waited for included). Medians over the runs are reported; the ratio is ours over the peer's
(target: at most 1x, for both).

Checks, on every run: each command exits 0; the export writes as many rows of each table as the
peer does, and as the register holds; after an import, the register holds as many pledges,
evidence, sources and actors as the CSV files have rows (an import that dropped rows cannot be
timed against one that inserted them all), and so does the peer's database.

A command still running after --limit-minutes (default 15) is stopped, and that command is not
measured again at that size: the table says "not measured: over N minutes" rather than waiting
for hours (a result, not a failure).

It prints a Markdown table for the README and writes bench/results/transfer.json. It exits 0
whatever the ratios are: a benchmark reports, it does not assert. It exits 1 only when it cannot
measure: a register cannot be built, a command fails, or a check above does not hold. Then that
command is not run again at that size (the table says "failed"; without an export there is
nothing to import), the others are, and the errors, each with the command's stderr, are
printed at the end and recorded in the JSON.

--export-cmd and --import-cmd replace our two commands (for timing another build): a command line
with {db} where the register goes and {dir} where the folder goes, e.g.
`--import-cmd ".venv/bin/python my_import.py {dir} --db {db}"`.
"""

from __future__ import annotations

import argparse
import csv
import os
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from audit import (
    BIN,
    LAUNCHER,
    PLEDGES,
    PYTHON,
    RESULTS,
    actors_for,
    build_register,
    env_for_commands,
    machine,
    register_options,
    register_summary,
    shown,
    sizes_wanted,
    tail,
    warm,
    write_result,
)

SQLITE_UTILS = BIN / ("sqlite-utils.exe" if os.name == "nt" else "sqlite-utils")
TABLES = ("pledges", "evidence", "sources", "actors")  # in the order `pledges export` writes them
DEFAULT_EXPORT = f"{PLEDGES} export --format csv --out {{dir}} --db {{db}}"
DEFAULT_IMPORT = f"{PLEDGES} import {{dir}} --reason bench --db {{db}}"
UNLOCATED = "--allow-unlocated"  # given to the import when it has the option: see the docstring
TIME_LIMIT = 1.0  # ours, at most this many times the peer's
WORK = RESULTS / "transfer-run"


class CannotMeasure(Exception):
    """A command failed or a check did not hold: the benchmark stops and exits 1."""


# --- running one command ------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float  # user + system, of the process and the children it waited for
    maxrss_mb: float  # the largest single process

    def summary(self) -> dict[str, object]:
        return {
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "maxrss_mb": round(self.maxrss_mb, 1),
        }


def run_once(argv: list[str], env: dict[str, str], limit: float) -> tuple[int, Run | None]:
    """Run a command to its end through the launcher: its exit code and what it took, or None
    when it ran longer than `limit` seconds and was stopped. Output goes to WORK/stdout and
    WORK/stderr."""
    report = WORK / "rusage"
    report.unlink(missing_ok=True)
    launcher = [str(PYTHON), "-I", "-S", "-c", LAUNCHER, str(report), *argv]
    with (WORK / "stdout").open("wb") as out, (WORK / "stderr").open("wb") as err:
        # A session of its own, so that the launcher and what it started can be stopped together.
        process = subprocess.Popen(
            launcher, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
            start_new_session=True,
        )  # fmt: skip
        try:
            code = process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return -1, None
    try:
        elapsed, maxrss_kb, user, system = (float(x) for x in report.read_text().split())
    except (OSError, ValueError):
        raise CannotMeasure(
            f"could not run {shown(argv)} (exit {code}): {tail(WORK / 'stderr')}"
        ) from None
    # ru_maxrss is in kilobytes on Linux (bytes on macOS, where this is not meant to run).
    return code, Run(elapsed, user + system, maxrss_kb / 1024)


@dataclass
class Measured:
    name: str
    argv: list[str]
    display: str
    runs: list[Run] = field(default_factory=list)
    over_minutes: float | None = None  # set when a run was stopped at the time limit
    failed: bool = False  # a run failed, or what it did was wrong: the benchmark stopped there

    @property
    def measured(self) -> bool:
        return bool(self.runs) and self.over_minutes is None and not self.failed

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(run.cpu_seconds for run in self.runs)

    def shown(self) -> str:
        if self.failed:
            return "failed"
        if self.over_minutes is not None:
            return f"not measured: over {self.over_minutes:g} minutes"
        return f"{self.seconds:.2f} s" if self.runs else "not measured"

    def summary(self) -> dict[str, object]:
        result: dict[str, object] = {"command": self.display}
        if self.over_minutes is not None:
            result["not_measured"] = f"over {self.over_minutes:g} minutes"
            result["completed_runs"] = [run.summary() for run in self.runs]
            return result
        if not self.runs:
            result["not_measured"] = "no run completed"
            return result
        return {
            **result,
            "median_seconds": round(self.seconds, 3),
            "min_seconds": round(min(run.seconds for run in self.runs), 3),
            "median_cpu_seconds": round(self.cpu_seconds, 3),
            "median_maxrss_mb": round(statistics.median(r.maxrss_mb for r in self.runs), 1),
            "runs": [run.summary() for run in self.runs],
        }


def ratio(ours: Measured, peer: Measured) -> float | None:
    return ours.seconds / peer.seconds if ours.measured and peer.measured else None


# --- counting -----------------------------------------------------------------------------------


def csv_rows(path: Path) -> int:
    """Records in a CSV file, its header aside (a quoted cell may span lines)."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return sum(1 for cells in csv.reader(stream) if any(cells)) - 1


def folder_rows(folder: Path) -> dict[str, int]:
    missing = [t for t in TABLES if not (folder / f"{t}.csv").is_file()]
    if missing:
        raise CannotMeasure(f"{folder} lacks {', '.join(f'{t}.csv' for t in missing)}")
    return {table: csv_rows(folder / f"{table}.csv") for table in TABLES}


def table_rows(db: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        counts = {}
        for table in TABLES:
            try:
                counts[table] = connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            except sqlite3.OperationalError:
                counts[table] = 0  # not there: nothing was inserted
        return counts
    finally:
        connection.close()


def same(what: str, counts: dict[str, int], expected: dict[str, int], against: str) -> None:
    if counts != expected:
        differing = ", ".join(
            f"{t} {counts.get(t)} (not {expected.get(t)})"
            for t in TABLES
            if counts.get(t) != expected.get(t)
        )
        raise CannotMeasure(f"{what} has other row counts than {against}: {differing}")


# --- the benchmark ------------------------------------------------------------------------------


@dataclass
class Size:
    pledges: int
    register: Path
    manifest: dict[str, Any]
    generated_seconds: float | None
    register_counts: dict[str, int] = field(default_factory=dict)
    export_counts: dict[str, int] = field(default_factory=dict)
    pairs: dict[str, tuple[Measured, Measured]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # why a pair could not be measured

    def summary(self) -> dict[str, object]:
        result: dict[str, object] = {
            "pledges": self.pledges,
            "register": {
                **register_summary(self.register, self.manifest, self.generated_seconds),
                "rows": self.register_counts,
            },
            "csv_rows": self.export_counts,
            "csv_bytes": self.manifest.get("csv_bytes"),
            "errors": self.errors,
        }
        for name, (ours, peer) in self.pairs.items():
            found = ratio(ours, peer)
            result[name] = {
                "ours": ours.summary(),
                "peer": peer.summary(),
                "ratio": None if found is None else round(found, 3),
                "time_limit": TIME_LIMIT,
                "time_met": None if found is None else found <= TIME_LIMIT,
            }
        return result


def in_sh(commands: list[list[str]]) -> list[str]:
    """One `sh` that runs the commands one after the other and stops at the first that fails.
    A command's last two words may be '>' and a file, to send its output there."""
    lines = []
    for argv in commands:
        if len(argv) > 2 and argv[-2] == ">":
            lines.append(f"{shlex.join(argv[:-2])} > {shlex.quote(argv[-1])}")
        else:
            lines.append(shlex.join(argv))
    return ["/bin/sh", "-c", "set -e\n" + "\n".join(lines)]


def filled(template: str, db: Path, folder: Path) -> list[str]:
    return [
        word.replace("{db}", str(db)).replace("{dir}", str(folder))
        for word in shlex.split(template)
    ]


def empty_register(env: dict[str, str]) -> Path:
    """A register with the schema and nothing in it, made once by `pledges init`."""
    seeds, template = WORK / "empty-seeds", WORK / "empty.db"
    seeds.mkdir(parents=True, exist_ok=True)
    for name in ("actors", "sources", "pledges"):
        (seeds / f"{name}.yaml").write_text("[]\n", encoding="utf-8")
    remove(template)
    argv = [str(PLEDGES), "init", "--db", str(template), "--seeds", str(seeds)]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CannotMeasure(f"{shown(argv)} exited {done.returncode}: {done.stderr.strip()}")
    counts = table_rows(template)
    if any(counts.values()):
        raise CannotMeasure(f"{shown(argv)} made a register that is not empty: {counts}")
    return template


def remove(path: Path) -> None:
    """A folder, or a database with its -wal and -shm files."""
    if path.is_dir():
        shutil.rmtree(path)
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        each.unlink(missing_ok=True)


def interleaved(
    size: Size,
    pair: str,
    runs: int,
    env: dict[str, str],
    limit_minutes: float,
    before: dict[str, Callable[[], None]],
    after: dict[str, Callable[[], None]],
) -> None:
    """Run the pair's two commands `runs` times each, alternating which goes first; `before`
    readies a command's run (untimed), `after` checks what it did. A command that fails is run
    no more, and why goes to size.errors; the other goes on."""
    both = list(size.pairs[pair])
    for round_ in range(runs):
        for item in both if round_ % 2 == 0 else both[::-1]:
            if item.over_minutes is not None or item.failed:
                continue
            label = f"{size.pledges} pledges, {pair} {item.name}, run {round_ + 1}/{runs}"
            print(f"  {label}…", end="", file=sys.stderr, flush=True)
            before[item.name]()
            code, run = run_once(item.argv, env, limit_minutes * 60)
            if run is None:
                item.over_minutes = limit_minutes
                print(f" stopped after {limit_minutes:g} minutes", file=sys.stderr)
                continue
            print(f" {run.seconds:.2f} s", file=sys.stderr)
            try:
                if code != 0:
                    raise CannotMeasure(
                        f"{item.display} exited {code} after {run.seconds:.1f} s:\n"
                        f"{tail(WORK / 'stderr')}\n{tail(WORK / 'stdout', 1000)}"
                    )
                after[item.name]()
            except CannotMeasure as error:
                item.failed = True
                size.errors.append(f"{size.pledges} pledges, {pair}, {item.name}: {error}")
                continue
            item.runs.append(run)


def measure(
    size: Size,
    runs: int,
    env: dict[str, str],
    limit_minutes: float,
    export_cmd: str,
    import_cmd: str,
    template: Path,
) -> None:
    base = WORK / str(size.pledges)
    base.mkdir(parents=True, exist_ok=True)
    exported, peer_dir = base / "export", base / "peer-export"
    fresh, peer_db = base / "fresh.db", base / "peer.db"

    # Export: both read the register; each writes its own folder.
    size.register_counts = table_rows(size.register)
    peer_rows = [
        [str(SQLITE_UTILS), "rows", str(size.register), t, "--csv", ">", str(peer_dir / f"{t}.csv")]
        for t in TABLES
    ]
    size.pairs["export"] = (
        Measured(
            "pledges",
            filled(export_cmd, size.register, exported),
            shown(filled(export_cmd, Path("REGISTER"), Path("DIR"))),
        ),
        Measured(
            "sqlite-utils",
            in_sh(peer_rows),
            "sqlite-utils rows REGISTER TABLE --csv > TABLE.csv, for the 4 tables in one sh",
        ),
    )
    ours, peer = size.pairs["export"]
    peer_counts: dict[str, int] = {}

    def export_ready() -> None:
        remove(exported)

    def peer_export_ready() -> None:
        remove(peer_dir)
        peer_dir.mkdir(parents=True)

    def export_done() -> None:
        counts = folder_rows(exported)
        same(f"the export of {size.register.name}", counts, size.register_counts, "the register")
        size.export_counts = counts

    def peer_export_done() -> None:
        peer_counts.update(folder_rows(peer_dir))
        same("sqlite-utils rows' CSV files", peer_counts, size.register_counts, "the register")

    warm(size.register)
    interleaved(
        size,
        "export",
        runs,
        env,
        limit_minutes,
        {ours.name: export_ready, peer.name: peer_export_ready},
        {ours.name: export_done, peer.name: peer_export_done},
    )
    if ours.measured and peer.measured:
        try:
            same("the export", size.export_counts, peer_counts, "sqlite-utils rows' files")
        except CannotMeasure as error:
            ours.failed = True
            size.errors.append(f"{size.pledges} pledges, export: {error}")
    if not ours.measured:
        return  # no export, or one stopped half-way: nothing to import
    size.manifest["csv_bytes"] = {t: (exported / f"{t}.csv").stat().st_size for t in TABLES}

    # Import: both read the files of the last export, into a register of their own.
    inserts = [
        [str(SQLITE_UTILS), "insert", str(peer_db), t, str(exported / f"{t}.csv"), "--csv"]
        for t in TABLES
    ]
    size.pairs["import"] = (
        Measured(
            "pledges",
            filled(import_cmd, fresh, exported),
            shown(filled(import_cmd, Path("FRESH"), Path("EXPORT_DIR"))),
        ),
        Measured(
            "sqlite-utils",
            in_sh(inserts),
            "sqlite-utils insert PEER.db TABLE TABLE.csv --csv, for the 4 files in one sh",
        ),
    )
    ours, peer = size.pairs["import"]

    def import_ready() -> None:
        remove(fresh)
        shutil.copyfile(template, fresh)

    def peer_import_ready() -> None:
        remove(peer_db)

    def import_done() -> None:
        same("the register after the import", table_rows(fresh), size.export_counts, "the CSVs")

    def peer_import_done() -> None:
        same("sqlite-utils' database", table_rows(peer_db), size.export_counts, "the CSVs")

    for table in TABLES:
        warm(exported / f"{table}.csv")
    interleaved(
        size,
        "import",
        runs,
        env,
        limit_minutes,
        {ours.name: import_ready, peer.name: peer_import_ready},
        {ours.name: import_done, peer.name: peer_import_done},
    )


# --- reporting ----------------------------------------------------------------------------------


def verdict(ours: Measured, peer: Measured) -> str:
    found = ratio(ours, peer)
    if found is None:
        return "—"
    return f"{found:.2f}x ({'met' if found <= TIME_LIMIT else 'missed'})"


def markdown(sizes: list[Size], runs: int, info: dict[str, object], importing: str) -> str:
    lines = [
        "| pledges | quotes | sources | export | sqlite-utils rows | ratio (≤ 1x) "
        "| import | sqlite-utils insert | ratio (≤ 1x) |",
        "| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |",
    ]
    for size in sizes:
        cells = [
            f"{size.pledges:,}",
            f"{size.manifest['evidence']:,}",
            f"{size.manifest['sources']:,}",
        ]
        for name in ("export", "import"):
            if name in size.pairs:
                ours, peer = size.pairs[name]
                cells += [ours.shown(), peer.shown(), verdict(ours, peer)]
            else:
                cells += ["not measured", "not measured", "—"]
        lines.append("| " + " | ".join(cells) + " |")
    text_mb = ", ".join(
        f"{size.manifest['source_text_bytes'] / 1e6:.0f} MB of text at {size.pledges:,} pledges"
        for size in sizes
    )
    lines += [
        "",
        f"Medians of {runs} runs each, ours and the peer interleaved; {info['cpu_count']} CPUs, "
        f"Python {info['python']} ({info['machine']}), SQLite {info['sqlite']}. The registers "
        "are the audit benchmark's (bench/generate_register.py): two quotes per pledge, one "
        f"article of about 4 KB per five pledges ({text_mb}, in sources.csv's text column), "
        f"{sizes[-1].manifest['actors']:,} actors. Export: `pledges export --format csv` "
        "against `sqlite-utils rows TABLE --csv` for the four tables. Import: "
        f"`{importing}` of those four files into an empty register, every row validated and "
        "every record a revision, against `sqlite-utils insert TABLE FILE --csv` into a new "
        "database. A peer's time is one shell running its four commands, start-ups included.",
    ]
    return "\n".join(lines)


def default_import(env: dict[str, str]) -> str:
    """`pledges import`, with --allow-unlocated when its help lists the option."""
    done = subprocess.run(
        [str(PLEDGES), "import", "--help"], env=env, capture_output=True, text=True, check=False
    )
    return DEFAULT_IMPORT + (f" {UNLOCATED}" if UNLOCATED in done.stdout else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    register_options(parser, [10_000, 100_000])
    parser.add_argument(
        "--rebuild", action="store_true", help="build the registers anew even if they are there"
    )
    parser.add_argument(
        "--limit-minutes",
        type=float,
        default=15.0,
        help="stop a run that takes longer, and measure that command no more at that size",
    )
    parser.add_argument(
        "--export-cmd", default=DEFAULT_EXPORT, help="the export, with {db} and {dir}"
    )
    parser.add_argument(
        "--import-cmd",
        help=f"the import, with {{db}} and {{dir}} (default: pledges import, with {UNLOCATED} "
        "when it has it)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "transfer.json", help="the JSON")
    args = parser.parse_args(argv)
    wanted = sizes_wanted(parser, args)
    if args.limit_minutes <= 0:
        parser.error("--limit-minutes must be more than 0")
    for option, template in (("--export-cmd", args.export_cmd), ("--import-cmd", args.import_cmd)):
        if template is not None and ("{db}" not in template or "{dir}" not in template):
            parser.error(f"{option} must hold {{db}} and {{dir}}")
    for exe in (PYTHON, PLEDGES, SQLITE_UTILS):
        if not exe.exists():
            hint = "run this with the project's venv python, dev dependencies installed"
            print(f"Error: {exe} is missing: {hint}", file=sys.stderr)
            return 1

    env = env_for_commands()
    if args.import_cmd is None:
        args.import_cmd = default_import(env)
    RESULTS.mkdir(parents=True, exist_ok=True)
    remove(WORK)
    WORK.mkdir(parents=True)
    sizes: list[Size] = []
    errors: list[str] = []
    try:
        template = empty_register(env)
        for pledges in wanted:
            actors = actors_for(pledges, args.actors)
            path, manifest, generated = build_register(
                pledges, args.seed, actors, not args.rebuild, env
            )
            size = Size(pledges, path, manifest, generated)
            sizes.append(size)
            measure(
                size, args.runs, env, args.limit_minutes, args.export_cmd, args.import_cmd, template
            )
    except CannotMeasure as failure:
        errors.append(str(failure))
    errors = [*(e for size in sizes for e in size.errors), *errors]

    info = machine()
    result = {
        "benchmark": "transfer",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": args.runs,
        "seed": args.seed,
        "limit_minutes": args.limit_minutes,
        "export_command": shown(filled(args.export_cmd, Path("REGISTER"), Path("DIR"))),
        "import_command": shown(filled(args.import_cmd, Path("FRESH"), Path("EXPORT_DIR"))),
        "machine": info,
        "sizes": [size.summary() for size in sizes],
        "errors": errors,
    }
    write_result(args.out, result)
    if sizes:
        print(markdown(sizes, args.runs, info, str(result["import_command"])))
    if errors:
        for error in errors:
            print(f"\nError: {error}", file=sys.stderr)
        print(f"(what it ran is kept in {WORK})", file=sys.stderr)
        return 1
    remove(WORK)
    print(f"\n(JSON written to {args.out})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"({time.perf_counter() - started:.0f} s in all)", file=sys.stderr)
    sys.exit(code)

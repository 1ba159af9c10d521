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
launcher of bench/harness.py, which reports its wall time (fork to exit) and CPU time (user +
system, the children it waited for included). Medians over the runs are reported; the ratio is
ours over the peer's (target: at most 1x, for both).

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

Then, beside those (--only chooses among export, import, xlsx and changed; all by default):

    xlsx export   pledges export --format xlsx --out FILE.xlsx --db REGISTER
    xlsx import   pledges import FILE.xlsx --reason bench --db FRESH [--allow-unlocated]
    changed       pledges import CHANGED_DIR --reason bench --db COPY [--allow-unlocated]

each timed alone and reported beside our CSV export and import of the same run. CHANGED_DIR is
the last export with the notes of 5 pledges changed, as a curator brings an edited export back;
COPY is a copy of the register itself, made before each run. Its peak memory is sampled (the
largest process, or the processes' proportional share when two run at once). Targets: at most
half the time of the full import into an empty register, and at most 500 MB. After a changed
import, the register must hold the 5 new notes and as many rows as before.

--export-cmd and --import-cmd replace our two commands (for timing another build): a command line
with {db} where the register goes and {dir} where the folder goes, e.g.
`--import-cmd ".venv/bin/python my_import.py {dir} --db {db}"`.
"""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import subprocess
from argparse import Namespace
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import harness
from harness import (
    BIN,
    PLEDGES,
    RESULTS,
    CannotMeasure,
    Measured,
    Register,
    in_sh,
    ratio,
    remove,
    shown,
    verdict,
)

SQLITE_UTILS = BIN / ("sqlite-utils.exe" if os.name == "nt" else "sqlite-utils")
TABLES = ("pledges", "evidence", "sources", "actors")  # in the order `pledges export` writes them
DEFAULT_EXPORT = f"{PLEDGES} export --format csv --out {{dir}} --db {{db}}"
DEFAULT_IMPORT = f"{PLEDGES} import {{dir}} --reason bench --db {{db}}"
UNLOCATED = "--allow-unlocated"  # given to the import when it has the option: see the docstring
TIME_LIMIT = 1.0  # ours, at most this many times the peer's
CHANGED_LIMIT = 0.5  # the changed import, at most this many times the full import
MEMORY_LIMIT_MB = 500.0  # the changed import's peak memory
CHANGED = 5  # pledges changed in the export brought back
NOTE = "changed by the benchmark"
PAIRS = ("export", "import", "xlsx", "changed")
DEFAULT_XLSX = f"{PLEDGES} export --format xlsx --out {{dir}} --db {{db}}"
WORK = RESULTS / "transfer-run"
Env = dict[str, str]


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


# --- the benchmark ---------------------------------------------------------------------------


@dataclass
class Size:
    register: Register
    register_counts: dict[str, int] = field(default_factory=dict)
    export_counts: dict[str, int] = field(default_factory=dict)
    pairs: dict[str, tuple[Measured, Measured]] = field(default_factory=dict)
    alone: dict[str, Measured] = field(default_factory=dict)  # timed alone: xlsx, changed

    @property
    def pledges(self) -> int:
        return self.register.pledges

    @property
    def errors(self) -> list[str]:
        """Why a command could not be measured."""
        items = [*(item for pair in self.pairs.values() for item in pair), *self.alone.values()]
        return [item.error for item in items if item.error]

    def summary(self) -> dict[str, object]:
        result: dict[str, object] = {
            "pledges": self.pledges,
            "register": self.register.summary(rows=self.register_counts),
            "csv_rows": self.export_counts,
            "csv_bytes": self.register.manifest.get("csv_bytes"),
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
        for name, item in self.alone.items():
            result[name] = {"ours": item.summary(), "beside": self.beside(name)}
        return result

    def beside(self, name: str) -> dict[str, object] | None:
        """A command timed alone, over the CSV command of the same run it is reported beside."""
        reference = self.pairs.get(BESIDE[name])
        if reference is None or not reference[0].measured or not self.alone[name].measured:
            return None
        ours, csv_command = self.alone[name], reference[0]
        out: dict[str, object] = {"command": BESIDE[name], "ratio": round(
            ours.seconds / csv_command.seconds, 3)}  # fmt: skip
        if name == "changed":
            out.update(time_limit=CHANGED_LIMIT, memory_limit_mb=MEMORY_LIMIT_MB,
                       peak_mb=round(ours.peak_mb, 1),
                       time_met=ours.seconds / csv_command.seconds <= CHANGED_LIMIT,
                       memory_met=ours.peak_mb <= MEMORY_LIMIT_MB)  # fmt: skip
        return out


BESIDE = {"xlsx export": "export", "xlsx import": "import", "changed": "import"}


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


Side = tuple[Measured, Callable[[], None], Callable[[], None]]  # command, ready, check


def pledges(template: str, db: Path, folder: Path, *shown_as: str) -> Measured:
    """Our command, shown with the names `shown_as` for its register and its folder."""
    display = shown(harness.filled(template, *(Path(name) for name in shown_as)))
    return Measured("pledges", harness.filled(template, db, folder), display)


def run_pair(size: Size, pair: str, ours: Side, peer: Side, args: Namespace, env: Env) -> None:
    """Run our command and the peer's, each readied (untimed) before a run and checked after it.
    A command that fails is run no more, and why is kept; the other goes on."""
    size.pairs[pair] = (ours[0], peer[0])
    ready = {side[0].name: side[1] for side in (ours, peer)}
    check = {side[0].name: side[2] for side in (ours, peer)}
    harness.interleaved(
        size.pairs[pair], args.runs, WORK, env, what=f"{size.pledges} pledges, {pair}",
        limit_minutes=args.limit_minutes, sample=False, keep_going=True,
        ready=lambda item, _: ready[item.name](), check=lambda item: check[item.name](),
    )  # fmt: skip


def run_alone(
    size: Size, name: str, ours: Measured, ready: Callable[[], None], check: Callable[[], None],
    args: Namespace, env: Env, *, sample: bool = False,
) -> None:  # fmt: skip
    """Run one of our commands alone, readied (untimed) before each run and checked after it."""
    size.alone[name] = ours
    harness.interleaved(
        [ours], args.runs, WORK, env, what=f"{size.pledges} pledges, {name}",
        limit_minutes=args.limit_minutes, sample=sample, keep_going=True,
        ready=lambda item, _: ready(), check=lambda item: check(),
    )  # fmt: skip


def changed_export(exported: Path, folder: Path) -> None:
    """The export with the notes of its first CHANGED pledges changed."""
    remove(folder)
    shutil.copytree(exported, folder)
    path = folder / "pledges.csv"
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    notes = rows[0].index("notes")
    for row in rows[1 : CHANGED + 1]:
        row[notes] = NOTE
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows)


def notes_changed(db: Path) -> int:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        query = "SELECT COUNT(*) FROM pledges WHERE notes = ?"
        found: int = connection.execute(query, (NOTE,)).fetchone()[0]
        return found
    finally:
        connection.close()


def measure_more(
    size: Size, args: Namespace, env: Env, template: Path, exported: Path, base: Path
) -> None:
    """The workbook's export and import, and the import of an export with 5 pledges changed."""
    fresh = base / "fresh.db"

    def import_ready() -> None:
        remove(fresh)
        shutil.copyfile(template, fresh)

    def import_done() -> None:
        same("the register after the import", table_rows(fresh), size.register_counts,
             "the register exported")  # fmt: skip

    db = size.register.path
    if "xlsx" in args.only:
        book = base / "xlsx" / "register.xlsx"

        def xlsx_ready() -> None:
            remove(book.parent)
            book.parent.mkdir(parents=True)

        def xlsx_done() -> None:
            texts = book.parent / "register.texts"
            if (
                not book.is_file()
                or sum(1 for _ in texts.iterdir()) != size.register_counts["sources"]
            ):
                raise CannotMeasure(f"{book} or its {texts.name}/ is not whole")

        ours = pledges(args.xlsx_cmd, db, book, "REGISTER", "FILE.xlsx")
        run_alone(size, "xlsx export", ours, xlsx_ready, xlsx_done, args, env)
        if ours.measured:
            ours = pledges(args.import_cmd, fresh, book, "FRESH", "FILE.xlsx")
            run_alone(size, "xlsx import", ours, import_ready, import_done, args, env)
    if "changed" in args.only and exported.is_dir():
        folder, copy = base / "changed", base / "changed.db"
        changed_export(exported, folder)

        def copy_ready() -> None:
            remove(copy)
            shutil.copyfile(db, copy)

        def changed_done() -> None:
            same("the register after the import", table_rows(copy), size.register_counts,
                 "before it")  # fmt: skip
            if notes_changed(copy) != CHANGED:
                raise CannotMeasure(f"the import did not change the notes of {CHANGED} pledges")

        ours = pledges(args.import_cmd, copy, folder, "COPY", "CHANGED_DIR")
        run_alone(size, "changed", ours, copy_ready, changed_done, args, env, sample=True)


def measure(size: Size, args: Namespace, env: Env, template: Path) -> None:
    base = WORK / str(size.pledges)
    base.mkdir(parents=True, exist_ok=True)
    exported, peer_dir = base / "export", base / "peer-export"
    fresh, peer_db = base / "fresh.db", base / "peer.db"

    # Export: both read the register; each writes its own folder.
    db = size.register.path
    size.register_counts = table_rows(db)
    harness.warm(db)
    peer_counts: dict[str, int] = {}

    def peer_export_ready() -> None:
        remove(peer_dir)
        peer_dir.mkdir(parents=True)

    def export_done() -> None:
        counts = folder_rows(exported)
        same(f"the export of {db.name}", counts, size.register_counts, "the register")
        size.export_counts = counts

    def peer_export_done() -> None:
        peer_counts.update(folder_rows(peer_dir))
        same("sqlite-utils rows' CSV files", peer_counts, size.register_counts, "the register")

    if "export" not in args.only:  # one export, untimed, for the commands that read it
        done = subprocess.run(harness.filled(args.export_cmd, db, exported), env=env,
                              capture_output=True, text=True, check=False)  # fmt: skip
        if done.returncode != 0:
            raise CannotMeasure(f"the export exited {done.returncode}: {done.stderr.strip()}")
        export_done()
        measure_more(size, args, env, template, exported, base)
        return
    ours = pledges(args.export_cmd, db, exported, "REGISTER", "DIR")
    rows = [[str(SQLITE_UTILS), "rows", str(db), t, "--csv", ">", str(peer_dir / f"{t}.csv")]
            for t in TABLES]  # fmt: skip
    peer = Measured("sqlite-utils", in_sh(rows), "sqlite-utils rows REGISTER TABLE --csv > "
                    "TABLE.csv, for the 4 tables in one sh")  # fmt: skip
    run_pair(size, "export", (ours, lambda: remove(exported), export_done),
             (peer, peer_export_ready, peer_export_done), args, env)  # fmt: skip
    if ours.measured and peer.measured:
        try:
            same("the export", size.export_counts, peer_counts, "sqlite-utils rows' files")
        except CannotMeasure as error:
            ours.error = f"{size.pledges} pledges, export: {error}"
    if not ours.measured:
        return  # no export, or one stopped half-way: nothing to import
    csv_bytes = {t: (exported / f"{t}.csv").stat().st_size for t in TABLES}
    size.register.manifest["csv_bytes"] = csv_bytes

    # Import: both read the files of the last export, into a register of their own.
    def import_ready() -> None:
        remove(fresh)
        shutil.copyfile(template, fresh)

    def import_done() -> None:
        same("the register after the import", table_rows(fresh), size.export_counts, "the CSVs")

    def peer_import_done() -> None:
        same("sqlite-utils' database", table_rows(peer_db), size.export_counts, "the CSVs")

    for table in TABLES:
        harness.warm(exported / f"{table}.csv")
    ours = pledges(args.import_cmd, fresh, exported, "FRESH", "EXPORT_DIR")
    inserts = [[str(SQLITE_UTILS), "insert", str(peer_db), t, str(exported / f"{t}.csv"), "--csv"]
               for t in TABLES]  # fmt: skip
    peer = Measured("sqlite-utils", in_sh(inserts), "sqlite-utils insert PEER.db TABLE TABLE.csv "
                    "--csv, for the 4 files in one sh")  # fmt: skip
    if "import" in args.only:
        run_pair(size, "import", (ours, import_ready, import_done),
                 (peer, lambda: remove(peer_db), peer_import_done), args, env)  # fmt: skip
    measure_more(size, args, env, template, exported, base)


# --- reporting ----------------------------------------------------------------------------------


def markdown(sizes: list[Size], runs: int, info: dict[str, object], importing: str) -> str:
    lines = [
        "| pledges | quotes | sources | export | sqlite-utils rows | ratio (≤ 1x) "
        "| import | sqlite-utils insert | ratio (≤ 1x) |",
        "| ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |",
    ]
    for size in sizes:
        manifest = size.register.manifest
        cells = [f"{size.pledges:,}", f"{manifest['evidence']:,}", f"{manifest['sources']:,}"]
        for name in ("export", "import"):
            if name in size.pairs:
                ours, peer = size.pairs[name]
                cells += [ours.cell(), peer.cell(), verdict(ratio(ours, peer), TIME_LIMIT)]
            else:
                cells += ["not measured", "not measured", "—"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", *more_markdown(sizes)]
    text_mb = ", ".join(
        f"{size.register.manifest['source_text_bytes'] / 1e6:.0f} MB of text at "
        f"{size.pledges:,} pledges"
        for size in sizes
    )
    lines += [
        "",
        f"Medians of {runs} runs each, ours and the peer interleaved; {info['cpu_count']} CPUs, "
        f"Python {info['python']} ({info['machine']}), SQLite {info['sqlite']}. The registers "
        "are the audit benchmark's (bench/generate_register.py): two quotes per pledge, one "
        f"article of about 4 KB per five pledges ({text_mb}, in sources.csv's text column), "
        f"{sizes[-1].register.manifest['actors']:,} actors. Export: `pledges export --format "
        "csv` against `sqlite-utils rows TABLE --csv` for the four tables. Import: "
        f"`{importing}` of those four files into an empty register, every row validated and "
        "every record a revision, against `sqlite-utils insert TABLE FILE --csv` into a new "
        "database. A peer's time is one shell running its four commands, start-ups included.",
    ]
    return "\n".join(lines)


def more_markdown(sizes: list[Size]) -> list[str]:
    """The workbook beside the CSV files, and the changed import beside the full one."""
    lines = [
        "| pledges | CSV export | xlsx export | ratio | CSV import | xlsx import | ratio |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        cells = [f"{size.pledges:,}"]
        for name in ("xlsx export", "xlsx import"):
            reference = size.pairs.get(BESIDE[name])
            beside = size.beside(name) if name in size.alone else None
            cells += [reference[0].cell() if reference else "not measured",
                      size.alone[name].cell() if name in size.alone else "not measured",
                      "—" if beside is None else f"{beside['ratio']:.2f}x"]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"| pledges | full import | import of the export with {CHANGED} pledges changed "
        f"| ratio (≤ {CHANGED_LIMIT}x) | peak memory (≤ {MEMORY_LIMIT_MB:g} MB) |",
        "| ---: | ---: | ---: | --- | ---: |",
    ]
    for size in sizes:
        reference = size.pairs.get("import")
        item = size.alone.get("changed")
        beside = size.beside("changed") if item is not None else None
        ratio_cell = "—" if beside is None else verdict(float(str(beside["ratio"])), CHANGED_LIMIT)
        memory = "—"
        if item is not None and item.measured:
            met = "met" if item.peak_mb <= MEMORY_LIMIT_MB else "missed"
            memory = f"{item.peak_mb:,.0f} MB ({met})"
        lines.append(
            f"| {size.pledges:,} | {reference[0].cell() if reference else 'not measured'} | "
            f"{item.cell() if item else 'not measured'} | {ratio_cell} | {memory} |"
        )
    return lines


def default_import(env: dict[str, str]) -> str:
    """`pledges import`, with --allow-unlocated when its help lists the option."""
    done = subprocess.run(
        [str(PLEDGES), "import", "--help"], env=env, capture_output=True, text=True, check=False
    )
    return DEFAULT_IMPORT + (f" {UNLOCATED}" if UNLOCATED in done.stdout else "")


def main(argv: list[str] | None = None) -> int:
    parser = harness.options(__doc__, [10_000, 100_000], runs=3)
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
    parser.add_argument(
        "--xlsx-cmd", default=DEFAULT_XLSX, help="the workbook's export, with {db} and {dir}"
    )
    parser.add_argument(
        "--only", nargs="+", choices=PAIRS, default=list(PAIRS),
        help="which commands to time (default: all); the export runs once untimed if not named",
    )  # fmt: skip
    args = parser.parse_args(argv)
    wanted = harness.sizes_wanted(parser, args)
    if args.limit_minutes <= 0:
        parser.error("--limit-minutes must be more than 0")
    for option, template in (("--export-cmd", args.export_cmd), ("--import-cmd", args.import_cmd)):
        if template is not None and ("{db}" not in template or "{dir}" not in template):
            parser.error(f"{option} must hold {{db}} and {{dir}}")

    env = harness.environment(SQLITE_UTILS)
    if args.import_cmd is None:
        args.import_cmd = default_import(env)
    remove(WORK)
    WORK.mkdir(parents=True)
    sizes: list[Size] = []
    failed: list[str] = []
    try:
        template = empty_register(env)
        for pledges in wanted:
            sizes.append(Size(harness.register(pledges, args, not args.rebuild, env)))
            measure(sizes[-1], args, env, template)
    except CannotMeasure as failure:
        failed.append(str(failure))
    errors = [*(e for size in sizes for e in size.errors), *failed]

    info = harness.machine()
    importing = shown(harness.filled(args.import_cmd, Path("FRESH"), Path("EXPORT_DIR")))
    harness.write_result(
        args.out, "transfer", runs=args.runs, seed=args.seed, limit_minutes=args.limit_minutes,
        export_command=shown(harness.filled(args.export_cmd, Path("REGISTER"),
                                                     Path("DIR"))),
        import_command=importing, machine=info, sizes=[size.summary() for size in sizes],
        errors=errors,
    )  # fmt: skip
    if sizes:
        print(markdown(sizes, args.runs, info, importing))
    return harness.finish(errors, WORK)


if __name__ == "__main__":
    harness.main(main)

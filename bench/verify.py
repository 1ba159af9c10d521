"""Time and peak memory of `pledges log verify`, beside another build's, at two register sizes.

    .venv/bin/python bench/verify.py --verify-cmd "CMD ... {db} ..." [--runs 3] [--warmup 0]
                                     [--sizes 10000 100000] [--ours-cmd "CMD ... {db} ..."]

For each size it takes the audit benchmark's register in bench/results/ (audit-register-N.db: N
pledges, 2N quotes, N/5 sources with about 4 KB of English text each, about 3.4 revisions per
pledge), kept when its manifest says it was built by the same generator with the same size, seed
and actors in the last 30 days; otherwise it is built anew with bench/generate_register.py. Then,
untimed, each build gets a copy of its own:

    ours     a copy brought to this checkout's schema (`pledges db upgrade`: nothing to do when
             it is at it already), verified with `pledges log verify --db COPY`
    before   a copy as built, verified with --verify-cmd: another build's command line, with
             {db} where the register's path goes, e.g.
             --verify-cmd "../before/.venv/bin/pledges log verify --db {db}"

The two run interleaved (their order alternates every round), after --warmup rounds that are not
kept, and repeated --runs times; each copy is read once before the runs so that both start from a
warm page cache. Every run is a fresh process, started by the small launcher of bench/harness.py,
which reports its wall time (fork to exit), CPU time (user + system) and peak memory (the
kernel's peak resident set, ru_maxrss). Medians over the runs are reported.

Checks, on every run: the command exits 0 and prints no problem, its last line says the log is
intact, both builds count the same revisions, records and source texts, and the copy was not
written to (`log verify` only reads: its size and modification time are the same after the run).

It prints a Markdown table for the README (ours, before and their ratio, in time and in peak
memory) and writes bench/results/verify.json. It exits 0 whatever the ratios are: a benchmark
reports, it does not assert. It exits 1 only when it cannot measure: a register cannot be built
or prepared, a command fails, or a check above does not hold.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import harness
from harness import PLEDGES, RESULTS, CannotMeasure, Measured, Register

DEFAULT_OURS = f"{PLEDGES} log verify --db {{db}}"
WORK = RESULTS / "verify-run"
INTACT = re.compile(
    r"The log is intact: (\d+) revisions, (\d+) records and (\d+) source texts checked"
)


@dataclass
class Copy:
    """A build's own copy of the register, and what it was like before the runs."""

    path: Path
    stamp: tuple[int, int] = (0, 0)  # size and modification time (ns) once readied

    def taken(self) -> None:
        stat = self.path.stat()
        self.stamp = (stat.st_size, stat.st_mtime_ns)

    def untouched(self) -> bool:
        stat = self.path.stat()
        return (stat.st_size, stat.st_mtime_ns) == self.stamp


@dataclass
class Size:
    register: Register
    ours: Measured
    before: Measured
    copies: dict[str, Copy]
    counts: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # by build

    @property
    def pledges(self) -> int:
        return self.register.pledges

    def check(self, item: Measured) -> None:
        """The run found the log intact, counted what the other build counts, and wrote nothing."""
        out = (WORK / "stdout").read_text(encoding="utf-8", errors="replace").strip()
        err = (WORK / "stderr").read_text(encoding="utf-8", errors="replace").strip()
        if out:
            problems = harness.tail(WORK / "stdout")
            raise CannotMeasure(f"{item.display} reported problems: {problems}")
        found = INTACT.search(err.splitlines()[-1] if err else "")
        if found is None:
            raise CannotMeasure(f"{item.display} did not say the log is intact: {err[-1000:]!r}")
        self.counts[item.name] = (int(found[1]), int(found[2]), int(found[3]))
        if len(set(self.counts.values())) > 1:
            raise CannotMeasure(f"the builds counted differently: {self.counts}")
        if not self.copies[item.name].untouched():
            raise CannotMeasure(f"{item.display} wrote to its copy of the register")

    def summary(self) -> dict[str, object]:
        revisions, records, sources = self.counts.get("ours", (0, 0, 0))
        return {
            "pledges": self.pledges,
            "register": self.register.summary(),
            "checked": {"revisions": revisions, "records": records, "source_texts": sources},
            "ours": self.ours.summary(),
            "before": self.before.summary(),
            "time_ratio": _rounded(harness.ratio(self.ours, self.before)),
            "memory_ratio": round(self.ours.peak_mb / self.before.peak_mb, 3),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def ready_copies(register: Register, env: dict[str, str]) -> dict[str, Copy]:
    """Each build's copy of the register: ours brought to this checkout's schema."""
    copies = {}
    for name in ("ours", "before"):
        path = WORK / f"{name}-{register.pledges}.db"
        harness.remove(path)
        shutil.copyfile(register.path, path)
        copies[name] = Copy(path)
    upgrade = [str(PLEDGES), "db", "upgrade", "--db", str(copies["ours"].path)]
    done = subprocess.run(upgrade, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CannotMeasure(f"{harness.shown(upgrade)} exited {done.returncode}: {done.stderr}")
    for copy in copies.values():
        copy.taken()
    return copies


def markdown(sizes: list[Size], runs: int, info: dict[str, object]) -> str:
    lines = [
        "| pledges | revisions | ours | before | ratio | ours peak | before peak | ratio "
        "| ours CPU | before CPU |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        ours, before = size.ours, size.before
        time_ratio = harness.ratio(ours, before)
        shown_ratio = "—" if time_ratio is None else f"{time_ratio:.2f}x"
        lines.append(
            f"| {size.pledges:,} | {size.counts.get('ours', (0,))[0]:,} | {ours.cell()} "
            f"| {before.cell()} | {shown_ratio} | {ours.peak_mb:.0f} MB | {before.peak_mb:.0f} MB "
            f"| {ours.peak_mb / before.peak_mb:.2f}x | {ours.cpu_seconds:.2f} s "
            f"| {before.cpu_seconds:.2f} s |"
        )
    lines += [
        "",
        f"Medians of {runs} runs each, ours and before interleaved; {info['cpu_count']} CPUs, "
        f"Python {info['python']} ({info['machine']}), SQLite {info['sqlite']}, "
        f"SQLAlchemy {info['sqlalchemy']}. Each register is bench/generate_register.py's (two "
        "quotes per pledge, one article of about 4 KB per five pledges). Peak memory is the "
        "kernel's peak resident set of the process (ru_maxrss); CPU is user plus system time.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = harness.options(__doc__, [10_000, 100_000], runs=3, warmup=0)
    parser.add_argument(
        "--verify-cmd",
        required=True,
        help="the other build's command line, with {db} for the register",
    )
    parser.add_argument(
        "--ours-cmd",
        default=DEFAULT_OURS,
        help="our command line, with {db} for the register (default: pledges log verify)",
    )
    args = parser.parse_args(argv)
    wanted = harness.sizes_wanted(parser, args)
    for option, given in (("--verify-cmd", args.verify_cmd), ("--ours-cmd", args.ours_cmd)):
        if "{db}" not in given:
            parser.error(f"{option} must hold {{db}} where the register's path goes")

    env = harness.environment()
    WORK.mkdir(parents=True, exist_ok=True)
    sizes = []
    for pledges in wanted:
        register = harness.register(pledges, args, True, env)
        copies = ready_copies(register, env)
        ours = Measured("ours", harness.filled(args.ours_cmd, copies["ours"].path))
        before = Measured("before", harness.filled(args.verify_cmd, copies["before"].path))
        sizes.append(Size(register, ours, before, copies))
    for size in sizes:
        for copy in size.copies.values():
            harness.warm(copy.path)
        harness.interleaved([size.ours, size.before], args.runs, WORK, env,
                            what=f"{size.pledges} pledges", warmup=args.warmup,
                            check=size.check)  # fmt: skip
    shutil.rmtree(WORK)

    info = harness.machine()
    harness.write_result(
        args.out, "verify", runs=args.runs, warmup_rounds=args.warmup, seed=args.seed,
        ours_command=harness.shown(shlex.split(args.ours_cmd)),
        before_command=harness.shown(shlex.split(args.verify_cmd)), machine=info,
        sizes=[size.summary() for size in sizes],
    )  # fmt: skip
    print(markdown(sizes, args.runs, info))
    return 0


if __name__ == "__main__":
    harness.main(main)

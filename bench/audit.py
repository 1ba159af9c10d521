"""Time and memory of the full audit, each beside its floor, at two register sizes.

    .venv/bin/python bench/audit.py [--runs 3] [--sizes 10000 100000] [--reuse] [--actors N]
                                    [--audit-cmd "CMD ... {db} ..."] [--bare]

For each size it builds a register with bench/generate_register.py in bench/results/ (or, with
--reuse, keeps the one built before with the same size, seed, actors and generator version, if
it was created in the last 30 days: its quotes were verified that day), then runs two commands
on it, interleaved (their order rotates every round) and repeated:

    floor  python bench/audit_floor.py REGISTER   (normalise every article once, look each quote
                                                   up with `in`: nothing else)
    audit  pledges audit --fresh --db REGISTER --format json --fail-on never
           (--fresh: every quote examined, whatever an earlier run stored)

and, with --bare, a third:

    bare   python bench/audit_bare.py REGISTER    (a strict subset of the audit's work on every
                                                   quote, by the cheapest means, on every core:
                                                   the least any audit in Python can take)

Each run is a fresh process. The audit must exit 0 and print JSON with a `summary` object and a
`findings` list; its summary and the number of findings by code are recorded. The register file
is read once before the runs so that both commands start from a warm page cache.

Each command is started by the launcher of bench/harness.py, which reports its wall time (fork to
exit), CPU time and ru_maxrss: the kernel's peak resident set of the process, or of the largest
of the children it waited for. The processes below the launcher are also sampled every 50 ms
(/proc: summed RSS, and summed PSS, which divides shared pages between the processes sharing
them, while more than one is alive). The peak memory of a run is the larger of ru_maxrss and the
sampled peak of summed PSS. Medians over the runs are reported.

It reports, for each size, the audit's ratios to the floor (targets: at most 2x in time and
in memory) and, from the smallest size to the largest, how the audit's time and memory grow
beside the pledge count and beside the floor's growth (target: linear, so 10x for 10,000
against 100,000 pledges; within 1.2x of that is called linear). It prints a Markdown table for
the README and writes bench/results/audit.json. It exits 1 only when it cannot measure (a
register cannot be built, a command fails or the audit's output is not the expected JSON: its
stderr is printed).

--audit-cmd replaces the audit command (for trying the harness, or timing another build): a
command line with {db} where the register's path goes, e.g.
`--audit-cmd ".venv/bin/python my_audit.py --db {db}"`.
"""

from __future__ import annotations

import json
import shlex
import shutil
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import harness
from harness import BENCH, PLEDGES, PYTHON, RESULTS, CannotMeasure, Measured, Register, verdict

DEFAULT_AUDIT = f"{PLEDGES} audit --fresh --db {{db}} --format json --fail-on never"
TIME_LIMIT = 2.0  # the audit's time, at most this many times the floor's
MEMORY_LIMIT = 2.0  # its peak memory, likewise
LINEAR_SLACK = 1.2  # growth within 1.2x the growth of the pledge count counts as linear
WORK = RESULTS / "audit-run"


def read_floor(stdout: Path) -> dict[str, int]:
    """What the floor (or the bare audit) printed: "found N not found M"."""
    words = stdout.read_text(encoding="utf-8").split()
    try:
        return {"found": int(words[1]), "not_found": int(words[4])}
    except (IndexError, ValueError):
        raise CannotMeasure(f"it printed {' '.join(words)[:200]!r}") from None


def read_audit(stdout: Path) -> dict[str, Any]:
    """The audit's summary and its findings counted by code; fails unless it is the JSON agreed."""
    try:
        report = json.loads(stdout.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        began = harness.tail(stdout, 300)
        raise CannotMeasure(f"it did not print JSON ({error}); it began: {began!r}") from None
    if not isinstance(report, dict) or not isinstance(report.get("summary"), dict):
        raise CannotMeasure("it printed JSON without a `summary` object")
    findings = report.get("findings")
    if not isinstance(findings, list):
        raise CannotMeasure("it printed JSON without a `findings` list")
    codes = Counter(
        str(item.get("code")) if isinstance(item, dict) else "(not an object)" for item in findings
    )
    return {
        "summary": report["summary"],
        "findings": len(findings),
        "findings_by_code": dict(sorted(codes.items())),
    }


@dataclass
class Size:
    register: Register
    floor: Measured
    audit: Measured
    bare: Measured | None = None  # with --bare: bench/audit_bare.py, the audit's lower bound
    floor_counts: dict[str, int] = field(default_factory=dict)
    audit_report: dict[str, Any] = field(default_factory=dict)

    @property
    def pledges(self) -> int:
        return self.register.pledges

    @property
    def time_ratio(self) -> float:
        return self.audit.seconds / self.floor.seconds

    @property
    def bare_ratio(self) -> float:
        assert self.bare is not None
        return self.bare.seconds / self.floor.seconds

    @property
    def memory_ratio(self) -> float:
        return self.audit.peak_mb / self.floor.peak_mb

    def check(self, item: Measured) -> None:
        """What a run printed: the floor's counts, the bare audit's (the same), the audit's JSON."""
        stdout = WORK / "stdout"
        if item is self.audit:
            self.audit_report = read_audit(stdout)
        elif item is self.floor:
            self.floor_counts = read_floor(stdout)
        elif (counts := read_floor(stdout)) != self.floor_counts and self.floor_counts:
            raise CannotMeasure(f"the bare audit found {counts}, the floor {self.floor_counts}")

    def summary(self) -> dict[str, object]:
        return {
            "pledges": self.pledges,
            "register": self.register.summary(),
            "floor": {**self.floor.summary(), "counts": self.floor_counts},
            "audit": {**self.audit.summary(), "report": self.audit_report},
            "bare": None
            if self.bare is None
            else {**self.bare.summary(), "time_ratio": round(self.bare_ratio, 3)},
            "time_ratio": round(self.time_ratio, 3),
            "time_limit": TIME_LIMIT,
            "time_met": self.time_ratio <= TIME_LIMIT,
            "memory_ratio": round(self.memory_ratio, 3),
            "memory_limit": MEMORY_LIMIT,
            "memory_met": self.memory_ratio <= MEMORY_LIMIT,
        }


def growth(sizes: list[Size]) -> dict[str, object]:
    small, large = sizes[0], sizes[-1]
    scale = large.pledges / small.pledges
    audit_time = large.audit.seconds / small.audit.seconds
    floor_time = large.floor.seconds / small.floor.seconds
    return {
        "from_pledges": small.pledges,
        "to_pledges": large.pledges,
        "pledges": round(scale, 3),
        "audit_time": round(audit_time, 3),
        "floor_time": round(floor_time, 3),
        "audit_memory": round(large.audit.peak_mb / small.audit.peak_mb, 3),
        "floor_memory": round(large.floor.peak_mb / small.floor.peak_mb, 3),
        "linear_if_time_growth_within": round(scale * LINEAR_SLACK, 3),
        "audit_time_linear": audit_time <= scale * LINEAR_SLACK,
    }


def markdown(sizes: list[Size], runs: int, info: dict[str, object], grown: dict[str, Any]) -> str:
    lines = [
        "| pledges | quotes | floor | audit | ratio (≤ 2x) | floor peak | audit peak "
        "| ratio (≤ 2x) | audit CPU |",
        "| ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: |",
    ]
    for size in sizes:
        lines.append(
            f"| {size.pledges:,} | {size.register.manifest['evidence']:,} | {size.floor.cell()} "
            f"| {size.audit.cell()} | {verdict(size.time_ratio, TIME_LIMIT)} "
            f"| {size.floor.peak_mb:.0f} MB | {size.audit.peak_mb:.0f} MB "
            f"| {verdict(size.memory_ratio, MEMORY_LIMIT)} | {size.audit.cpu_seconds:.2f} s |"
        )
    for size in sizes:
        if size.bare is not None:
            lines += [
                "",
                f"{size.pledges:,} pledges: the bare audit (bench/audit_bare.py) takes "
                f"{size.bare.seconds:.2f} s, {size.bare_ratio:.2f}x the floor; the audit "
                f"{size.audit.seconds / size.bare.seconds:.2f}x the bare audit.",
            ]
    if len(sizes) > 1:
        linear = "linear" if grown["audit_time_linear"] else "worse than linear"
        lines += [
            "",
            f"From {grown['from_pledges']:,} to {grown['to_pledges']:,} pledges "
            f"({grown['pledges']:g}x): the audit's time grows {grown['audit_time']:.2f}x "
            f"({linear}; the floor's {grown['floor_time']:.2f}x), its peak memory "
            f"{grown['audit_memory']:.2f}x (the floor's {grown['floor_memory']:.2f}x).",
        ]
    built = ", ".join(
        f"{size.pledges:,} pledges in {size.register.manifest['seconds']['total']:.0f} s"
        for size in sizes
    )
    lines += [
        "",
        f"Medians of {runs} runs each, floor and audit interleaved; {info['cpu_count']} CPUs, "
        f"Python {info['python']} ({info['machine']}), SQLite {info['sqlite']}, "
        f"SQLAlchemy {info['sqlalchemy']}, pydantic {info['pydantic']}. "
        "Each register (bench/generate_register.py) has two quotes per pledge over one article "
        f"of about 4 KB per five pledges, {sizes[-1].register.manifest['actors']:,} actors, one "
        f"quote in ten altered; building them took {built}. The floor "
        "(bench/audit_floor.py) normalises each article once and looks each quote up with `in`. "
        "Peak memory is the kernel's peak resident set of the process (ru_maxrss), or the "
        "sampled sum over its processes (PSS) when it runs several at once; audit CPU is user "
        "plus system time.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = harness.options(__doc__, [10_000, 100_000], runs=3, warmup=0)
    parser.add_argument(
        "--reuse", action="store_true", help="keep registers built before with the same settings"
    )
    parser.add_argument(
        "--audit-cmd",
        default=DEFAULT_AUDIT,
        help="the audit command line, with {db} for the register (default: pledges audit --fresh)",
    )
    parser.add_argument(
        "--bare",
        action="store_true",
        help="also time bench/audit_bare.py, a lower bound of any audit in Python",
    )
    args = parser.parse_args(argv)
    wanted = harness.sizes_wanted(parser, args)
    if "{db}" not in args.audit_cmd:
        parser.error("--audit-cmd must hold {db} where the register's path goes")

    env = harness.environment()
    sizes = []
    for pledges in wanted:
        register = harness.register(pledges, args, args.reuse, env)
        floor, bare = ([str(PYTHON), str(BENCH / script), str(register.path)]
                       for script in ("audit_floor.py", "audit_bare.py"))  # fmt: skip
        audit = Measured("audit", harness.filled(args.audit_cmd, register.path))
        bared = Measured("bare", bare) if args.bare else None
        sizes.append(Size(register, Measured("floor", floor), audit, bared))
    for size in sizes:
        commands = [size.floor, size.audit] + ([size.bare] if size.bare else [])
        harness.warm(size.register.path)
        harness.interleaved(commands, args.runs, WORK, env, what=f"{size.pledges} pledges",
                            warmup=args.warmup, check=size.check)  # fmt: skip
    shutil.rmtree(WORK)

    info = harness.machine()
    grown = growth(sizes) if len(sizes) > 1 else {}
    harness.write_result(
        args.out, "audit", runs=args.runs, warmup_rounds=args.warmup, seed=args.seed,
        audit_command=harness.shown(shlex.split(args.audit_cmd)), machine=info,
        sizes=[size.summary() for size in sizes], growth=grown,
    )  # fmt: skip
    print(markdown(sizes, args.runs, info, grown))
    for size in sizes:
        manifest = size.register.manifest
        print(
            f"\n{size.pledges:,} pledges: {manifest['altered_quotes']:,} quotes altered by the "
            f"generator ({manifest['altered_quotes_not_deprecated']:,} of them not deprecated); "
            f"the floor did not find {size.floor_counts.get('not_found', 0):,}; the audit "
            f"reported {size.audit_report.get('findings', 0):,} findings "
            f"{json.dumps(size.audit_report.get('findings_by_code', {}))}.",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    harness.main(main)

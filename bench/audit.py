"""Time and memory of the full audit, each beside its floor, at two register sizes.

    .venv/bin/python bench/audit.py [--runs 3] [--sizes 10000 100000] [--reuse] [--actors N]
                                    [--audit-cmd "CMD ... {db} ..."] [--bare]

For each size it builds a register with bench/generate_register.py in bench/results/ (or, with
--reuse, keeps the one built before with the same size, seed, actors and generator version, if
it was created in the last 30 days: its quotes were verified that day), then runs two commands
on it, interleaved (their order alternates every round) and repeated:

    floor  python bench/audit_floor.py REGISTER   (normalise every article once, look each quote
                                                   up with `in`: nothing else)
    audit  pledges audit --db REGISTER --format json --fail-on never

and, with --bare, a third:

    bare   python bench/audit_bare.py REGISTER    (a strict subset of the audit's work on every
                                                   quote, by the cheapest means, on every core:
                                                   the least any audit in Python can take)

Each run is a fresh process. The audit must exit 0 and print JSON with a `summary` object and a
`findings` list; its summary and the number of findings by code are recorded. The register file
is read once before the runs so that both commands start from a warm page cache.

Each command is started by a small launcher (python -I -S, nothing imported) that forks it, waits
for it with os.wait4 and reports its wall time (fork to exit), CPU time and ru_maxrss: the
kernel's peak resident set of the process, or of the largest of the children it waited for.
(The launcher is there because a child's ru_maxrss starts from the resident size of the process
that forked it, which for this harness would be 70 MB and more.) A command that works in several
processes at once uses more than its largest one, so the processes below the launcher are also
sampled every 50 ms (/proc: summed RSS, and summed PSS, which divides shared pages between the
processes sharing them, while more than one is alive). The peak memory of a run is the larger of
ru_maxrss and the sampled peak of summed PSS. Medians over the runs are reported.

It reports, for each size, the audit's ratios to the floor (targets: at most 2x in time and
in memory) and, from the smallest size to the largest, how the audit's time and memory grow
beside the pledge count and beside the floor's growth (target: linear, so 10x for 10,000
against 100,000 pledges; within 1.2x of that is called linear). It prints a Markdown table for
the README and writes bench/results/audit.json. It exits 0 whatever the ratios are: a benchmark
reports, it does not assert. It exits 1 only when it cannot measure (a register cannot be built,
a command fails or the audit's output is not the expected JSON: its stderr is printed).

--audit-cmd replaces the audit command (for trying the harness, or timing another build): a
command line with {db} where the register's path goes, e.g.
`--audit-cmd ".venv/bin/python my_audit.py --db {db}"`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, NoReturn

from generate_register import DEFAULT_ACTORS, GENERATOR_VERSION, manifest_path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
BIN = Path(sys.executable).parent  # the venv's bin/, not the interpreter it links to
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
PLEDGES = BIN / ("pledges.exe" if os.name == "nt" else "pledges")
GENERATOR = BENCH / "generate_register.py"
FLOOR = BENCH / "audit_floor.py"
BARE = BENCH / "audit_bare.py"
DEFAULT_AUDIT = f"{PLEDGES} audit --db {{db}} --format json --fail-on never"
TIME_LIMIT = 2.0  # the audit's time, at most this many times the floor's
MEMORY_LIMIT = 2.0  # its peak memory, likewise
LINEAR_SLACK = 1.2  # growth within 1.2x the growth of the pledge count counts as linear
SAMPLE_EVERY = 0.05  # seconds between samples of the process tree's memory
RESCAN_EVERY = 0.25  # seconds between looks for new processes in the tree
LIBRARIES = ("sqlalchemy", "pydantic", "typer")
REUSE_DAYS = 30  # --reuse keeps a register created at most this many days ago


def fail(message: str) -> NoReturn:
    print(f"Error: {message}", file=sys.stderr)
    raise SystemExit(1)


def shown(argv: list[str]) -> str:
    """The command without the venv's path: `pledges audit ...`, `python audit_floor.py ...`."""
    words = [Path(argv[0]).name.removesuffix(".exe")]
    for word in argv[1:]:
        word = Path(word).name if word.startswith(str(BENCH)) else word
        words.append(f'"{word}"' if " " in word else word)
    return " ".join(words)


# --- measuring one process ----------------------------------------------------------------------


def _page_kb() -> int:
    return os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


PAGE_KB = _page_kb()


def descendants(root: int) -> set[int]:
    """The process and every process below it, found through the parent ids in /proc."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return {root}
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in tree:
                tree.add(child)
                todo.append(child)
    return tree


def rss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * PAGE_KB
    except (OSError, ValueError, IndexError):
        return None


def pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Samples the summed memory of the processes below `root` until stopped."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.done = threading.Event()
        self.rss_peak_kb = 0
        self.pss_peak_kb = 0  # only while more than one process is alive
        self.most_processes = 0
        self.samples = 0

    def run(self) -> None:
        pids: set[int] = set()
        rescan = 0.0
        while True:
            now = time.monotonic()
            if now >= rescan or not pids:  # look every sample until the command has started
                pids = descendants(self.root) - {self.root}  # not the launcher itself
                rescan = now + RESCAN_EVERY
            alive = {pid: rss for pid in pids if (rss := rss_kb(pid)) is not None}
            if alive:
                self.samples += 1
                self.rss_peak_kb = max(self.rss_peak_kb, sum(alive.values()))
                self.most_processes = max(self.most_processes, len(alive))
                if len(alive) > 1:
                    self.pss_peak_kb = max(self.pss_peak_kb, sum(pss_kb(pid) for pid in alive))
            if self.done.wait(SAMPLE_EVERY):
                return


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float  # user + system, of the process and the children it waited for
    maxrss_mb: float  # ru_maxrss: the largest single process
    tree_rss_peak_mb: float  # sampled
    tree_pss_peak_mb: float | None  # sampled, when it ran several processes at once
    processes: int  # the most processes alive at once, as sampled

    @property
    def peak_mb(self) -> float:
        return max(self.maxrss_mb, self.tree_pss_peak_mb or 0.0)

    def summary(self) -> dict[str, object]:
        return {
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "peak_mb": round(self.peak_mb, 1),
            "maxrss_mb": round(self.maxrss_mb, 1),
            "tree_rss_peak_mb": round(self.tree_rss_peak_mb, 1),
            "tree_pss_peak_mb": None
            if self.tree_pss_peak_mb is None
            else round(self.tree_pss_peak_mb, 1),
            "processes": self.processes,
        }


# Runs the command and reports what it took. A child's ru_maxrss starts from the resident size of
# the process that forked it (Linux carries the parent's high-water mark over the fork, and over
# the exec that follows a vfork), so the command is started from this small interpreter (about
# 8 MB: -I -S, nothing imported) rather than from the harness, which holds far more.
LAUNCHER = """
import os, sys, time
out, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
with open(out, "w") as handle:
    handle.write(f"{elapsed} {usage.ru_maxrss} {usage.ru_utime} {usage.ru_stime}")
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def run_once(argv: list[str], work: Path, env: dict[str, str]) -> tuple[int, Run]:
    """Run a command to its end through the launcher; its exit code and what it took. Its
    output goes to work/stdout and work/stderr."""
    report = work / "rusage"
    report.unlink(missing_ok=True)
    launcher = [str(PYTHON), "-I", "-S", "-c", LAUNCHER, str(report), *argv]
    with (work / "stdout").open("wb") as out, (work / "stderr").open("wb") as err:
        process = subprocess.Popen(
            launcher, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env
        )
        sampler = TreeSampler(process.pid)
        sampler.start()
        code = process.wait()
        sampler.done.set()
        sampler.join()
    try:
        elapsed, maxrss_kb, user, system = (float(x) for x in report.read_text().split())
    except (OSError, ValueError):
        fail(f"could not run {shown(argv)} (exit {code}): {tail(work / 'stderr')}")
    # ru_maxrss is in kilobytes on Linux (bytes on macOS, where this is not meant to run).
    pss = sampler.pss_peak_kb / 1024 if sampler.most_processes > 1 else None
    return code, Run(
        seconds=elapsed,
        cpu_seconds=user + system,
        maxrss_mb=maxrss_kb / 1024,
        tree_rss_peak_mb=sampler.rss_peak_kb / 1024,
        tree_pss_peak_mb=pss,
        processes=sampler.most_processes,
    )


# --- the two commands ---------------------------------------------------------------------------


class Medians:
    """The medians of a command's runs (for the Measured classes of the benchmarks)."""

    runs: Sequence[Run]

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(run.cpu_seconds for run in self.runs)

    @property
    def peak_mb(self) -> float:
        return statistics.median(run.peak_mb for run in self.runs)


@dataclass
class Measured(Medians):
    name: str
    argv: list[str]
    runs: list[Run] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        return {
            "command": shown(self.argv),
            "median_seconds": round(self.seconds, 3),
            "min_seconds": round(min(run.seconds for run in self.runs), 3),
            "median_peak_mb": round(self.peak_mb, 1),
            "median_cpu_seconds": round(self.cpu_seconds, 3),
            "runs": [run.summary() for run in self.runs],
        }


def tail(path: Path, limit: int = 4000) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").strip()
    return text if len(text) <= limit else "…" + text[-limit:]


def read_floor(stdout: Path) -> dict[str, int]:
    words = stdout.read_text(encoding="utf-8").split()
    # "found N not found M"
    try:
        return {"found": int(words[1]), "not_found": int(words[4])}
    except (IndexError, ValueError):
        fail(f"the floor printed {stdout.read_text(encoding='utf-8')[:200]!r}")


def read_audit(stdout: Path, argv: list[str]) -> dict[str, Any]:
    """The audit's summary and its findings counted by code; fails unless it is the JSON agreed."""
    try:
        report = json.loads(stdout.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        fail(f"{shown(argv)} did not print JSON ({error}); it began: {tail(stdout, 300)!r}")
    if not isinstance(report, dict) or not isinstance(report.get("summary"), dict):
        fail(f"{shown(argv)} printed JSON without a `summary` object")
    findings = report.get("findings")
    if not isinstance(findings, list):
        fail(f"{shown(argv)} printed JSON without a `findings` list")
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
    pledges: int
    register: Path
    manifest: dict[str, Any]
    generated_seconds: float | None  # wall time of the generator in this run; None when reused
    floor: Measured
    audit: Measured
    bare: Measured | None = None  # with --bare: bench/audit_bare.py, the audit's lower bound
    floor_counts: dict[str, int] = field(default_factory=dict)
    audit_report: dict[str, Any] = field(default_factory=dict)

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

    def summary(self) -> dict[str, object]:
        return {
            "pledges": self.pledges,
            "register": register_summary(self.register, self.manifest, self.generated_seconds),
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


# --- registers ----------------------------------------------------------------------------------


def register_path(pledges: int) -> Path:
    return RESULTS / f"audit-register-{pledges}.db"


def actors_for(pledges: int, actors: int | None) -> int:
    """The generator's default: DEFAULT_ACTORS, or one actor per 50 pledges when that is more."""
    return actors or max(DEFAULT_ACTORS, pledges // 50)


def reusable(path: Path, pledges: int, seed: int, actors: int) -> dict[str, Any] | None:
    try:
        manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    wanted = {
        "generator_version": GENERATOR_VERSION,
        "pledges": pledges,
        "seed": seed,
        "actors": actors,
    }
    if not path.is_file() or any(manifest.get(k) != v for k, v in wanted.items()):
        return None
    try:  # its quotes were verified when it was created: stale ones would each be a finding
        age = datetime.now(UTC).date() - date.fromisoformat(str(manifest.get("created")))
    except ValueError:
        return None
    return dict(manifest) if age.days <= REUSE_DAYS else None


def build_register(
    pledges: int, seed: int, actors: int, reuse: bool, env: dict[str, str]
) -> tuple[Path, dict[str, Any], float | None]:
    path = register_path(pledges)
    if reuse and (manifest := reusable(path, pledges, seed, actors)) is not None:
        print(f"Reusing {path.name} ({pledges} pledges).", file=sys.stderr)
        return path, manifest, None
    print(f"Generating {path.name} ({pledges} pledges)…", file=sys.stderr)
    argv = [str(PYTHON), str(GENERATOR), "--pledges", str(pledges), "--out", str(path)]
    argv += ["--seed", str(seed), "--actors", str(actors)]
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        fail(f"{shown(argv)} exited {done.returncode}: {done.stderr.strip()[-4000:]}")
    print(f"  {done.stdout.strip()} ({elapsed:.1f} s with start-up)", file=sys.stderr)
    manifest = reusable(path, pledges, seed, actors)
    if manifest is None:
        fail(f"{shown(argv)} left no manifest beside {path}")
    return path, manifest, elapsed


def warm(path: Path) -> None:
    """Read the register once, so that every run finds it in the page cache."""
    with path.open("rb") as handle:
        while handle.read(1 << 24):
            pass


# --- the benchmark ------------------------------------------------------------------------------


def measure(size: Size, runs: int, warmup: int, env: dict[str, str]) -> None:
    work = RESULTS / "audit-run"
    work.mkdir(parents=True, exist_ok=True)
    stdout, stderr = work / "stdout", work / "stderr"
    warm(size.register)
    commands = [size.floor, size.audit] + ([size.bare] if size.bare else [])
    for round_ in range(-warmup, runs):
        order = commands if round_ % 2 == 0 else commands[::-1]
        for item in order:
            label = f"{size.pledges} pledges, {item.name}, " + (
                "warm-up" if round_ < 0 else f"run {round_ + 1}/{runs}"
            )
            print(f"  {label}…", end="", file=sys.stderr, flush=True)
            code, run = run_once(item.argv, work, env)
            print(f" {run.seconds:.2f} s, {run.peak_mb:.0f} MB", file=sys.stderr)
            if code != 0:
                fail(f"{shown(item.argv)} exited {code}:\n{tail(stderr)}")
            if item is size.floor:
                size.floor_counts = read_floor(stdout)
            elif item is size.bare:
                if (counts := read_floor(stdout)) != size.floor_counts and size.floor_counts:
                    fail(f"the bare audit found {counts}, the floor {size.floor_counts}")
            else:
                size.audit_report = read_audit(stdout, item.argv)
            if round_ >= 0:
                item.runs.append(run)
    for path in (stdout, stderr, work / "rusage"):
        path.unlink(missing_ok=True)
    work.rmdir()


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


def machine() -> dict[str, object]:
    info: dict[str, object] = {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "sqlite": sqlite3.sqlite_version,
    }
    for name in LIBRARIES:
        try:
            info[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            info[name] = None
    if hasattr(os, "getloadavg"):  # how busy the machine was: noise in the figures
        info["load_average_1_5_15_min"] = [round(load, 2) for load in os.getloadavg()]
    return info


def verdict(ratio: float, limit: float) -> str:
    return f"{ratio:.2f}x ({'met' if ratio <= limit else 'missed'})"


def markdown(sizes: list[Size], runs: int, info: dict[str, object], grown: dict[str, Any]) -> str:
    lines = [
        "| pledges | quotes | floor | audit | ratio (≤ 2x) | floor peak | audit peak "
        "| ratio (≤ 2x) | audit CPU |",
        "| ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: |",
    ]
    for size in sizes:
        cpu = size.audit.cpu_seconds
        lines.append(
            f"| {size.pledges:,} | {size.manifest['evidence']:,} | {size.floor.seconds:.2f} s "
            f"| {size.audit.seconds:.2f} s | {verdict(size.time_ratio, TIME_LIMIT)} "
            f"| {size.floor.peak_mb:.0f} MB | {size.audit.peak_mb:.0f} MB "
            f"| {verdict(size.memory_ratio, MEMORY_LIMIT)} | {cpu:.2f} s |"
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
        f"{size.pledges:,} pledges in {size.manifest['seconds']['total']:.0f} s" for size in sizes
    )
    lines += [
        "",
        f"Medians of {runs} runs each, floor and audit interleaved; {info['cpu_count']} CPUs, "
        f"Python {info['python']} ({info['machine']}), SQLite {info['sqlite']}, "
        f"SQLAlchemy {info['sqlalchemy']}, pydantic {info['pydantic']}. "
        "Each register (bench/generate_register.py) has two quotes per pledge over one article "
        f"of about 4 KB per five pledges, {sizes[-1].manifest['actors']:,} actors, one quote in "
        f"ten altered; building them took {built}. The floor "
        "(bench/audit_floor.py) normalises each article once and looks each quote up with `in`. "
        "Peak memory is the kernel's peak resident set of the process (ru_maxrss), or the "
        "sampled sum over its processes (PSS) when it runs several at once; audit CPU is user "
        "plus system time.",
    ]
    return "\n".join(lines)


def audit_argv(template: str, register: Path) -> list[str]:
    return [word.replace("{db}", str(register)) for word in shlex.split(template)]


def register_options(parser: argparse.ArgumentParser, sizes: list[int]) -> None:
    """The options every benchmark over generated registers takes: runs, sizes, seed, actors."""
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each command per size")
    parser.add_argument("--sizes", type=int, nargs="+", default=sizes, help="pledges per register")
    parser.add_argument("--seed", type=int, default=1, help="the generator's seed")
    parser.add_argument(
        "--actors",
        type=int,
        help=f"actors per register (default: the generator's, {DEFAULT_ACTORS:,} or one per 50 "
        "pledges if more)",
    )


def sizes_wanted(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[int]:
    """The sizes asked for, smallest first, once each; refuses too few runs or pledges."""
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    sizes = sorted(set(args.sizes))
    if sizes[0] < 5:
        parser.error("--sizes must be at least 5 pledges")
    return sizes


def register_summary(
    register: Path, manifest: dict[str, Any], generated_seconds: float | None
) -> dict[str, object]:
    """How a benchmark's register is described in its JSON."""
    return {
        "path": str(register),
        "generated_now": generated_seconds is not None,
        "generation_wall_seconds": None
        if generated_seconds is None
        else round(generated_seconds, 2),
        "manifest": manifest,
    }


def write_result(path: Path, result: dict[str, object]) -> None:
    """A benchmark's JSON, written where --out says."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def env_for_commands() -> dict[str, str]:
    """This process's environment, without a PLEDGES_DB that would point a command elsewhere."""
    env = dict(os.environ)
    env.pop("PLEDGES_DB", None)
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    register_options(parser, [10_000, 100_000])
    parser.add_argument("--warmup", type=int, default=0, help="untimed rounds first")
    parser.add_argument(
        "--reuse", action="store_true", help="keep registers built before with the same settings"
    )
    parser.add_argument(
        "--audit-cmd",
        default=DEFAULT_AUDIT,
        help="the audit command line, with {db} for the register (default: pledges audit)",
    )
    parser.add_argument(
        "--bare",
        action="store_true",
        help="also time bench/audit_bare.py, a lower bound of any audit in Python",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "audit.json", help="the JSON")
    args = parser.parse_args(argv)
    wanted = sizes_wanted(parser, args)
    if "{db}" not in args.audit_cmd:
        parser.error("--audit-cmd must hold {db} where the register's path goes")
    for exe in (PYTHON, PLEDGES):
        if not exe.exists():
            fail(f"{exe} is missing: run this with the project's venv python (.venv/bin/python)")

    env = env_for_commands()
    RESULTS.mkdir(parents=True, exist_ok=True)
    sizes = []
    for pledges in wanted:
        actors = actors_for(pledges, args.actors)
        path, manifest, generated = build_register(pledges, args.seed, actors, args.reuse, env)
        sizes.append(
            Size(
                pledges=pledges,
                register=path,
                manifest=manifest,
                generated_seconds=generated,
                floor=Measured("floor", [str(PYTHON), str(FLOOR), str(path)]),
                audit=Measured("audit", audit_argv(args.audit_cmd, path)),
                bare=Measured("bare", [str(PYTHON), str(BARE), str(path)]) if args.bare else None,
            )
        )
    for size in sizes:
        measure(size, args.runs, args.warmup, env)

    info = machine()
    grown = growth(sizes) if len(sizes) > 1 else {}
    result = {
        "benchmark": "audit",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": args.runs,
        "warmup_rounds": args.warmup,
        "seed": args.seed,
        "audit_command": shown(shlex.split(args.audit_cmd)),
        "machine": info,
        "sizes": [size.summary() for size in sizes],
        "growth": grown,
    }
    write_result(args.out, result)
    print(markdown(sizes, args.runs, info, grown))
    for size in sizes:
        altered = size.manifest["altered_quotes"]
        standing = size.manifest["altered_quotes_not_deprecated"]
        print(
            f"\n{size.pledges:,} pledges: {altered:,} quotes altered by the generator "
            f"({standing:,} of them not deprecated); the floor "
            f"did not find {size.floor_counts.get('not_found', 0):,}; the audit reported "
            f"{size.audit_report.get('findings', 0):,} findings "
            f"{json.dumps(size.audit_report.get('findings_by_code', {}))}.",
            file=sys.stderr,
        )
    print(f"\n(JSON written to {args.out})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

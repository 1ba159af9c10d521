"""What the benchmarks share: running a command and measuring it, medians, the registers they run
on, the machine's description and the JSON results.

Every command runs as a fresh process, started by a small launcher (below) that reports its wall
time, its CPU time and its peak memory; the commands of a comparison run interleaved, their order
rotating every round, so that the machine's drift falls on all of them alike. A benchmark reports,
it does not assert: it exits 0 whatever its ratios are, and 1 only when it cannot measure
(`CannotMeasure`: a register cannot be built, a command fails, or what it did is wrong).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, NoReturn

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
BIN = Path(sys.executable).parent  # the venv's bin/, not the interpreter it links to
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
PLEDGES = BIN / ("pledges.exe" if os.name == "nt" else "pledges")
LIBRARIES = ("typer", "sqlalchemy", "pydantic", "rich")
SAMPLE_EVERY = 0.05  # seconds between samples of the process tree's memory
RESCAN_EVERY = 0.25  # seconds between looks for new processes in the tree


class CannotMeasure(Exception):
    """A command failed or a check did not hold: the benchmark stops and exits 1."""


def shown(argv: Sequence[str]) -> str:
    """The command without the venv's path: `pledges audit ...`, `python audit_floor.py ...`."""
    words = [Path(argv[0]).name.removesuffix(".exe")]
    for word in argv[1:]:
        word = Path(word).name if word.startswith(str(BENCH)) else word
        words.append(f'"{word}"' if " " in word else word)
    return " ".join(words)


def filled(template: str, db: Path, folder: Path | None = None) -> list[str]:
    """A command line given with {db} where the register goes and {dir} where a folder goes."""
    return [
        word.replace("{db}", str(db)).replace("{dir}", str(folder))
        for word in shlex.split(template)
    ]


def tail(path: Path, limit: int = 4000) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").strip() if path.exists() else ""
    return text if len(text) <= limit else "…" + text[-limit:]


# --- measuring one process ----------------------------------------------------------------------

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


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
    """Samples the summed memory of the processes below `root` until stopped. A command that
    works in several processes at once uses more than its largest one (ru_maxrss); PSS divides
    the pages they share between them."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.done = threading.Event()
        self.rss_peak_kb = 0
        self.pss_peak_kb = 0  # only while more than one process is alive
        self.most_processes = 0

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
                self.rss_peak_kb = max(self.rss_peak_kb, sum(alive.values()))
                self.most_processes = max(self.most_processes, len(alive))
                if len(alive) > 1:
                    self.pss_peak_kb = max(self.pss_peak_kb, sum(pss_kb(pid) for pid in alive))
            if self.done.wait(SAMPLE_EVERY):
                return


@dataclass(frozen=True)
class Run:
    seconds: float  # fork to exit
    cpu_seconds: float  # user + system, of the process and the children it waited for
    maxrss_mb: float  # ru_maxrss: the largest single process
    tree_rss_peak_mb: float | None = None  # sampled; None when the run was not sampled
    tree_pss_peak_mb: float | None = None  # sampled, when it ran several processes at once
    processes: int | None = None  # the most processes alive at once, as sampled

    @property
    def peak_mb(self) -> float:
        return max(self.maxrss_mb, self.tree_pss_peak_mb or 0.0)

    def summary(self) -> dict[str, object]:
        times = {"seconds": round(self.seconds, 3), "cpu_seconds": round(self.cpu_seconds, 3)}
        if self.tree_rss_peak_mb is None:
            return {**times, "maxrss_mb": round(self.maxrss_mb, 1)}
        pss = self.tree_pss_peak_mb
        return {
            **times,
            "peak_mb": round(self.peak_mb, 1),
            "maxrss_mb": round(self.maxrss_mb, 1),
            "tree_rss_peak_mb": round(self.tree_rss_peak_mb, 1),
            "tree_pss_peak_mb": None if pss is None else round(pss, 1),
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


def run_once(
    argv: list[str], work: Path, env: dict[str, str], *, limit: float | None = None,
    sample: bool = True, cwd: Path | None = None,
) -> tuple[int, Run | None]:  # fmt: skip
    """Run a command to its end through the launcher: its exit code and what it took, or None
    when it ran longer than `limit` seconds and was stopped. Its output goes to work/stdout and
    work/stderr; with `sample`, the memory of its processes is sampled as it runs."""
    report = work / "rusage"
    report.unlink(missing_ok=True)
    launcher = [str(PYTHON), "-I", "-S", "-c", LAUNCHER, str(report), *argv]
    with (work / "stdout").open("wb") as out, (work / "stderr").open("wb") as err:
        # A session of its own, so that the launcher and what it started can be stopped together.
        process = subprocess.Popen(
            launcher, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=cwd,
            start_new_session=limit is not None,
        )  # fmt: skip
        sampler = TreeSampler(process.pid) if sample else None
        if sampler is not None:
            sampler.start()
        try:
            code = process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return -1, None
        finally:
            if sampler is not None:
                sampler.done.set()
                sampler.join()
    try:
        elapsed, maxrss_kb, user, system = (float(x) for x in report.read_text().split())
    except (OSError, ValueError):
        raise CannotMeasure(
            f"could not run {shown(argv)} (exit {code}): {tail(work / 'stderr')}"
        ) from None
    sampled: tuple[float | None, float | None, int | None] = (None, None, None)
    if sampler is not None:
        pss = sampler.pss_peak_kb / 1024 if sampler.most_processes > 1 else None
        sampled = (sampler.rss_peak_kb / 1024, pss, sampler.most_processes)
    # ru_maxrss is in kilobytes on Linux (bytes on macOS, where this is not meant to run).
    return code, Run(elapsed, user + system, maxrss_kb / 1024, *sampled)


# --- a command's runs ---------------------------------------------------------------------------


@dataclass(eq=False)
class Measured:
    """One command of a comparison, and its runs."""

    name: str
    argv: list[str]  # what runs (a benchmark may change it before each run)
    display: str = ""  # the command as the results show it (default: the argv, shown)
    runs: list[Run] = field(default_factory=list)
    over_minutes: float | None = None  # set when a run was stopped at the time limit
    error: str | None = None  # why it failed: it was run no more

    def __post_init__(self) -> None:
        self.display = self.display or shown(self.argv)

    @property
    def measured(self) -> bool:
        return bool(self.runs) and self.over_minutes is None and self.error is None

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(run.cpu_seconds for run in self.runs)

    @property
    def peak_mb(self) -> float:
        return statistics.median(run.peak_mb for run in self.runs)

    def cell(self) -> str:
        """Its median time, or why there is none, for a Markdown table."""
        if self.error is not None:
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
        result.update(
            median_seconds=round(self.seconds, 3),
            min_seconds=round(min(run.seconds for run in self.runs), 3),
            median_cpu_seconds=round(self.cpu_seconds, 3),
            median_maxrss_mb=round(statistics.median(run.maxrss_mb for run in self.runs), 1),
        )
        if self.runs[0].tree_rss_peak_mb is not None:
            result["median_peak_mb"] = round(self.peak_mb, 1)
        return {**result, "runs": [run.summary() for run in self.runs]}


def ratio(ours: Measured, peer: Measured) -> float | None:
    return ours.seconds / peer.seconds if ours.measured and peer.measured else None


def verdict(found: float | None, limit: float) -> str:
    """A ratio beside its target: `1.21x (met)`."""
    return "—" if found is None else f"{found:.2f}x ({'met' if found <= limit else 'missed'})"


def interleaved(
    commands: Sequence[Measured], runs: int, work: Path, env: dict[str, str], *, what: str,
    warmup: int = 0, limit_minutes: float | None = None, sample: bool = True,
    cwd: Path | None = None, keep_going: bool = False,
    ready: Callable[[Measured, int], None] | None = None,
    check: Callable[[Measured], None] | None = None,
) -> None:  # fmt: skip
    """Run each command `runs` times, after `warmup` rounds that are not kept, their order
    rotating every round. `ready(command, round)` readies a run (untimed); `check(command)` checks
    what it did (its output is in work/), raising CannotMeasure when it is wrong. A command that
    fails raises CannotMeasure, or with `keep_going` is run no more (its error kept) while the
    others go on; one stopped after `limit_minutes` is run no more either."""
    work.mkdir(parents=True, exist_ok=True)
    limit = None if limit_minutes is None else limit_minutes * 60
    for round_ in range(-warmup, runs):
        turn = round_ % len(commands)
        for item in [*commands[turn:], *commands[:turn]]:
            if item.over_minutes is not None or item.error is not None:
                continue
            counted = "warm-up" if round_ < 0 else f"run {round_ + 1}/{runs}"
            print(f"  {what}, {item.name}, {counted}…", end="", file=sys.stderr, flush=True)
            if ready is not None:
                ready(item, round_)
            code, run = run_once(item.argv, work, env, limit=limit, sample=sample, cwd=cwd)
            if run is None:
                item.over_minutes = limit_minutes
                print(f" stopped after {limit_minutes:g} minutes", file=sys.stderr)
                continue
            peak = f", {run.peak_mb:.0f} MB" if sample else ""
            print(f" {run.seconds:.2f} s{peak}", file=sys.stderr)
            try:
                if code != 0:
                    raise CannotMeasure(
                        f"{item.display} exited {code} after {run.seconds:.1f} s:\n"
                        f"{tail(work / 'stderr')}\n{tail(work / 'stdout', 1000)}".rstrip()
                    )
                if check is not None:
                    check(item)
            except CannotMeasure as error:
                if not keep_going:
                    raise
                item.error = f"{what}, {item.name}: {error}"
                continue
            if round_ >= 0:
                item.runs.append(run)


# --- registers ----------------------------------------------------------------------------------


def register_path(pledges: int) -> Path:
    return RESULTS / f"audit-register-{pledges}.db"


@dataclass
class Register:
    """A generated register that a benchmark runs its commands on."""

    pledges: int
    path: Path
    manifest: dict[str, Any]
    generated_seconds: float | None  # wall time of the generator in this run; None when reused

    def summary(self, **more: object) -> dict[str, object]:
        seconds = self.generated_seconds
        return {
            "path": str(self.path),
            "generated_now": seconds is not None,
            "generation_wall_seconds": None if seconds is None else round(seconds, 2),
            "manifest": self.manifest,
            **more,
        }


def register(pledges: int, args: argparse.Namespace, reuse: bool, env: dict[str, str]) -> Register:
    """The register of `pledges` pledges in bench/results/ (with the seed and actors asked for),
    reused when `reuse` and the generator finds it reusable, else built with the generator."""
    import generate_register as generator  # here: it imports the product, which not all need

    path, actors = register_path(pledges), generator.actors_for(pledges, args.actors)
    manifest = generator.reusable(path, pledges, args.seed, actors) if reuse else None
    elapsed = None
    if manifest is not None:
        print(f"Reusing {path.name} ({pledges} pledges).", file=sys.stderr)
    else:
        print(f"Generating {path.name} ({pledges} pledges)…", file=sys.stderr)
        argv = [str(PYTHON), str(BENCH / "generate_register.py"), "--pledges", str(pledges),
                "--out", str(path), "--seed", str(args.seed), "--actors", str(actors)]  # fmt: skip
        start = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise CannotMeasure(f"{shown(argv)} exited {done.returncode}: {done.stderr[-4000:]}")
        print(f"  {done.stdout.strip()} ({elapsed:.1f} s with start-up)", file=sys.stderr)
        manifest = generator.reusable(path, pledges, args.seed, actors)
        if manifest is None:
            raise CannotMeasure(f"{shown(argv)} left no manifest beside {path}")
    return Register(pledges, path, manifest, elapsed)


def warm(path: Path) -> None:
    """Read a file once, so that every run finds it in the page cache."""
    with path.open("rb") as handle:
        while handle.read(1 << 24):
            pass


# --- options, environment and results -----------------------------------------------------------


def options(
    description: str | None, sizes: list[int] | None, runs: int, warmup: int | None = None
) -> argparse.ArgumentParser:
    """A benchmark's parser, with --runs and --out (and --warmup when it has a default); with
    `sizes`, the options of the benchmarks over generated registers too: --sizes, --seed and
    --actors."""
    parser = argparse.ArgumentParser(description=(description or "").strip().splitlines()[0])
    parser.add_argument("--runs", type=int, default=runs, help="timed runs of each command")
    if warmup is not None:
        parser.add_argument("--warmup", type=int, default=warmup, help="untimed rounds first")
    parser.add_argument("--out", type=Path, help="the JSON (default: bench/results/NAME.json)")
    if sizes is not None:
        parser.add_argument("--sizes", type=int, nargs="+", default=sizes, help="pledges each")
        parser.add_argument("--seed", type=int, default=1, help="the generator's seed")
        parser.add_argument(
            "--actors",
            type=int,
            help="actors per register (default: the generator's, 2,000 or one per 50 pledges "
            "if more)",
        )
    return parser


def sizes_wanted(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[int]:
    """The sizes asked for, smallest first, once each; refuses too few runs or pledges."""
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    sizes = sorted(set(args.sizes))
    if sizes[0] < 5:
        parser.error("--sizes must be at least 5 pledges")
    return sizes


def environment(*needed: Path, pythonpath: Path | None = None) -> dict[str, str]:
    """The environment for the commands: this process's, without a PLEDGES_DB that would point
    them elsewhere (and with PYTHONPATH, to time another checkout). Fails unless the programs
    `needed` (and the venv's python and pledges) are there."""
    for exe in (PYTHON, PLEDGES, *needed):
        if not exe.exists():
            hint = "run this with the project's venv python, development dependencies installed"
            raise CannotMeasure(f"{exe} is missing: {hint}")
    env = dict(os.environ)
    env.pop("PLEDGES_DB", None)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath.resolve())
    return env


def machine(**more: object) -> dict[str, object]:
    info: dict[str, object] = {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "sqlite": sqlite3.sqlite_version,
        **more,
    }
    for name in LIBRARIES:
        try:
            info[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            info[name] = None
    if hasattr(os, "getloadavg"):  # how busy the machine was: noise in the figures
        info["load_average_1_5_15_min"] = [round(load, 2) for load in os.getloadavg()]
    return info


def write_result(path: Path | None, benchmark: str, **result: object) -> None:
    """The benchmark's JSON: its name, when it ran, the machine and `result`."""
    path = path or RESULTS / f"{benchmark}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    result = {"benchmark": benchmark, "when": when, **result}
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"(JSON written to {path})", file=sys.stderr)


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


def remove(path: Path) -> None:
    """A folder, or a database with its -wal and -shm files."""
    if path.is_dir():
        shutil.rmtree(path)
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        each.unlink(missing_ok=True)


def finish(errors: Sequence[object], work: Path) -> int:
    """A benchmark's exit code: 1, each error printed and its work kept, when it could not
    measure; else 0, its work removed."""
    if errors:
        for error in errors:
            print(f"\nError: {error}", file=sys.stderr)
        print(f"(what it ran is kept in {work})", file=sys.stderr)
        return 1
    remove(work)
    return 0


def main(run: Callable[[], int]) -> NoReturn:
    """Run a benchmark's main and exit with its code: 1, the error said, when it cannot measure."""
    started = time.perf_counter()
    try:
        code = run()
    except CannotMeasure as failure:
        print(f"\nError: {failure}", file=sys.stderr)
        code = 1
    print(f"({time.perf_counter() - started:.0f} s in all)", file=sys.stderr)
    sys.exit(code)

"""Start-up time of the command line, each command timed beside the floor it cannot beat.

    .venv/bin/python bench/startup.py [--runs 21]

Two pairs, each a command and its floor (the bare imports of the libraries it must load):

    help  `pledges --help`                 floor: python -c "import typer"
    show  `pledges show cn-co2-peak-2030`  floor: python -c "import sqlalchemy.orm, pydantic, typer"

`pledges` tunes CPython's garbage collector for its short life (pledges.cli.main), which the bare
floor does not, so each floor is also timed tuned alike: the same thresholds first, gc.freeze() at
exit. The ratio to the floor is the target; the ratio to the tuned floor is what pledges' own
imports and work add on top of the libraries'.

`show` reads a seeded SQLite register that `pledges init` makes in a temporary folder. The three
commands of a pair are timed interleaved (their order rotates every round, so drift and noise fall
on all of them), each run a fresh process started with subprocess, its output thrown away. The
pledges package is byte-compiled first, as an installed wheel is: without it every run compiles
pledges' own sources again when PYTHONDONTWRITEBYTECODE is set (`--no-compile` measures that).

It prints a Markdown table for the README and writes bench/results/startup.json. It exits 0 whatever
the ratios are: a benchmark reports, it does not assert. It exits 1 only when it cannot measure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import NoReturn

from pledges.cli import GC_THRESHOLDS

RESULTS = Path(__file__).resolve().parent / "results" / "startup.json"
BIN = Path(sys.executable).parent  # the venv's bin/, not the interpreter it links to
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
PLEDGES = BIN / ("pledges.exe" if os.name == "nt" else "pledges")
PLEDGE_ID = "cn-co2-peak-2030"
LIBRARIES = ("typer", "sqlalchemy", "pydantic", "rich")


@dataclass(frozen=True)
class Pair:
    name: str
    command: list[str]  # what is measured
    imports: str  # what it cannot avoid: its floor is `python -c "<imports>"`
    limit: float  # the ratio to the floor it should stay within

    @property
    def floor(self) -> list[str]:
        return [str(PYTHON), "-c", self.imports]

    @property
    def tuned_floor(self) -> list[str]:
        tuned = f"import gc; gc.set_threshold{GC_THRESHOLDS}; {self.imports}; gc.freeze()"
        return [str(PYTHON), "-c", tuned]


@dataclass
class Timing:
    argv: list[str]
    samples_ms: list[float] = field(default_factory=list)

    @property
    def shown(self) -> str:
        return shown(self.argv)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    def summary(self) -> dict[str, object]:
        q1, _, q3 = statistics.quantiles(self.samples_ms, n=4)
        return {
            "command": self.shown,
            "median_ms": round(self.median_ms, 2),
            "min_ms": round(min(self.samples_ms), 2),
            "q1_ms": round(q1, 2),
            "q3_ms": round(q3, 2),
            "samples_ms": [round(s, 2) for s in self.samples_ms],
        }


@dataclass
class Measured:
    pair: Pair
    command: Timing
    floor: Timing
    tuned_floor: Timing

    @property
    def ratio(self) -> float:
        return self.command.median_ms / self.floor.median_ms

    @property
    def tuned_ratio(self) -> float:
        return self.command.median_ms / self.tuned_floor.median_ms

    def summary(self) -> dict[str, object]:
        return {
            "name": self.pair.name,
            "command": self.command.summary(),
            "floor": self.floor.summary(),
            "tuned_floor": self.tuned_floor.summary(),
            "ratio": round(self.ratio, 3),
            "limit": self.pair.limit,
            "met": self.ratio <= self.pair.limit,
            "ratio_to_tuned_floor": round(self.tuned_ratio, 3),
        }


def pairs() -> list[Pair]:
    pledges = str(PLEDGES)
    return [
        Pair("help", [pledges, "--help"], "import typer", 1.5),
        Pair("show", [pledges, "show", PLEDGE_ID], "import sqlalchemy.orm, pydantic, typer", 1.3),
    ]


def shown(argv: list[str]) -> str:
    """`pledges show x` and `python -c "import typer"`, without the venv's path."""
    words = [Path(argv[0]).name.removesuffix(".exe")]
    words += [f'"{word}"' if " " in word else word for word in argv[1:]]
    return " ".join(words)


def environment(pythonpath: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PLEDGES_DB", None)  # the register is ./pledges.db in the temporary folder
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath.resolve())
    return env


def fail(message: str) -> NoReturn:
    print(f"Error: {message}", file=sys.stderr)
    raise SystemExit(1)


def check(argv: list[str], folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        fail(f"{shown(argv)} exited {done.returncode}: {done.stderr.strip()}")
    return done


def compile_package(folder: Path, env: dict[str, str]) -> str:
    """Byte-compile the pledges package that the commands import; returns its folder."""
    where = check([str(PYTHON), "-c", "import pledges; print(pledges.__path__[0])"], folder, env)
    package = where.stdout.strip()
    check([str(PYTHON), "-m", "compileall", "-q", package], folder, env)
    return package


def run_once(argv: list[str], folder: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    code = subprocess.run(
        argv,
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    ).returncode
    elapsed = (time.perf_counter() - start) * 1000
    if code != 0:
        fail(f"{shown(argv)} exited {code} during the measurement")
    return elapsed


def measure(
    todo: list[Pair], runs: int, warmup: int, folder: Path, env: dict[str, str]
) -> list[Measured]:
    measured = [
        Measured(pair, Timing(pair.command), Timing(pair.floor), Timing(pair.tuned_floor))
        for pair in todo
    ]
    for round_ in range(-warmup, runs):
        for item in measured:
            timings = [item.command, item.floor, item.tuned_floor]
            turn = round_ % len(timings)
            for timing in timings[turn:] + timings[:turn]:
                elapsed = run_once(timing.argv, folder, env)
                if round_ >= 0:  # warm-up rounds fill the page cache and are not kept
                    timing.samples_ms.append(elapsed)
    return measured


def machine(package: str | None) -> dict[str, object]:
    info: dict[str, object] = {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "bytecode_precompiled": package is not None,
        "package": package,
        "gc_thresholds": list(GC_THRESHOLDS),
    }
    for name in LIBRARIES:
        try:
            info[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            info[name] = None
    if hasattr(os, "getloadavg"):  # how busy the machine was: noise in the figures
        info["load_average_1_5_15_min"] = [round(load, 2) for load in os.getloadavg()]
    return info


def markdown(measured: list[Measured], runs: int, info: dict[str, object]) -> str:
    lines = [
        "| start-up | command | median | floor | floor median | ratio | target "
        "| tuned floor median | ratio to it |",
        "| --- | --- | ---: | --- | ---: | ---: | --- | ---: | ---: |",
    ]
    for item in measured:
        verdict = "met" if item.ratio <= item.pair.limit else "missed"
        lines.append(
            f"| {item.pair.name} | `{item.command.shown}` | {item.command.median_ms:.0f} ms "
            f"| `{item.floor.shown}` | {item.floor.median_ms:.0f} ms | {item.ratio:.2f}x "
            f"| ≤ {item.pair.limit}x, {verdict} | {item.tuned_floor.median_ms:.0f} ms "
            f"| {item.tuned_ratio:.2f}x |"
        )
    lines += [
        "",
        f"Medians of {runs} runs each, interleaved; {info['cpu_count']} CPUs, "
        f"Python {info['python']} ({info['machine']}), typer {info['typer']}, "
        f"SQLAlchemy {info['sqlalchemy']}, pydantic {info['pydantic']}, rich {info['rich']}. "
        "The tuned floor is the same floor with the garbage collector set up as `pledges` sets "
        f"it up (`gc.set_threshold{GC_THRESHOLDS}` first, `gc.freeze()` at exit).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=21, help="timed runs of each command")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    parser.add_argument(
        "--no-compile", action="store_true", help="do not byte-compile the pledges package first"
    )
    parser.add_argument(
        "--pythonpath",
        type=Path,
        help="time the pledges package in this folder (e.g. an older checkout) instead",
    )
    args = parser.parse_args(argv)
    if args.runs < 2:
        parser.error("--runs must be at least 2")
    for exe in (PYTHON, PLEDGES):
        if not exe.exists():
            fail(f"{exe} is missing: run this with the project's venv python (.venv/bin/python)")

    env = environment(args.pythonpath)
    with tempfile.TemporaryDirectory(prefix="pledges-bench-") as tmp:
        folder = Path(tmp)
        package = None if args.no_compile else compile_package(folder, env)
        check([str(PLEDGES), "init"], folder, env)
        todo = pairs()
        for pair in todo:  # every command works before anything is timed
            for command in (pair.command, pair.floor, pair.tuned_floor):
                check(command, folder, env)
        measured = measure(todo, args.runs, args.warmup, folder, env)

    info = machine(package)
    result = {
        "benchmark": "startup",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": args.runs,
        "warmup_rounds": args.warmup,
        "machine": info,
        "pairs": [item.summary() for item in measured],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(markdown(measured, args.runs, info))
    print(f"\n(JSON written to {args.out})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

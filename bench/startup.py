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
on all of them), each run a fresh process started by the launcher of bench/harness.py (its wall
time, fork to exit), its output thrown away. The pledges package is byte-compiled first, as an
installed wheel is: without it every run compiles pledges' own sources again when
PYTHONDONTWRITEBYTECODE is set (`--no-compile` measures that).

It prints a Markdown table for the README and writes bench/results/startup.json. It exits 1 only
when it cannot measure.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import harness
from harness import PLEDGES, PYTHON, CannotMeasure, Measured

PLEDGE_ID = "cn-co2-peak-2030"


@dataclass(frozen=True)
class Pair:
    name: str
    command: list[str]  # what is measured
    imports: str  # what it cannot avoid: its floor is `python -c "<imports>"`
    limit: float  # the ratio to the floor it should stay within

    def measured(self, thresholds: tuple[int, ...]) -> Timed:
        tuned = f"import gc; gc.set_threshold{thresholds}; {self.imports}; gc.freeze()"
        floor, tuned_floor = ([str(PYTHON), "-c", code] for code in (self.imports, tuned))
        return Timed(self, Measured("command", self.command), Measured("floor", floor),
                     Measured("tuned floor", tuned_floor))  # fmt: skip


@dataclass
class Timed:
    """A pair's command, its floor and its tuned floor, and their runs."""

    pair: Pair
    command: Measured
    floor: Measured
    tuned_floor: Measured

    @property
    def commands(self) -> list[Measured]:
        return [self.command, self.floor, self.tuned_floor]

    @property
    def ratio(self) -> float:
        return self.command.seconds / self.floor.seconds

    @property
    def tuned_ratio(self) -> float:
        return self.command.seconds / self.tuned_floor.seconds

    def summary(self) -> dict[str, object]:
        return {
            "name": self.pair.name,
            "command": timing(self.command),
            "floor": timing(self.floor),
            "tuned_floor": timing(self.tuned_floor),
            "ratio": round(self.ratio, 3),
            "limit": self.pair.limit,
            "met": self.ratio <= self.pair.limit,
            "ratio_to_tuned_floor": round(self.tuned_ratio, 3),
        }


def timing(item: Measured) -> dict[str, object]:
    samples = [run.seconds * 1000 for run in item.runs]
    q1, _, q3 = statistics.quantiles(samples, n=4)
    return {
        "command": item.display,
        "median_ms": round(statistics.median(samples), 2),
        "min_ms": round(min(samples), 2),
        "q1_ms": round(q1, 2),
        "q3_ms": round(q3, 2),
        "samples_ms": [round(s, 2) for s in samples],
    }


def check(argv: list[str], folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CannotMeasure(f"{harness.shown(argv)} exited {done.returncode}: {done.stderr}")
    return done


def gc_thresholds(folder: Path, env: dict[str, str]) -> tuple[int, ...]:
    """The garbage collector's thresholds in a `pledges` process (pledges.cli.main sets them),
    read as it exits: the tuned floors use the same."""
    probe = (
        "import atexit, gc, runpy, sys; "
        "atexit.register(lambda: print(*gc.get_threshold(), file=sys.stderr)); "
        f"sys.argv = ['pledges', '--help']; runpy.run_path({str(PLEDGES)!r}, run_name='__main__')"
    )
    return tuple(int(n) for n in check([str(PYTHON), "-c", probe], folder, env).stderr.split())


def compile_package(folder: Path, env: dict[str, str]) -> str:
    """Byte-compile the pledges package that the commands import; returns its folder."""
    where = check([str(PYTHON), "-c", "import pledges; print(pledges.__path__[0])"], folder, env)
    package = where.stdout.strip()
    check([str(PYTHON), "-m", "compileall", "-q", package], folder, env)
    return package


def markdown(
    measured: list[Timed], runs: int, info: dict[str, object], thresholds: tuple[int, ...]
) -> str:
    lines = [
        "| start-up | command | median | floor | floor median | ratio | target "
        "| tuned floor median | ratio to it |",
        "| --- | --- | ---: | --- | ---: | ---: | --- | ---: | ---: |",
    ]
    for item in measured:
        verdict = "met" if item.ratio <= item.pair.limit else "missed"
        lines.append(
            f"| {item.pair.name} | `{item.command.display}` | {item.command.seconds * 1000:.0f} ms "
            f"| `{item.floor.display}` | {item.floor.seconds * 1000:.0f} ms | {item.ratio:.2f}x "
            f"| ≤ {item.pair.limit}x, {verdict} | {item.tuned_floor.seconds * 1000:.0f} ms "
            f"| {item.tuned_ratio:.2f}x |"
        )
    lines += [
        "",
        f"Medians of {runs} runs each, interleaved; {info['cpu_count']} CPUs, "
        f"Python {info['python']} ({info['machine']}), typer {info['typer']}, "
        f"SQLAlchemy {info['sqlalchemy']}, pydantic {info['pydantic']}, rich {info['rich']}. "
        "The tuned floor is the same floor with the garbage collector set up as `pledges` sets "
        f"it up (`gc.set_threshold{thresholds}` first, `gc.freeze()` at exit).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = harness.options(__doc__, None, runs=21, warmup=2)
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

    env = harness.environment(pythonpath=args.pythonpath)
    pairs = [
        Pair("help", [str(PLEDGES), "--help"], "import typer", 1.5),
        Pair("show", [str(PLEDGES), "show", PLEDGE_ID], "import sqlalchemy.orm, pydantic, typer",
             1.3),
    ]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="pledges-bench-") as tmp:
        folder = Path(tmp)  # the register is ./pledges.db in it
        package = None if args.no_compile else compile_package(folder, env)
        check([str(PLEDGES), "init"], folder, env)
        thresholds = gc_thresholds(folder, env)
        measured = [pair.measured(thresholds) for pair in pairs]
        for item in (item for timed in measured for item in timed.commands):
            check(item.argv, folder, env)  # every command works before anything is timed
        for timed in measured:
            harness.interleaved(timed.commands, args.runs, folder / "run", env,
                                what=timed.pair.name, warmup=args.warmup, sample=False,
                                cwd=folder)  # fmt: skip

    info = harness.machine(bytecode_precompiled=package is not None, package=package,
                           gc_thresholds=list(thresholds))  # fmt: skip
    harness.write_result(args.out, "startup", runs=args.runs, warmup_rounds=args.warmup,
                         machine=info, pairs=[timed.summary() for timed in measured])  # fmt: skip
    print(markdown(measured, args.runs, info, thresholds))
    return 0


if __name__ == "__main__":
    harness.main(main)

"""Time and memory of `pledges suggest --all` beside the audit's floor, and its accuracy on the
gold set.

    .venv/bin/python bench/suggest.py [--runs 3] [--sizes 10000 100000] [--reuse]

For each size it builds (or, with --reuse, keeps) a register with bench/generate_register.py, as
bench/audit.py does, and runs two commands on it, interleaved (their order rotates every round):

    floor    python bench/audit_floor.py REGISTER   (read and normalise every article once, look
                                                     each quote up with `in`)
    suggest  pledges suggest --all --db REGISTER --format json

Suggest must exit 0 and print a JSON list with one object per source; how many sources and
candidates it printed is recorded. Target: suggest takes at most 3x the floor's time.

Then it reads the gold set (tests/suggest_gold.py: the seed articles and tests/suggest_cases/)
at the default --min-score and reports recall and precision (a candidate matches a gold passage
when their spans overlap by at least half of the shorter), with the accuracy of actors, kind and
year on the matched ones, for all texts and for each language. Targets: recall at least 0.9,
precision at least 0.7.

It prints a Markdown table for the README and writes bench/results/suggest.json; it exits 1
only when it cannot measure.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass, field
from typing import Any

import harness
from harness import BENCH, PLEDGES, PYTHON, RESULTS, CannotMeasure, Measured, Register, verdict

sys.path.insert(0, str(BENCH.parent))  # the gold set is read by the tests' own module

from pledges.suggest.scoring import MIN_SCORE
from tests.suggest_gold import Tally, evaluate, gold_texts

TIME_LIMIT = 3.0  # suggest's time, at most this many times the floor's
RECALL, PRECISION = 0.9, 0.7
WORK = RESULTS / "suggest-run"


@dataclass
class Size:
    register: Register
    floor: Measured
    suggest: Measured
    printed: dict[str, int] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.suggest.seconds / self.floor.seconds

    def check(self, item: Measured) -> None:
        if item is not self.suggest:
            return
        try:
            found = json.loads((WORK / "stdout").read_bytes())
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CannotMeasure(f"suggest did not print JSON ({error})") from None
        if not isinstance(found, list) or not all(isinstance(s, dict) for s in found):
            raise CannotMeasure("suggest --all did not print a list of objects")
        sources = self.register.manifest["sources"]
        if len(found) != sources:
            raise CannotMeasure(f"suggest printed {len(found)} sources of {sources}")
        self.printed = {
            "sources": len(found),
            "candidates": sum(len(s["candidates"]) for s in found),
        }

    def summary(self) -> dict[str, object]:
        return {
            "pledges": self.register.pledges,
            "register": self.register.summary(),
            "floor": self.floor.summary(),
            "suggest": {**self.suggest.summary(), "printed": self.printed},
            "time_ratio": round(self.ratio, 3),
            "time_limit": TIME_LIMIT,
            "time_met": self.ratio <= TIME_LIMIT,
        }


def accuracy(tallies: dict[str, Tally]) -> dict[str, dict[str, float | int]]:
    def share(part: int, whole: int) -> float:
        return round(part / whole, 3) if whole else 1.0

    return {
        language: {
            "gold": t.gold, "suggested": t.suggested, "matched": t.matched,
            "recall": round(t.recall, 3), "precision": round(t.precision, 3),
            "actors": share(t.actors, t.matched), "kind": share(t.kinds, t.matched),
            "year": share(t.years, t.matched), "negatives": t.negatives,
            "negatives_suggested": t.negatives_suggested,
        }
        for language, t in tallies.items()
    }  # fmt: skip


def _met(found: float, least: float) -> str:
    return f"{found:.2f} ({'met' if found >= least else 'missed'})"


def markdown(sizes: list[Size], scores: dict[str, dict[str, Any]], runs: int) -> str:
    lines = [
        "| pledges | sources | floor | suggest --all | ratio (≤ 3x) | suggest peak | CPU |",
        "| ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for size in sizes:
        lines.append(
            f"| {size.register.pledges:,} | {size.register.manifest['sources']:,} "
            f"| {size.floor.cell()} | {size.suggest.cell()} | {verdict(size.ratio, TIME_LIMIT)} "
            f"| {size.suggest.peak_mb:.0f} MB | {size.suggest.cpu_seconds:.2f} s |"
        )
    lines += [
        "",
        "| texts | gold passages | suggested | recall (≥ 0.9) | precision (≥ 0.7) | actors "
        "| kind | year | non-commitments suggested |",
        "| --- | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    names = {"all": "all", "en": "English", "zh": "Chinese"}
    for language, s in scores.items():
        lines.append(
            f"| {names.get(language, language)} | {s['gold']} | {s['suggested']} "
            f"| {_met(s['recall'], RECALL)} | {_met(s['precision'], PRECISION)} "
            f"| {s['actors']:.2f} | {s['kind']:.2f} | {s['year']:.2f} "
            f"| {s['negatives_suggested']} of {s['negatives']} |"
        )
    lines += ["", f"Medians of {runs} runs, floor and suggest interleaved; the gold set at "
              f"--min-score {MIN_SCORE}."]  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = harness.options(__doc__, [10_000, 100_000], runs=3, warmup=0)
    parser.add_argument(
        "--reuse", action="store_true", help="keep registers built before with the same settings"
    )
    args = parser.parse_args(argv)
    wanted = harness.sizes_wanted(parser, args)
    env = harness.environment()
    sizes = []
    for pledges in wanted:
        register = harness.register(pledges, args, args.reuse, env)
        floor = [str(PYTHON), str(BENCH / "audit_floor.py"), str(register.path)]
        suggest = [str(PLEDGES), "suggest", "--all", "--db", str(register.path),
                   "--format", "json"]  # fmt: skip
        sizes.append(Size(register, Measured("floor", floor), Measured("suggest", suggest)))
    for size in sizes:
        harness.warm(size.register.path)
        harness.interleaved([size.floor, size.suggest], args.runs, WORK, env,
                            what=f"{size.register.pledges} pledges", warmup=args.warmup,
                            check=size.check)  # fmt: skip
    shutil.rmtree(WORK, ignore_errors=True)
    scores = accuracy(evaluate(gold_texts(), MIN_SCORE))
    harness.write_result(
        args.out, "suggest", runs=args.runs, warmup_rounds=args.warmup, seed=args.seed,
        machine=harness.machine(), sizes=[size.summary() for size in sizes], accuracy=scores,
    )  # fmt: skip
    print(markdown(sizes, scores, args.runs))
    return 0


if __name__ == "__main__":
    harness.main(main)

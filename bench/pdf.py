"""`pledges source add` of a 100-page PDF, timed beside the bare extraction of the same file.

    .venv/bin/python bench/pdf.py [--runs 11] [--pages 100]

It writes bench/results/pdf-100.pdf, a report of `--pages` pages of varied English prose about
climate pledges (about 2,800 characters a page: hard-wrapped lines, some words hyphenated at a
line end, paragraphs separated by a blank line), made with reportlab from a seeded generator.
Then it times, interleaved, each run a fresh process (bench/harness.py):

    add   `pledges source add pdf-100.pdf --id ... --title ... --reason ... --db <register>`,
          into a fresh copy of a register `pledges init` made (copied before each run, untimed)
    bare  `python bench/pdf_bare.py pdf-100.pdf`: pypdfium2 opens the PDF and extracts every
          page's text, nothing else

and prints their medians and the ratio (the target: at most 1.5x). With --breakdown it times
two more, to tell where the time goes:

    read  `python -c "documents.read(pdf-100.pdf)"`: the reading alone, as `source add` does
          it (lines joined, paragraphs, language), without the command around it
    fixed `pledges source add one-line.txt ...`: what the command costs whatever it adds
          (its start-up, its libraries, the register's write)

It writes bench/results/pdf.json. It exits 1 only when it cannot measure.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import harness
from harness import BENCH, PLEDGES, PYTHON, RESULTS, CannotMeasure, Measured

TARGET = 1.5
LINE_WIDTH = 92  # characters a line holds, at 9.5 pt Helvetica on A4
LINES = 40  # lines a page holds
SUBJECTS = [
    "The government", "The ministry of ecology", "The European Commission", "The state council",
    "The national energy administration", "The city council", "A coalition of utilities",
    "The environment agency", "The finance ministry", "Provincial authorities",
]  # fmt: skip
VERBS = [
    "has committed to", "announced plans to", "pledged to", "set out a strategy to",
    "confirmed its intention to", "adopted legislation to", "published a roadmap to",
]  # fmt: skip
OBJECTS = [
    "cut net greenhouse gas emissions by {p} percent by {y}",
    "reach carbon neutrality before {y}",
    "raise the share of non-fossil energy to {p} percent by {y}",
    "phase out unabated coal power generation by {y}",
    "reduce methane emissions from the energy sector by {p} percent by {y}",
    "install {n} gigawatts of wind and solar capacity by {y}",
    "halt deforestation across its territory by {y}",
    "electrify {p} percent of new passenger car sales by {y}",
]
CLAUSES = [
    "measured against {b} levels", "according to a statement released on Tuesday",
    "although critics described the measures as insufficient", "subject to annual review",
    "in line with the commitments made under the Paris Agreement",
    "with interim milestones reported to parliament every two years",
    "notwithstanding considerable uncertainty about international financing",
    "while independent analysts questioned the underlying assumptions",
]  # fmt: skip


def sentence(rng: random.Random) -> str:
    fill = {
        "p": rng.choice([25, 30, 40, 45, 50, 55, 62, 65, 80]),
        "y": rng.choice([2025, 2030, 2035, 2040, 2050, 2060]),
        "b": rng.choice([1990, 2005, 2010, 2019]),
        "n": rng.choice([300, 1200, 1500]),
    }
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    if rng.random() < 0.7:
        text += f", {rng.choice(CLAUSES)}"
    return text.format(**fill) + "."


def wrapped(paragraph: str, rng: random.Random) -> list[str]:
    """A paragraph's lines, as a typesetter breaks them: long words that do not fit are
    sometimes hyphenated."""
    lines, line = [], ""
    for word in paragraph.split():
        if len(line) + 1 + len(word) <= LINE_WIDTH:
            line = f"{line} {word}" if line else word
            continue
        room = LINE_WIDTH - len(line) - 2
        if len(word) >= 8 and word.isalpha() and room >= 3 and rng.random() < 0.6:
            cut = min(room, len(word) - 3)
            lines.append(f"{line} {word[:cut]}-")
            line = word[cut:]
        else:
            lines.append(line)
            line = word
    return [*lines, line]


def write_pdf(path: Path, pages: int, seed: int = 1) -> int:
    """The report, written to `path`; returns how many characters of prose it holds."""
    from reportlab.pdfgen import canvas  # type: ignore[import-untyped]

    rng = random.Random(seed)
    page_canvas = canvas.Canvas(str(path), invariant=True)
    characters = 0
    for _ in range(pages):
        y, used = 800.0, 0
        while used < LINES:
            paragraph = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
            for line in wrapped(paragraph, rng)[: LINES - used]:
                page_canvas.setFont("Helvetica", 9.5)
                page_canvas.drawString(56, y, line)
                characters += len(line)
                y -= 12.5
                used += 1
            y -= 12.5  # a blank line between paragraphs
            used += 1
        page_canvas.showPage()
    page_canvas.save()
    return characters


def main(argv: list[str] | None = None) -> int:
    parser = harness.options(__doc__, None, runs=11, warmup=1)
    parser.add_argument("--pages", type=int, default=100, help="pages of the PDF")
    parser.add_argument("--breakdown", action="store_true", help="also time read and fixed")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.pages < 1:
        parser.error("--runs and --pages must be at least 1")

    env = harness.environment()
    work = RESULTS / "pdf-work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    pdf = RESULTS / f"pdf-{args.pages}.pdf"
    characters = write_pdf(pdf, args.pages)
    print(f"Wrote {pdf.name}: {args.pages} pages, {characters:,} characters.", file=sys.stderr)
    blank = work / "initialised.db"
    done = subprocess.run([str(PLEDGES), "init", "--db", str(blank)], env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise CannotMeasure(f"pledges init exited {done.returncode}: {done.stderr}")
    register = work / "register.db"
    add = Measured("add", [
        str(PLEDGES), "source", "add", str(pdf), "--id", "bench-report", "--title",
        "A long report", "--reason", "benchmark", "--db", str(register),
    ], display=f"pledges source add {pdf.name} --id … --title … --reason … --db …")  # fmt: skip
    bare = Measured("bare", [str(PYTHON), str(BENCH / "pdf_bare.py"), str(pdf)])
    commands = [add, bare]
    if args.breakdown:
        line = work / "one-line.txt"
        line.write_text("China aims to reach carbon neutrality before 2060.\n", encoding="utf-8")
        code = "from pathlib import Path; from pledges import documents; "
        code += f"documents.read(Path({str(pdf)!r}))"
        commands += [
            Measured("read", [str(PYTHON), "-c", code], display=f"documents.read({pdf.name})"),
            Measured("fixed", [*add.argv[:3], str(line), *add.argv[4:]],
                     display="pledges source add one-line.txt --id … --db …"),
        ]  # fmt: skip

    def ready(item: Measured, _round: int) -> None:
        if item.argv[:3] == add.argv[:3]:
            shutil.copyfile(blank, register)

    def check(item: Measured) -> None:
        if item is bare:
            said = (work / "run" / "stdout").read_text("utf-8")
            if not said.strip().isdigit():
                raise CannotMeasure(f"{item.display} said: {said}")
        elif item.name in ("add", "fixed"):
            said = (work / "run" / "stderr").read_text("utf-8")
            if "Added source bench-report" not in said:
                raise CannotMeasure(f"{item.display} said: {said}")

    harness.warm(pdf)
    harness.interleaved(commands, args.runs, work / "run", env, what=f"{args.pages} pages",
                        warmup=args.warmup, ready=ready, check=check)  # fmt: skip
    shutil.rmtree(work)

    found = harness.ratio(add, bare)
    info = harness.machine(pypdfium2=_version("pypdfium2"))
    harness.write_result(
        args.out, "pdf", runs=args.runs, warmup_rounds=args.warmup, pages=args.pages,
        characters=characters, machine=info,
        commands={item.name: item.summary() for item in commands},
        ratio=None if found is None else round(found, 3), target=TARGET,
    )  # fmt: skip
    print("| command | median | ratio to bare | target |")
    print("| --- | ---: | ---: | --- |")
    print(f"| `{add.display}` | {add.cell()} | {harness.verdict(found, TARGET)} | ≤ {TARGET}x |")
    print(f"| `{bare.display}` | {bare.cell()} | 1.00x | |")
    for item in commands[2:]:
        shown = harness.ratio(item, bare)
        print(
            f"| `{item.display}` | {item.cell()} | {'—' if shown is None else f'{shown:.2f}x'} | |"
        )
    print(
        f"\nMedians of {args.runs} runs each, interleaved; {args.pages} pages, "
        f"{characters:,} characters; {info['cpu_count']} CPUs, Python {info['python']}, "
        f"pypdfium2 {info['pypdfium2']}."
    )
    return 0


def _version(package: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


if __name__ == "__main__":
    harness.main(main)

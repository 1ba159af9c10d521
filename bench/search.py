"""Time of the search index's build and of searches, each beside sqlite-utils doing the same.

    .venv/bin/python bench/search.py [--runs 5] [--warmup 1] [--sizes 10000 100000] [--rebuild]

For each size it takes the audit benchmark's register in bench/results/ (audit-register-N.db: N
pledges, 2N quotes, N/5 sources with about 4 KB of English text each), kept when its manifest says
it was built by the same generator with the same size, seed and actors in the last 30 days, as
bench/transfer.py keeps it; otherwise (or with --rebuild) it is built anew with
bench/generate_register.py. Then, untimed:

    REGISTER   a copy of it brought to the current schema (`pledges db upgrade`), the search index
               with it
    OLD        a copy of REGISTER after `pledges db downgrade 0004`: migration 0005 adds the search
               index and drops nothing else, so OLD is the register without its index
    PEER       a copy of OLD with sqlite-utils' own index (`sqlite-utils enable-fts` on the three
               tables below, once)

Then three comparisons, each pair interleaved (the order within a pair alternates every round),
after --warmup rounds that are not kept, and repeated --runs times:

    index build   pledges db upgrade --db COPY
        peer      one `sh` running, one after the other,
                    sqlite-utils enable-fts PEERCOPY sources title text
                    sqlite-utils enable-fts PEERCOPY evidence quote
                    sqlite-utils enable-fts PEERCOPY pledges title statement
                  COPY and PEERCOPY are fresh copies of OLD, made before each run (not timed).
                  Target: ours at most 1.5x the peer's time.

    queries       pledges search QUERY --in sources --limit 20 --format json --db REGISTER
        peer      sqlite-utils search PEER sources QUERY --limit 20 -c id -c title
                  for each query of QUERIES below: one word, two words, a phrase, a prefix, an
                  exclusion and Chinese words. The peer takes FTS5's syntax: the same query, but
                  `-word` is written `NOT word`. The register's texts are English, so neither
                  finds anything for the Chinese words (nor would the peer inside unspaced
                  Chinese text: its tokenizer takes a run of Chinese characters for one word);
                  they are timed all the same. The ratio of a query is ours over the peer's
                  (medians of its runs); target: the median of those ratios at most 1x.

    all kinds     pledges search QUERY --limit 20 --format json --db REGISTER
        peer      one `sh` running sqlite-utils search on sources, evidence and pledges
                  for a few queries, reported beside the queries (no target).

Every run is a fresh process, started by the small launcher of bench/harness.py, which reports
its wall time (fork to exit) and CPU time (user + system, the children it waited for included).
A peer's time is that of its one `sh` or sqlite-utils process, start-ups included, as a user
typing the commands would wait; `pledges` starts once. Medians over the runs are reported.

Checks, on every run: each command exits 0; after an index build, COPY is at the head revision
and holds the search index, PEERCOPY holds the three sqlite-utils indexes; our search prints a
JSON list and the peer's a JSON list; for each English query where the peer finds a source, ours
finds at least one.

The writes that keep the index in step are not timed here: bench/transfer.py times the import
into a register that has the index (its figures include that work).

It prints Markdown tables for the README and writes bench/results/search.json. It exits 0
whatever the ratios are: a benchmark reports, it does not assert. It exits 1 only when it cannot
measure: a register cannot be built or prepared, a command fails, or a check above does not hold
(the errors, each with the command's stderr, are printed at the end and recorded in the JSON).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import statistics
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
BUILD_LIMIT = 1.5  # the index build, at most this many times the peer's
QUERY_LIMIT = 1.0  # the median over queries of ours over the peer's
LIMIT = 20
BEFORE_INDEX = "0004"  # the revision before the one that adds the search index
PEER_FTS = (("sources", ("title", "text")), ("evidence", ("quote",)),
            ("pledges", ("title", "statement")))  # fmt: skip
WORK = RESULTS / "search-run"
Env = dict[str, str]
Step = Callable[[], None]  # readies a run, or checks what it did


def nothing() -> None:
    pass


@dataclass(frozen=True)
class Query:
    kind: str  # word, two words, phrase, prefix, exclusion, Chinese
    ours: str
    peer: str  # the same in FTS5's syntax

    @property
    def english(self) -> bool:
        return self.kind != "Chinese"


def query(kind: str, ours: str, peer: str | None = None) -> Query:
    return Query(kind, ours, ours if peer is None else peer)


# Words the generator's articles hold (bench/data/articles.json), common and rare, and one they
# never hold (hydrogen), so that some queries find many sources and some few or none.
QUERIES = (
    query("word", "methane"),
    query("word", "coal"),
    query("word", "emissions"),
    query("word", "neutrality"),
    query("word", "deforestation"),
    query("word", "adaptation"),
    query("word", "hydropower"),
    query("word", "hydrogen"),
    query("two words", "solar capacity"),
    query("two words", "cement steel"),
    query("two words", "nuclear prices"),
    query("phrase", '"net zero"'),
    query("phrase", '"carbon neutrality"'),
    query("phrase", '"greenhouse gas emissions"'),
    query("prefix", "net*"),
    query("prefix", "defor*"),
    query("prefix", "renew*"),
    query("exclusion", "coal -gas", "coal NOT gas"),
    query("exclusion", "solar -wind", "solar NOT wind"),
    query("Chinese", "碳中和"),
    query("Chinese", "甲烷"),
    query("Chinese", "煤炭"),
    query("Chinese", "可再生能源"),
)
ALL_KINDS = tuple(q for q in QUERIES if q.ours in ("methane", '"net zero"', "renew*", "coal -gas"))


# --- preparing the registers --------------------------------------------------------------------


def run(argv: list[str], env: Env) -> None:
    """An untimed command that must succeed."""
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CannotMeasure(
            f"{shown(argv)} exited {done.returncode}: {done.stderr.strip()[-4000:]}"
        )


def copy(source: Path, target: Path) -> None:
    remove(target)
    shutil.copyfile(source, target)


def tables(db: Path) -> set[str]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    finally:
        connection.close()


def revision(db: Path) -> str | None:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if row is None else str(row[0])
    except sqlite3.OperationalError:
        return None
    finally:
        connection.close()


def ours_index(db: Path) -> set[str]:
    return {name for name in tables(db) if name.startswith("search_")}


def peer_indexes(db: Path) -> set[str]:
    return {f"{table}_fts" for table, _ in PEER_FTS} & tables(db)


def enable_fts(db: Path) -> list[list[str]]:
    return [[str(SQLITE_UTILS), "enable-fts", str(db), table, *columns]
            for table, columns in PEER_FTS]  # fmt: skip


# --- the benchmark ------------------------------------------------------------------------------


@dataclass
class Hits:
    """What each side found for a query, in its last run."""

    ours: int | None = None
    peer: int | None = None


@dataclass
class Size:
    register: Register
    head: str = ""
    index_tables: list[str] = field(default_factory=list)
    build: tuple[Measured, Measured] | None = None
    queries: dict[Query, tuple[Measured, Measured]] = field(default_factory=dict)
    hits: dict[Query, Hits] = field(default_factory=dict)
    all_kinds: dict[Query, tuple[Measured, Measured]] = field(default_factory=dict)

    @property
    def pledges(self) -> int:
        return self.register.pledges

    def pairs(self) -> list[tuple[Measured, Measured]]:
        built = [self.build] if self.build else []
        return [*built, *self.queries.values(), *self.all_kinds.values()]

    @property
    def errors(self) -> list[str]:
        return [item.error for pair in self.pairs() for item in pair if item.error]

    def query_ratios(self) -> list[float]:
        return [r for ours, peer in self.queries.values() if (r := ratio(ours, peer)) is not None]

    @property
    def median_ratio(self) -> float | None:
        found = self.query_ratios()
        complete = len(found) == len(self.queries) and bool(found)
        return statistics.median(found) if complete else None

    @property
    def build_ratio(self) -> float | None:
        return ratio(*self.build) if self.build else None

    def summary(self) -> dict[str, object]:
        def pair(ours: Measured, peer: Measured) -> dict[str, object]:
            found = ratio(ours, peer)
            return {"ours": ours.summary(), "peer": peer.summary(),
                    "ratio": None if found is None else round(found, 3)}  # fmt: skip

        median = self.median_ratio
        build = self.build_ratio
        return {
            "pledges": self.pledges,
            "register": self.register.summary(head=self.head, index_tables=self.index_tables),
            "errors": self.errors,
            "index_build": None if self.build is None else {
                **pair(*self.build), "time_limit": BUILD_LIMIT,
                "time_met": None if build is None else build <= BUILD_LIMIT},
            "queries": [
                {"kind": q.kind, "query": q.ours, "peer_query": q.peer,
                 "our_hits": self.hits[q].ours, "peer_hits": self.hits[q].peer, **pair(*p)}
                for q, p in self.queries.items()
            ],
            "median_query_ratio": None if median is None else round(median, 3),
            "query_limit": QUERY_LIMIT,
            "query_met": None if median is None else median <= QUERY_LIMIT,
            "all_kinds": [{"query": q.ours, "peer_query": q.peer, **pair(*p)}
                          for q, p in self.all_kinds.items()],
        }  # fmt: skip


def json_list(what: str) -> list[object]:
    """What a search printed: a JSON list, or the run cannot be counted."""
    try:
        found = json.loads((WORK / "stdout").read_bytes() or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        began = harness.tail(WORK / "stdout", 300)
        raise CannotMeasure(f"{what} did not print JSON ({error}); it began: {began!r}") from None
    if not isinstance(found, list):
        raise CannotMeasure(f"{what} printed JSON that is not a list")
    return found


def pair_run(size: Size, what: str, pair: tuple[Measured, Measured], args: Namespace, env: Env,
             ready: dict[str, Step], check: dict[str, Step]) -> None:  # fmt: skip
    """Run our command and the peer's interleaved; a command that fails is run no more."""
    harness.interleaved(
        pair, args.runs, WORK, env, what=f"{size.pledges} pledges, {what}", warmup=args.warmup,
        sample=False, keep_going=True,
        ready=lambda item, _: ready.get(item.name, nothing)(),
        check=lambda item: check[item.name](),
    )  # fmt: skip


def measure(size: Size, args: Namespace, env: Env) -> None:
    base = WORK / str(size.pledges)
    base.mkdir(parents=True, exist_ok=True)
    current, old, peer_db = base / "register.db", base / "register-0004.db", base / "peer.db"
    build_copy, peer_copy = base / "build.db", base / "peer-build.db"

    copy(size.register.path, current)
    run([str(PLEDGES), "db", "upgrade", "--db", str(current)], env)
    size.head = revision(current) or ""
    size.index_tables = sorted(ours_index(current))
    if not size.index_tables:
        raise CannotMeasure(f"{current.name} has no search index after `pledges db upgrade`")
    copy(current, old)
    run([str(PLEDGES), "db", "downgrade", BEFORE_INDEX, "--db", str(old)], env)
    if revision(old) != BEFORE_INDEX or ours_index(old):
        raise CannotMeasure(f"{old.name} is not at {BEFORE_INDEX} without its search index")
    copy(old, peer_db)
    run(in_sh(enable_fts(peer_db)), env)

    # The index build: each side on a fresh copy of the register without its index.
    ours = Measured("pledges", [str(PLEDGES), "db", "upgrade", "--db", str(build_copy)],
                    "pledges db upgrade --db COPY")  # fmt: skip
    peer = Measured(
        "sqlite-utils",
        in_sh(enable_fts(peer_copy)),
        "sqlite-utils enable-fts PEERCOPY TABLE COLUMNS, for the 3 tables in one sh",
    )

    def built() -> None:
        if revision(build_copy) != size.head or ours_index(build_copy) != set(size.index_tables):
            raise CannotMeasure(f"the upgrade left COPY at {revision(build_copy)} without the "
                                "whole search index")  # fmt: skip

    def peer_built() -> None:
        if len(peer_indexes(peer_copy)) != len(PEER_FTS):
            raise CannotMeasure("enable-fts left PEERCOPY without its three indexes")

    harness.warm(old)
    size.build = (ours, peer)
    readies = {
        "pledges": lambda: copy(old, build_copy),
        "sqlite-utils": lambda: copy(old, peer_copy),
    }
    pair_run(size, "index build", size.build, args, env, readies,
             {"pledges": built, "sqlite-utils": peer_built})  # fmt: skip
    remove(build_copy)
    remove(peer_copy)

    # The queries: ours on REGISTER, the peer's on its own copy with its index.
    harness.warm(current)
    harness.warm(peer_db)
    for item in QUERIES:
        hits = size.hits[item] = Hits()
        ours = ours_search(item, current, ["--in", "sources"])
        peer = Measured(
            "sqlite-utils",
            peer_search(item, peer_db, "sources", ["-c", "id", "-c", "title"]),
            written(peer_search(item, Path("PEER"), "sources", ["-c", "id", "-c", "title"])),
        )

        def compare(item: Query = item, hits: Hits = hits) -> None:
            if item.english and hits.peer and hits.ours == 0:
                raise CannotMeasure(
                    f"ours found nothing for {item.ours!r}, the peer {hits.peer} sources"
                )

        def ours_done(hits: Hits = hits, compare: Step = compare) -> None:
            hits.ours = len(json_list("pledges search"))
            compare()

        def peer_done(hits: Hits = hits, compare: Step = compare) -> None:
            hits.peer = len(json_list("sqlite-utils search"))
            compare()

        size.queries[item] = (ours, peer)
        pair_run(size, f"query {item.ours}", size.queries[item], args, env, {},
                 {"pledges": ours_done, "sqlite-utils": peer_done})  # fmt: skip

    # Beside them: every kind at once against the peer's three searches.
    for item in ALL_KINDS:
        ours = ours_search(item, current, [])
        searches = [peer_search(item, peer_db, table, ["-c", "id"]) for table, _ in PEER_FTS]
        display = written(peer_search(item, Path("PEER"), "TABLE", ["-c", "id"]))
        peer = Measured("sqlite-utils", in_sh(searches), f"{display}, for the 3 tables in one sh")
        size.all_kinds[item] = (ours, peer)
        pair_run(size, f"all kinds {item.ours}", size.all_kinds[item], args, env, {},
                 {"pledges": lambda: json_checked("pledges search"),
                  "sqlite-utils": nothing})  # fmt: skip


def ours_search(item: Query, db: Path, where: list[str]) -> Measured:
    """`pledges search QUERY [--in sources] --limit 20 --format json --db REGISTER`."""
    more = [*where, "--limit", str(LIMIT), "--format", "json", "--db"]
    argv = [str(PLEDGES), "search", item.ours, *more, str(db)]
    return Measured("pledges", argv, written(["pledges", "search", item.ours, *more, "REGISTER"]))


def peer_search(item: Query, db: Path, table: str, columns: list[str]) -> list[str]:
    """`sqlite-utils search PEER TABLE QUERY --limit 20 -c ...`, the query in FTS5's syntax."""
    return [str(SQLITE_UTILS), "search", str(db), table, item.peer, "--limit", str(LIMIT), *columns]


def written(argv: list[str]) -> str:
    """A command as a shell takes it, the program without its folder: `pledges search 'a b'`."""
    return shlex.join([Path(argv[0]).name, *argv[1:]])


def json_checked(what: str) -> None:
    json_list(what)


# --- reporting ----------------------------------------------------------------------------------


def cell(item: Measured) -> str:
    if not item.measured:
        return item.cell()
    return f"{item.seconds * 1000:.0f} ms" if item.seconds < 1 else f"{item.seconds:.2f} s"


def markdown(sizes: list[Size], args: Namespace, info: dict[str, object]) -> str:
    lines = [
        "| pledges | sources | quotes | index build | sqlite-utils enable-fts | ratio (≤ 1.5x) "
        f"| queries | median ratio over queries (≤ {QUERY_LIMIT:g}x) |",
        "| ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |",
    ]
    for size in sizes:
        manifest = size.register.manifest
        ours, peer = size.build if size.build else (None, None)
        lines.append(
            f"| {size.pledges:,} | {manifest['sources']:,} | {manifest['evidence']:,} "
            f"| {cell(ours) if ours else 'not measured'} "
            f"| {cell(peer) if peer else 'not measured'} "
            f"| {verdict(size.build_ratio, BUILD_LIMIT)} | {len(size.queries)} "
            f"| {verdict(size.median_ratio, QUERY_LIMIT)} |"
        )
    for size in sizes:
        lines += [
            "",
            f"{size.pledges:,} pledges, each query (`--in sources`, at most {LIMIT} hits):",
            "",
            "| kind | query | peer's query | ours | sqlite-utils search | ratio "
            "| our hits | peer's hits |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for item, (ours, peer) in size.queries.items():
            found = ratio(ours, peer)
            hits = size.hits[item]
            lines.append(
                f"| {item.kind} | `{item.ours}` | `{item.peer}` | {cell(ours)} | {cell(peer)} "
                f"| {'—' if found is None else f'{found:.2f}x'} "
                f"| {'—' if hits.ours is None else hits.ours} "
                f"| {'—' if hits.peer is None else hits.peer} |"
            )
        lines += [
            "",
            f"{size.pledges:,} pledges, every kind (sources, quotes, pledges) at once, beside the "
            "peer's three searches in one sh (no target):",
            "",
            "| query | ours | sqlite-utils search, 3 tables | ratio |",
            "| --- | ---: | ---: | ---: |",
        ]
        for item, (ours, peer) in size.all_kinds.items():
            found = ratio(ours, peer)
            lines.append(f"| `{item.ours}` | {cell(ours)} | {cell(peer)} "
                         f"| {'—' if found is None else f'{found:.2f}x'} |")  # fmt: skip
    lines += [
        "",
        f"Medians of {args.runs} runs each after {args.warmup} warm-up round(s), ours and the "
        f"peer interleaved; {info['cpu_count']} CPUs, Python {info['python']} "
        f"({info['machine']}), SQLite {info['sqlite']}. The registers are the audit benchmark's "
        "(bench/generate_register.py), English throughout. A query's ratio is ours over the "
        "peer's; the target is on the median of those ratios. The writes that keep the index in "
        "step are timed by bench/transfer.py (the import).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = harness.options(__doc__, [10_000, 100_000], runs=5, warmup=1)
    parser.add_argument(
        "--rebuild", action="store_true", help="build the registers anew even if they are there"
    )
    args = parser.parse_args(argv)
    wanted = harness.sizes_wanted(parser, args)
    if args.warmup < 0:
        parser.error("--warmup must be at least 0")

    env = harness.environment(SQLITE_UTILS)
    remove(WORK)
    WORK.mkdir(parents=True)
    sizes: list[Size] = []
    failed: list[str] = []
    try:
        for pledges in wanted:
            sizes.append(Size(harness.register(pledges, args, not args.rebuild, env)))
            measure(sizes[-1], args, env)
    except CannotMeasure as failure:
        failed.append(str(failure))
    errors = [*(e for size in sizes for e in size.errors), *failed]

    info = harness.machine()
    harness.write_result(
        args.out, "search", runs=args.runs, warmup_rounds=args.warmup, seed=args.seed,
        limit=LIMIT, build_limit=BUILD_LIMIT, query_limit=QUERY_LIMIT, machine=info,
        sizes=[size.summary() for size in sizes], errors=errors,
    )  # fmt: skip
    if sizes:
        print(markdown(sizes, args, info))
    return harness.finish(errors, WORK)


if __name__ == "__main__":
    harness.main(main)

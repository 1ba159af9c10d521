"""Reading the seed register: seeds/actors.yaml, sources.yaml (with articles/) and pledges.yaml.

Everything is validated before anything is written: the schema, the article files against their
recorded sha256, references between records, and every quote against its article.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pledges.errors import InvalidInput
from pledges.schema import ActorIn, EvidenceIn, PledgeIn, SourceIn, text_sha256
from pledges.textmatch import locate
from pledges.validation import validate

_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Register:
    actors: list[ActorIn]
    sources: list[SourceIn]
    pledges: list[PledgeIn]
    evidence: list[EvidenceIn]


def default_folder() -> Path:
    """seeds/ beside the package in a checkout; inside it (as _seeds) in an installed wheel."""
    for candidate in (_PACKAGE.parent / "seeds", _PACKAGE / "_seeds"):
        if (candidate / "pledges.yaml").exists():
            return candidate
    raise FileNotFoundError("the seed register is missing from this installation")


def _entries(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """Each record of a seed file, with where it stands ("<path>: entry <n>")."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"{path} is missing", "restore the seed register from git") from None
    except yaml.YAMLError as error:
        raise InvalidInput(f"{path} is not valid YAML ({error})", "fix the file") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InvalidInput(f"{path} must be a list of records", "fix the file")
    return [(f"{path}: entry {n}", item) for n, item in enumerate(data, start=1)]


def read(folder: Path) -> Register:
    actors = [validate(ActorIn, entry, at) for at, entry in _entries(folder / "actors.yaml")]
    sources = [_source(folder, entry, at) for at, entry in _entries(folder / "sources.yaml")]
    texts = {source.id: source.text for source in sources}
    actor_ids = {actor.id for actor in actors}
    pledges: list[PledgeIn] = []
    evidence: list[EvidenceIn] = []
    path = folder / "pledges.yaml"
    for at, entry in _entries(path):
        cited = entry.pop("evidence", [])
        pledge = validate(PledgeIn, entry, at)
        where = f"{path}: pledge {pledge.id}"
        for actor in pledge.actors:
            if actor not in actor_ids:
                raise InvalidInput(f"{where}: unknown actor {actor!r}", "add it to actors.yaml")
        if not cited:
            raise InvalidInput(f"{where}: no evidence", "cite at least one verbatim quote")
        for item in cited:
            item = {"pledge_id": pledge.id, "source_id": item.pop("source", None), **item}
            record = validate(EvidenceIn, item, where)
            if record.source_id not in texts:
                raise InvalidInput(
                    f"{where}: unknown source {record.source_id!r}", "add it to sources.yaml"
                )
            if locate(record.quote, texts[record.source_id]) is None:
                raise InvalidInput(
                    f"{where}: quote {record.quote[:50]!r} does not stand in {record.source_id}",
                    "copy the quote verbatim from the article",
                )
            evidence.append(record)
        pledges.append(pledge)
    return Register(actors, sources, pledges, evidence)


def _source(folder: Path, entry: dict[str, Any], where: str) -> SourceIn:
    file, recorded = entry.pop("file", None), entry.pop("sha256", None)
    if not file:
        raise InvalidInput(f"{where}: file is required", "name the article under seeds/articles/")
    path = folder / file
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(
            f"{where}: cannot read {path} ({error})", "restore the article"
        ) from None
    if recorded is not None and text_sha256(text) != recorded:
        raise InvalidInput(
            f"{where}: {path} does not match its recorded sha256",
            "restore the article byte for byte, or record its new sha256 on purpose",
        )
    return validate(SourceIn, {**entry, "text": text}, where)

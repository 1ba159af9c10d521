"""The published JSON Schema of each stored record, generated from schema.py."""

from __future__ import annotations

import json
from pathlib import Path

from pledges.schema import PUBLISHED


def documents() -> dict[str, str]:
    """File name -> JSON Schema text, for every published record."""
    out = {}
    for name, model in PUBLISHED.items():
        document = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            **model.model_json_schema(mode="serialization"),
        }
        out[f"{name}.schema.json"] = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return out


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    texts = documents()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in texts]

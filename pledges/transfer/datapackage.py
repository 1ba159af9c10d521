"""The data package's descriptor, with Table Schemas derived from the pydantic schema.

Each column's type, whether it is required, its allowed values, pattern, length and range come
from the JSON Schema pydantic gives for the stored record (pledges.schema), so that the package
says no more and no less than the register enforces. Lists are written as text joined with ';'
(Table Schema has no type for that in CSV), and their description says so.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pydantic import BaseModel

from pledges.schema import Actor, Evidence, Pledge, Source
from pledges.transfer.tables import ACTORS, EVIDENCE, PLEDGES, SOURCES_PACKAGED, Column, Table

_TYPES = {"text": "string", "int": "integer", "float": "number", "bool": "boolean",
          "date": "date", "datetime": "datetime", "list": "string"}  # fmt: skip
_STORED: dict[str, type[BaseModel]] = {
    "actors": Actor, "sources": Source, "pledges": Pledge, "evidence": Evidence,
}  # fmt: skip
_EXTRA = {  # columns that are not fields of a record
    ("pledges", "evidence_count"): ("How many pieces of evidence cite the pledge.", True),
    ("pledges", "source_ids"): ("The sources its evidence cites, joined with ';'.", False),
    ("sources", "text_path"): ("The file that holds the source's text (UTF-8).", True),
    ("evidence", "page"): ("The page the quote starts on, in a text with pages.", False),
}
_FOREIGN_KEYS = {
    "pledges": [("parent_id", "", "id"), ("superseded_by", "", "id")],
    "evidence": [("pledge_id", "pledges", "id"), ("source_id", "sources", "id")],
}


@cache
def _json_schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def _property(model: type[BaseModel], name: str) -> tuple[dict[str, Any], bool]:
    """The JSON Schema of a field, without the null branch, and whether null is allowed."""
    schema = _json_schema(model)
    prop = dict(schema["properties"][name])
    nullable = False
    if "anyOf" in prop:
        branches = [b for b in prop["anyOf"] if b.get("type") != "null"]
        nullable = len(branches) < len(prop["anyOf"])
        prop = {**{k: v for k, v in prop.items() if k != "anyOf"}, **branches[0]}
    if "$ref" in prop:
        target = schema["$defs"][prop["$ref"].rsplit("/", 1)[1]]
        prop = {**{k: v for k, v in prop.items() if k != "$ref"}, **target}
    return prop, nullable


def field(table: Table, column: Column) -> dict[str, Any]:
    """The Table Schema field of one column."""
    out: dict[str, Any] = {"name": column.name, "type": _TYPES[column.kind]}
    if column.kind == "bool":
        out["trueValues"], out["falseValues"] = ["true"], ["false"]
    if column.kind == "datetime":
        out["format"] = "any"  # ISO 8601 with the UTC offset, as isoformat() writes it
    extra = _EXTRA.get((table.name, column.name))
    if extra is not None:
        description, required = extra
        out["description"] = description
        out["constraints"] = {"required": required}
        return out
    prop, nullable = _property(_STORED[table.name], column.name)
    constraints: dict[str, Any] = {"required": not nullable and column.kind != "list"}
    if column.kind == "list":
        item = prop.get("items", {})
        constraints["required"] = prop.get("minItems", 0) > 0
        out["description"] = " ".join(
            filter(None, [prop.get("description"), "Items joined with ';'."])
        )
        if "pattern" in item:
            constraints["pattern"] = _items_pattern(item["pattern"])
        elif "enum" in item:  # names from a closed list, e.g. a source's from_metadata
            constraints["pattern"] = _items_pattern("|".join(map(re.escape, item["enum"])))
    else:
        if prop.get("description"):
            out["description"] = prop["description"]
        if "enum" in prop:
            constraints["enum"] = list(prop["enum"])
        if "pattern" in prop and column.kind == "text":
            constraints["pattern"] = prop["pattern"]
        bounds = ("minLength", "maxLength") if column.kind == "text" else ("minimum", "maximum")
        constraints.update((key, prop[key]) for key in bounds if key in prop)
    out["constraints"] = constraints
    return out


def allowed(table: str, column: str) -> list[str] | None:
    """The values a column of an export allows, from its record's schema (None: not a
    vocabulary)."""
    if (table, column) in _EXTRA:
        return None
    prop, _ = _property(_STORED[table], column)
    return list(prop["enum"]) if "enum" in prop else None


def _items_pattern(item: str) -> str:
    """A pattern for a ';'-joined list of items that each match `item` (anchored)."""
    bare = item.removeprefix("^").removesuffix("$")
    return f"^(?:{bare})(?:;(?:{bare}))*$"


def table_schema(table: Table) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [field(table, c) for c in table.columns],
        "primaryKey": [table.key],
        "missingValues": [""],
    }
    keys = _FOREIGN_KEYS.get(table.name)
    if keys:
        schema["foreignKeys"] = [
            {"fields": [column], "reference": {"resource": resource, "fields": [target]}}
            for column, resource, target in keys
        ]
    return schema


def descriptor(log_head: dict[str, Any]) -> dict[str, Any]:
    """datapackage.json. `log_head`: the revision of the register's log the files were read at,
    {"seq": N, "hash": "..."}, kept as the package's `log_head` property (a property of our own,
    which the Data Package specification allows and validators ignore)."""
    tables = (PLEDGES, EVIDENCE, SOURCES_PACKAGED, ACTORS)
    return {
        "name": "pledges-register",
        "title": "A register of climate commitments, each backed by verbatim evidence",
        "profile": "tabular-data-package",
        "log_head": log_head,
        "resources": [
            {
                "name": table.name,
                "path": table.file,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(table),
            }
            for table in tables
        ],
    }

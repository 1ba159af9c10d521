"""Reading an option's text as its type without building a pydantic validator for it.

typer turns each value typed on the command line into the parameter's annotated type through a
pydantic `TypeAdapter`, built for each parameter a command is given. Importing pydantic and
building those adapters is a fixed cost of about 0.15 s on every command given an option, more
than a short command's own work (bench/startup.py measures it); the audit, the search and the
commands that only read need no pydantic otherwise.

The register's parameters are plain: text, a path, a choice from an enum, a flag, a value read by
the parameter's own parser (whole numbers), or lists of these. `install` has typer give such a
parameter (its own help options too) a reading that does what typer's does for it, with typer's
own helpers for choices and paths (they need no pydantic); a value it would refuse, or of another
kind, goes to typer's own reading, built then, which refuses it in its own words. This is the one
place that knows typer's coercion: with a typer that no longer has these helpers, `install`
leaves typer as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from functools import cache, partial
from pathlib import Path
from typing import Any, get_args, get_origin

from typer import BadParameter

try:
    from typer._coercion import build_runtime_param
    from typer._param_types import coerce_cli_choice, coerce_cli_path
except ImportError:  # pragma: no cover (another typer: its own reading stays)
    build_runtime_param = None  # type: ignore[assignment]


def install() -> None:
    """Have typer read each plain parameter's values with `Light` (once a process; idempotent)."""
    import typer.core as core  # where typer's parameters look the function up

    if build_runtime_param is not None and getattr(core, "build_runtime_param", None) is (
        build_runtime_param
    ):
        # typer keeps the name private
        core.build_runtime_param = reading  # type: ignore[attr-defined]


def reading(descriptor: Any) -> Any:
    """The reading of a parameter's values (typer.core's build_runtime_param)."""
    if descriptor.file_annotation is None:
        leaf = _leaf(descriptor.annotation, descriptor.parameter_info)
        if leaf is not None:
            return Light(descriptor, leaf)
    return build_runtime_param(descriptor)


def _leaf(annotation: Any, info: Any) -> Any:
    """The type each value is read as (a list's element), or None when it is not plain."""
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation)
    if info.parser is not None or annotation in (str, bool):
        return annotation
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation
    if annotation is Path and info.path_type in (None, Path):  # (its checks: coerce_cli_path)
        return annotation
    return None


class _Unknown(Exception):
    """A value the light reading does not know: typer's reads it."""


class Light:
    """typer's reading of a plain parameter's values (typer.core calls `coerce`)."""

    def __init__(self, descriptor: Any, leaf: Any) -> None:
        self.info = descriptor.parameter_info
        self.leaf = leaf
        self.many = get_origin(descriptor.annotation) is list
        self.typer: Callable[[], Any] = cache(partial(build_runtime_param, descriptor))

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        multiple = param.multiple or param.nargs == -1
        if value is None:
            return () if multiple else None
        if multiple and isinstance(value, str):
            raise BadParameter("Value must be an iterable.", ctx=ctx, param=param)
        try:
            if self.many and isinstance(value, (list, tuple)):
                return [self._one(item, param, ctx) for item in value]
            return self._one(value, param, ctx)
        except _Unknown:
            return self.typer().coerce(value, param=param, ctx=ctx)

    def _one(self, value: Any, param: Any, ctx: Any) -> Any:
        """The value read, as typer reads it; _Unknown for anything typer would refuse or read
        otherwise, so that its own reading says so in its own words."""
        leaf, info = self.leaf, self.info
        if info.parser is not None:
            try:
                return info.parser(value)
            except (ValueError, AssertionError):  # typer's refusal (others pass through)
                raise _Unknown from None
        if leaf in (str, bool) and type(value) is leaf:
            return value
        if leaf is Path and (type(value) is str or isinstance(value, Path)):
            try:
                return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
            except BadParameter:
                raise _Unknown from None
        if isinstance(leaf, type) and issubclass(leaf, Enum):
            try:
                return coerce_cli_choice(
                    value, choices=list(leaf), case_sensitive=info.case_sensitive, ctx=ctx
                )
            except ValueError:
                raise _Unknown from None
        raise _Unknown

"""The provenance report: the register as a static site that people open in a browser.

    build(db, out) -> Built       write the site into the folder `out`

README.md ("Architecture") lists its modules; static/ holds report.css and report.js. The pages
work from disk, and without JavaScript every row of the index shows.

`build` is loaded when first asked for: it imports Jinja2, which `pledges --help` and the export
do not need. (Its module is `building`, not `build`: a submodule of that name would take the
function's place as the package's attribute.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pledges.report.building import Built, build

__all__ = ["Built", "build"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from pledges.report import building

        return getattr(building, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

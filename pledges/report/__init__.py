"""The provenance report: the register as a static site that people open in a browser.

    build(db, out) -> Built       write the site into the folder `out`

Modules: read (the register in a few bulk queries), passages (each quote where
`textmatch.find` places it, in the sentences around it), chart (status and formality over
time, as inline SVG), aside (the audit, run beside the drawing), site (the pages, from the
Jinja2 templates in templates/, with static/report.css and report.js). The folder is written
through pledges.outfolder, only inside it and all or nothing, as the export is. No server and no
front-end build: the pages work from disk, and without JavaScript every row of the index shows.

`build` is loaded when it is first asked for: it imports Jinja2, which `pledges --help` and
the export (which imports pledges.outfolder) do not need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pledges.report.site import Built, build

__all__ = ["Built", "build"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from pledges.report import site

        return getattr(site, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

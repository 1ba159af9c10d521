"""The provenance report: the register as a static site that people open in a browser.

    build(db, out) -> Built       write the site into the folder `out`

Modules: read (the register in a few bulk queries), passages (each quote where
`textmatch.find` places it, in the sentences around it), chart (status and formality over
time, as inline SVG), aside (the audit, run beside the drawing), site (the pages, from the
Jinja2 templates in templates/, with static/report.css and report.js). No server and no
front-end build: the pages work from disk, and without JavaScript every row of the index shows.

Imported only by the `report` command: it imports Jinja2, which `pledges --help` does not need.
"""

from pledges.report.site import Built, build

__all__ = ["Built", "build"]

"""Drawing the audit report: findings grouped by pledge, worst first, and a summary line."""

from __future__ import annotations

import sys
from collections import defaultdict
from typing import TYPE_CHECKING

from pledges.render import note, out

if TYPE_CHECKING:
    from pledges.audit import Finding, Report


def write_json(report: Report) -> None:
    """The report as render.write_json would write it (report.as_dict(), indented by two), one
    finding at a time: a large register's report is never built whole in memory."""
    import json

    write = sys.stdout.write
    summary = json.dumps(report.summary(), indent=2, ensure_ascii=False).replace("\n", "\n  ")
    write('{\n  "summary": ' + summary + ',\n  "findings": [')
    for index, finding in enumerate(report.findings):
        item = json.dumps(finding.as_dict(), indent=2, ensure_ascii=False)
        write(("," if index else "") + "\n    " + item.replace("\n", "\n    "))
    write("\n  ]\n}\n" if report.findings else "]\n}\n")


def report(report: Report, format: str) -> None:
    if format == "json":
        write_json(report)
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        groups[finding.pledge_id or f"source {finding.source_id}"].append(finding)

    def worst(item: tuple[str, list[Finding]]) -> tuple[int, int, str]:
        errors = sum(1 for f in item[1] if f.severity.value == "error")
        return (-errors, -len(item[1]), item[0])

    console = out()
    for subject, findings in sorted(groups.items(), key=worst):
        table = Table(title=subject, title_justify="left", title_style="bold",
                      box=box.SIMPLE_HEAD, pad_edge=False, show_header=False)  # fmt: skip
        table.add_column("severity", no_wrap=True)
        table.add_column("code", no_wrap=True)
        table.add_column("finding", ratio=1)
        for f in findings:
            style = "red" if f.severity.value == "error" else "yellow"
            where = f" (evidence {f.evidence_id})" if f.evidence_id else ""
            table.add_row(
                Text(f.severity.value, style=style),
                f.code,
                Text.assemble(f.message + where, "\n", (f"→ {f.hint}", "dim")),
            )
        console.print(table)
    s = report.summary()
    note(
        f"Audited {s['pledges']} pledges, {s['quotes']} quotes and {s['sources']} sources: "
        f"{s['errors']} errors ({s['pledges_with_errors']} pledges), {s['warnings']} warnings."
    )

"""Drawing the audit report: a summary line, then the findings grouped by pledge, worst first;
and a record's own findings, as `pledges show` and `pledges source show` list them."""

from __future__ import annotations

import sys
from collections import defaultdict
from typing import TYPE_CHECKING

from pledges.render import out, write_jsonl

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console

    from pledges.audit import Finding, Report


def _many(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary_line(report: Report) -> str:
    """What was audited, what it found about it (every finding, shown or not), and which
    findings are shown, with how many: one line."""
    s = report.summary()
    filters = s["filters"]
    audited = [f"pledge {p}" for p in filters.get("pledges", ())]
    if "source" in filters:
        audited.append(f"source {filters['source']} and the pledges citing it")
    shown = [f"code {code}" for code in filters.get("codes", ())]
    if "severity" in filters:
        shown.append(f"severity {filters['severity']}")
    line = (
        f"Audited {_many(s['pledges'], 'pledge')}, {_many(s['quotes'], 'quote')} and "
        f"{_many(s['sources'], 'source')}"
        + (f" (only {', '.join(audited)})" if audited else "")
        + f": {_many(s['errors'], 'error')} ({_many(s['pledges_with_errors'], 'pledge')}), "
        f"{_many(s['warnings'], 'warning')}"
    )
    if not shown:
        return line + "."
    return line + f"; shown: {', '.join(shown)} ({_many(s['shown'], 'finding')})."


def write_json(report: Report) -> None:
    """The report as render.write_json would write it (report.as_dict(), indented by two), one
    finding at a time: a large register's report is never built whole in memory."""
    import json

    write = sys.stdout.write
    summary = json.dumps(report.summary(), indent=2, ensure_ascii=False).replace("\n", "\n  ")
    write('{\n  "summary": ' + summary + ',\n  "findings": [')
    value = json.JSONEncoder(ensure_ascii=False).encode  # (indent=2 would take the slow encoder)
    for index, finding in enumerate(report.findings):
        fields = ",\n      ".join(f"{value(k)}: {value(v)}" for k, v in finding.as_dict().items())
        write(("," if index else "") + "\n    {\n      " + fields + "\n    }")
    write("\n  ]\n}\n" if report.findings else "]\n}\n")


def report(report: Report, format: str) -> None:
    """The summary first, then the findings (json: as one object; jsonl: a finding a line)."""
    if format == "json":
        write_json(report)
        return
    if format == "jsonl":
        write_jsonl(f.as_dict() for f in report.findings)
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
    console.print(summary_line(report), soft_wrap=True)
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


def findings_section(console: Console, findings: Sequence[Finding]) -> None:
    """A record's findings, under a heading, for `pledges show` and `pledges source show`."""
    from rich.padding import Padding
    from rich.text import Text

    console.print(Text(f"\nFindings ({len(findings)})", style="bold"))
    if not findings:
        console.print(Padding(Text("none: the audit finds nothing to correct", style="dim"),
                              (0, 0, 0, 2)))  # fmt: skip
    for f in findings:
        where = f" (evidence {f.evidence_id})" if f.evidence_id else ""
        style = "red" if f.severity.value == "error" else "yellow"
        line = Text.assemble((f.severity.value, style), f" {f.code}: {f.message}{where}")
        console.print(Padding(line, (0, 0, 0, 2)))
        console.print(Padding(Text(f"→ {f.hint}", style="dim"), (0, 0, 0, 4)))

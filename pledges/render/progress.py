"""The progress display on stderr (pledges.progress decides when it is shown, and feeds it).

One line: what is being done, a bar (moving back and forth when the total is not known), how
many things of how many are done, and the time taken. It is drawn only when told (no thread
redraws it: worker processes are forked while it is shown), and cleared when closed. rich
leaves colour out when NO_COLOR is set.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn


class Display:
    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[count]}"),
            TextColumn("{task.fields[elapsed]}", style="progress.elapsed"),
            console=Console(stderr=True, highlight=False),
            auto_refresh=False,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task = self._progress.add_task("", total=None, count="", elapsed="", start=False)

    def show(self, label: str, done: int, total: int | None, elapsed: float) -> None:
        count = f"{done:,}/{total:,}" if total is not None else f"{done:,}" if done else ""
        minutes, seconds = divmod(int(elapsed), 60)
        self._progress.update(
            self._task,
            description=label,
            completed=done,
            total=total,
            count=count,
            elapsed=f"{minutes}:{seconds:02d}",
        )
        if not self._progress.live.is_started:
            self._progress.start()  # drawn at once
        else:
            self._progress.refresh()

    def close(self) -> None:
        self._progress.stop()

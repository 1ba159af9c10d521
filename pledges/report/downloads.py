"""The register beside its report: downloads/ holds what `pledges export` writes (the four CSV
files and register.json), read at the revision of the log the pages show.

On a large register they are written by a process of their own (pledges.parallel), started
before the report reads the register, in a read transaction of its own: writing them is about
as much work as drawing every pledge's page, and the two then share the machine's cores. The
report checks that the process read the revision the pages were drawn from; if the register
changed in between, it stops and says so, writing nothing. On a small register they are written
in the pages' own read transaction.
"""

from __future__ import annotations

from functools import partial

from sqlalchemy.orm import Session

from pledges import history, parallel
from pledges.db import opened, snapshot, transaction
from pledges.errors import InvalidInput
from pledges.outfolder import OutFolder
from pledges.transfer.export import DOWNLOADS, write_downloads

FOLDER = "downloads"
FILES = DOWNLOADS

Pending = list[tuple[str, str, str]]  # files written and not yet moved into place (OutFolder)


class Downloads:
    """The downloads of one report, into `folder` (whose downloads/ must exist: planned and
    created before). `aside`: written by a process of their own, started now."""

    def __init__(self, db: str | None, folder: OutFolder, *, aside: bool) -> None:
        self.child: parallel.Child[tuple[tuple[int, str | None], Pending]] | None = None
        if aside and parallel.forking():
            self.child = parallel.Child(partial(_written, db, folder), name="pledges-downloads")

    def write(self, session: Session, folder: OutFolder) -> None:
        """In the pages' read transaction: write them here, unless a process of their own does."""
        if self.child is None:
            write_downloads(session, folder, FOLDER)

    def collect(self, folder: OutFolder, head: tuple[int, str | None]) -> None:
        """Take the files a process of their own wrote, read at revision `head` of the log."""
        if self.child is None:
            return
        read_at, files = self.child.result()
        folder.adopt(files)
        if read_at != head:
            raise InvalidInput(
                "the register changed while the report was being written",
                "build the report again once the change is saved",
            )

    def close(self) -> None:
        if self.child is not None:
            self.child.close()


def _written(db: str | None, folder: OutFolder) -> tuple[tuple[int, str | None], Pending]:
    """The process's work: the files, and the revision of the log they were read at."""
    before = len(folder.pending)
    with opened(db) as engine, transaction(snapshot(engine)) as session:
        head = history.head(session)
        write_downloads(session, folder, FOLDER)
    return head, folder.pending[before:]

"""The audit's writer of what it stores (pledges.audit.store) as it goes: a fresh audit's facts
a chunk of articles at a time, its pledges' findings a range of pledges at a time, then the
rest with the state last (pledges.audit.run). It writes through a connection of its own, so
that the audit's reads keep theirs, and stops at the first write refused.
"""

from __future__ import annotations

import secrets
from contextlib import ExitStack

from pledges.audit import store
from pledges.audit.register import Register, opened
from pledges.errors import PledgesError


class Keeper:
    """Writes what the audit learns as it goes, through a connection of its own (the audit's
    reads keep theirs); after the first write refused (a read-only or busy register), no more."""

    def __init__(self, url: str) -> None:
        self.url, self.on = url, True
        self.token = secrets.token_hex(8)  # what this audit writes under (store.write)
        self.expect: object = store.UNGUARDED
        self._stack = ExitStack()
        self._register: Register | None = None

    def __call__(self, writes: store.Writes) -> None:
        if not self.on:
            return
        try:
            if self._register is None:
                self._register = self._stack.enter_context(opened(self.url))
            self.on = store.write(self._register, writes, self.expect)
        except PledgesError:  # it cannot be opened again now (busy): the audit goes on
            self.on = False

    def close(self) -> None:
        self._stack.close()

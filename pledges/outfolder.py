"""The folder a command writes the register into (`--out`): written only inside, all or nothing.

Shared by `pledges report` and `pledges export` (which imports it from here; it loads nothing of
the report); they name their files and write them. What it guarantees:

- Every name is checked before anything is written: one the file system cannot hold (too long in
  bytes, not encodable, a path separator), two that differ only by case (one file on macOS or
  Windows), and a folder, named pipe, socket or device standing at a name, refused by name. A
  subfolder that is a symbolic link is refused.
- Nothing is written through a link. Each file is written to a new temporary file in its folder
  (opened relative to the folder's descriptor, never following a link), and moved into place by
  rename: a symbolic or hard link planted at a name is replaced, its target left as it was.
  Subfolders are opened without following links, so a link swapped in after the checks is not
  followed either.
- All or nothing: `commit()` moves the files into place once all are written. A failure before
  that removes every temporary file (forked children's too: they carry the folder's token) and
  the folders this command created, and leaves the files that were there.
- A command may say that it owns the files of a subfolder whose names follow a pattern
  (`retire`): those it did not write this time, left by an earlier run, are removed at commit.

It needs descriptors of folders (POSIX: Linux, macOS).
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from pledges.errors import InvalidInput
from pledges.fields import SLUG_PATTERN

HEAD_FILE = "log-head.json"  # the revision of the log the files were read at
NAME_MAX = 255  # bytes, where the file system does not say
SLUG = re.compile(SLUG_PATTERN)
_NOT_A_FILE = (
    (stat.S_ISDIR, os.strerror(errno.EISDIR)),
    (stat.S_ISFIFO, "Is a named pipe"),
    (stat.S_ISSOCK, "Is a socket"),
    (stat.S_ISCHR, "Is a device"),
    (stat.S_ISBLK, "Is a device"),
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_REPLACE_HINT = "remove or rename it, or choose another folder with --out"
_ID_HINT = (
    "ids are short slugs, so this one was stored behind the tool's back: run 'pledges log verify' "
    "to find the change, and correct the register"
)


def out_path(raw: str) -> Path:
    """--out as typed: a path that names a folder (an empty one would mean the current folder)."""
    if not raw.strip():
        raise InvalidInput(
            f"--out {raw!r} names no folder", "give the folder to write, e.g. --out export"
        )
    return Path(raw)


def file_name(record_id: str, suffix: str) -> str:
    """The file of a record: its id when it is a slug; anything else (a row edited behind the
    tool's back) percent-encoded, dots too, so that no id names a path outside its folder, a
    hidden file, or the file of another id."""
    if SLUG.fullmatch(record_id):
        return record_id + suffix
    return quote(record_id, safe="").replace(".", "%2E") + suffix


def head_json(seq: int, hash: str | None) -> str:
    """log-head.json: the newest revision of the log when the files were read, as `pledges log
    head --format json` prints it (an anchor for `pledges log verify --anchor SEQ:HASH`)."""
    return json.dumps({"seq": seq, "hash": hash}, indent=2) + "\n"


def _kind(mode: int) -> str | None:
    """Why a name cannot be written as a file, or None when it can be (replaced)."""
    return next((why for test, why in _NOT_A_FILE if test(mode)), None)


class OutFolder:
    """--out, for one command: plan every name, then write each to a temporary file, then
    commit. Use it as a context manager: leaving it without `commit()` removes what was written."""

    def __init__(self, out: Path) -> None:
        self.path = out
        self.token = secrets.token_hex(6)
        self.pending: list[tuple[str, str, str]] = []  # (subfolder, temporary name, name)
        self._planned: dict[str, dict[str, str]] = {"": {}}  # subfolder: {casefolded: name}
        self._fds: dict[str, int] = {}
        self._created: list[str] = []  # folders this command made, deepest last
        self._count = 0
        self._committed = False
        self._retired: dict[str, list[str]] = {}  # subfolder: an earlier run's files, to remove
        try:
            mode = os.stat(out).st_mode
        except FileNotFoundError:
            mode = None
        except OSError as error:
            raise self._cannot(out, error) from None
        if mode is not None and not stat.S_ISDIR(mode):
            what = "a file" if stat.S_ISREG(mode) else (_kind(mode) or "not a folder").lower()
            what = what.removeprefix("is ")
            raise InvalidInput(f"{out} is {what}", "give --out a folder (it is created if need be)")
        self._max = _name_max(out)

    # --- planning: every name checked before anything is written ---------------------------

    def plan(self, sub: str, names: Mapping[str, str] | Iterable[str], noun: str = "") -> None:
        """Check the names of the files to write in subfolder `sub` ('' for --out itself).
        `names`: file names, or {file name: the id of the record it holds} with the record's
        `noun`, for the messages."""
        named = names if isinstance(names, Mapping) else {n: n for n in names}
        if sub and sub not in self._planned:
            self._check_name(sub, sub, "", "")
            self._check_subfolder(sub)
            self._planned[""][sub.casefold()] = sub
            self._planned[sub] = {}
        planned = self._planned[sub]
        existing = self._existing(sub)
        for name, record_id in named.items():
            self._check_name(name, record_id, noun, sub)
            other = planned.setdefault(name.casefold(), name)
            if other != name:
                raise InvalidInput(
                    f"{noun}s {named.get(other, other)!r} and {record_id!r} would be written to "
                    f"one file on a file system that ignores case ({self._shown(sub, name)})",
                    _ID_HINT,
                )
            mode = None if existing is None else self._mode(existing, name, sub)
            why = None if mode is None else _kind(mode)
            if why is not None:
                raise InvalidInput(f"cannot write {self.path / sub / name} ({why})", _REPLACE_HINT)

    def _check_name(self, name: str, record_id: str, noun: str, sub: str) -> None:
        try:
            size = len(os.fsencode(name))
        except UnicodeError:
            raise InvalidInput(
                f"{noun} {record_id!r} cannot name a file here: its name cannot be written in "
                f"the file system's encoding ({sys.getfilesystemencoding()})",
                _ID_HINT,
            ) from None
        if name in ("", ".", "..") or "/" in name or "\x00" in name:
            raise InvalidInput(f"{noun} {record_id!r} cannot name a file: {name!r} is reserved",
                               _ID_HINT)  # fmt: skip
        if size > self._max:
            raise InvalidInput(
                f"{noun} {record_id!r} cannot name a file: {self._shown(sub, name)} would be "
                f"{size} bytes long, and the file system allows {self._max}",
                _ID_HINT,
            )

    def _existing(self, sub: str) -> int | None:
        """The descriptor of subfolder `sub` if it exists already (to look at what stands in
        it), else None."""
        if sub in self._fds:
            return self._fds[sub]
        try:
            if not sub:
                self._fds[""] = os.open(self.path, _DIR_FLAGS & ~_NOFOLLOW)  # --out may be a link
            else:
                root = self._existing("")
                if root is None:
                    return None
                self._fds[sub] = os.open(sub, _DIR_FLAGS, dir_fd=root)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise self._cannot(self.path / sub, error) from None
        return self._fds[sub]

    def _mode(self, folder: int, name: str, sub: str = "") -> int | None:
        """The mode of what stands at `name` in the open folder `folder` (a link's own, not its
        target's), or None when nothing does; `sub` names the folder in a message."""
        try:
            return os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode
        except FileNotFoundError:
            return None
        except OSError as error:
            raise self._cannot(self.path / sub / name, error) from None

    def _check_subfolder(self, sub: str) -> None:
        root = self._existing("")
        mode = None if root is None else self._mode(root, sub)
        if mode is None:
            return
        if stat.S_ISLNK(mode):
            raise InvalidInput(
                f"{self.path / sub} is a symbolic link",
                "pledges writes only inside --out, never through a link: remove the link, or "
                "choose another folder with --out",
            )
        if not stat.S_ISDIR(mode):
            raise InvalidInput(f"{self.path / sub} is not a folder", _REPLACE_HINT)

    def retire(self, sub: str, owned: re.Pattern[str]) -> None:
        """Subfolder `sub`'s files whose whole names match `owned` are this command's: those it
        does not write this time (an earlier run's, e.g. the list pages of a larger register) are
        removed by `commit()`, after the new files are in place. Other files there are left
        alone; something other than a file at such a name is refused now, before any writing."""
        if sub not in self._planned:
            raise ValueError(f"{sub} was not planned")  # a bug: a subfolder is planned first
        folder = self._existing(sub)
        names = [] if folder is None else sorted(os.listdir(folder))
        planned = self._planned[sub]
        old = [n for n in names if owned.fullmatch(n) and n.casefold() not in planned]
        for name in old:
            mode = self._mode(folder, name, sub) if folder is not None else None
            why = None if mode is None else _kind(mode)  # a link is removed, not followed
            if why is not None:
                raise InvalidInput(f"cannot remove the old {self.path / sub / name} ({why})",
                                   _REPLACE_HINT)  # fmt: skip
        self._retired[sub] = old

    # --- writing ---------------------------------------------------------------------------

    def create(self) -> None:
        """Create --out and the planned subfolders (if need be), and open them."""
        if "" not in self._fds:
            existed = self.path.is_dir()
            try:
                self.path.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise InvalidInput(f"cannot create the folder {self.path} ({error.strerror})",
                                   "choose a folder you can write to") from None  # fmt: skip
            if not existed:
                self._created.append("")
            self._existing("")
        root = self._fds[""]
        for sub in self._planned:
            if sub and sub not in self._fds:
                try:
                    os.mkdir(sub, dir_fd=root)
                    self._created.append(sub)
                except FileExistsError:
                    self._check_subfolder(sub)  # what appeared meanwhile
                except OSError as error:
                    raise self._cannot(self.path / sub, error) from None
                self._existing(sub)

    @contextmanager
    def open(
        self, sub: str, name: str, *, encoding: str = "utf-8", newline: str | None = None
    ) -> Iterator[IO[str]]:
        """A text stream to the file `name` of subfolder `sub`: a temporary file, moved into place
        by `commit()`."""
        if name.casefold() not in self._planned.get(sub, {}):
            raise ValueError(f"{sub}/{name} was not planned")  # a bug: every name is checked first
        self.create()
        self._count += 1
        temporary = f".pledges-{self.token}-{os.getpid()}-{self._count}.tmp"
        try:
            fd = os.open(temporary, _NEW_FILE, 0o666, dir_fd=self._fds[sub])
        except OSError as error:
            raise self._cannot(self.path / sub / name, error) from None
        self.pending.append((sub, temporary, name))
        try:
            with open(fd, "w", encoding=encoding, newline=newline) as stream:
                yield stream
        except OSError as error:
            raise self._cannot(self.path / sub / name, error) from None

    def write(self, sub: str, name: str, text: str, *, newline: str | None = None) -> None:
        with self.open(sub, name, newline=newline) as stream:
            stream.write(text)

    def adopt(self, pending: Iterable[tuple[str, str, str]]) -> None:
        """Files written by a forked child into this folder, to commit with this process's."""
        self.pending.extend(pending)

    def commit(self) -> None:
        """Move every file written into place."""
        for sub, temporary, name in self.pending:
            folder = self._fds[sub]
            try:
                os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
            except OSError as error:
                raise self._cannot(self.path / sub / name, error) from None
        self.pending = []
        self._committed = True
        left = []
        for sub, names in self._retired.items():
            for name in names:
                try:
                    os.unlink(name, dir_fd=self._fds[sub])
                except FileNotFoundError:
                    pass
                except OSError as error:
                    left.append(f"{self.path / sub / name} ({error.strerror or error})")
        if left:
            more = f" and {len(left) - 1} more" if len(left) > 1 else ""
            raise InvalidInput(
                f"the new files are written, but an earlier run's {left[0]}{more} could not be "
                "removed",
                f"remove {'them' if more else 'it'} by hand",
            )

    def rollback(self) -> None:
        """Remove the files written and not committed: this process's, and those of children
        that wrote into this folder (their names carry its token)."""
        prefix = f".pledges-{self.token}-"
        for sub, folder in self._fds.items():
            try:
                leftovers = [n for n in os.listdir(folder) if n.startswith(prefix)]
            except OSError:
                leftovers = [t for s, t, _ in self.pending if s == sub]
            for name in leftovers:
                with suppress(OSError):
                    os.unlink(name, dir_fd=folder)
        self.pending = []

    def close(self) -> None:
        """Without a commit, remove what was written, and the folders made for it if they are
        still empty; then let go of the folders."""
        if self.pending or not self._committed:
            self.rollback()
        if not self._committed:
            root = self._fds.get("")
            for sub in reversed(self._created):
                with suppress(OSError):
                    if sub and root is not None:
                        os.rmdir(sub, dir_fd=root)
                    elif not sub:
                        os.rmdir(self.path)
        for fd in self._fds.values():
            os.close(fd)
        self._fds = {}

    def __enter__(self) -> OutFolder:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- messages --------------------------------------------------------------------------

    def _shown(self, sub: str, name: str) -> str:
        shown = name if len(name) <= 60 else name[:59] + "…"
        return str(self.path / sub / shown)

    def _cannot(self, path: Path, error: OSError) -> InvalidInput:
        return InvalidInput(
            f"cannot write {path} ({error.strerror or error})",
            "free some space, or choose another folder with --out",
        )


def _name_max(out: Path) -> int:
    """The longest file name, in bytes, that the file system holding `out` accepts."""
    place = out
    while not place.exists() and place != place.parent:
        place = place.parent
    try:
        return os.pathconf(place if str(place) else ".", "PC_NAME_MAX")
    except (OSError, ValueError):
        return NAME_MAX

"""The README's two commands, with nothing but Python 3.11 needed beforehand.

    python3 tasks.py quickstart   set everything up, then build and show the register (SQLite)
    python3 tasks.py test         set everything up, then run every check and the whole test suite

Both create `.venv/` and install the project with its development tools when pyproject.toml has
changed since the last install. Under CI=true, `test` also makes sure the local PostgreSQL server
is up and LibreOffice Calc and Chromium (with chromedriver) are installed, because the PostgreSQL,
spreadsheet and browser tests must run there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".pledges-installed"
PYTHON = (3, 11)


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def step(*command: str | Path, env: dict[str, str] | None = None) -> None:
    say(" ".join(str(part) for part in command))
    completed = subprocess.run([str(part) for part in command], cwd=ROOT, env=env, check=False)
    if completed.returncode != 0:
        raise SystemExit(completed.returncode)


def python311() -> str:
    if sys.version_info[:2] == PYTHON:
        return sys.executable
    found = shutil.which("python3.11")
    if found is None:
        raise SystemExit("Error: pledges needs Python 3.11 — install it, then run this again")
    return found


def setup() -> None:
    """Create .venv and install the project with its tools, unless done for this pyproject."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not (BIN / "python").exists():
        step(python311(), "-m", "venv", VENV)
    step(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    step(BIN / "python", "-m", "pip", "install", "--quiet", "--editable", ".[dev]")
    STAMP.write_text(wanted + "\n")


def postgres_up(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def ensure_postgres() -> None:
    """Under CI the PostgreSQL tests must run: start the machine's server if it is down."""
    if os.environ.get("PLEDGES_TEST_PG") or postgres_up():
        return
    clusters = Path("/etc/postgresql")
    if shutil.which("pg_ctlcluster") and clusters.is_dir():
        for version in sorted(p.name for p in clusters.iterdir()):
            say(f"starting PostgreSQL {version}")
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                check=False,
            )
    if not postgres_up():
        say("PostgreSQL is not reachable; its tests will fail, as they must under CI")


def ensure_debian(what: str, packages: list[str], programs: list[str], tests: str) -> None:
    """Under CI, tests that drive a real program must run: install its Debian packages when one
    of `programs` (names on PATH, or paths) is missing."""

    def present() -> bool:
        return all(shutil.which(p) or Path(p).exists() for p in programs)

    if present():
        return
    if not shutil.which("apt-get"):
        say(f"{what} is missing and there is no apt-get to install it with; "
            f"under CI, {tests} will fail rather than skip")  # fmt: skip
        return
    install = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    say(f"installing {what} for {tests}: {' '.join(install)}")
    if subprocess.run(install, env=env, check=False).returncode != 0:
        say("the install failed; apt-get update, then installing again")
        subprocess.run(["apt-get", "update"], env=env, check=False)
        subprocess.run(install, env=env, check=False)
    if not present():
        say(f"{what} could not be installed; under CI, {tests} will fail rather than skip")


def ensure_libreoffice() -> None:
    ensure_debian("LibreOffice Calc", ["libreoffice-calc"], ["soffice"], "the spreadsheet test")


def ensure_chromium() -> None:
    # Debian's, where the browser tests look for them.
    ensure_debian("Chromium", ["chromium", "chromium-driver"],
                  ["/usr/bin/chromium", "/usr/bin/chromedriver"], "the browser tests")  # fmt: skip


def quickstart() -> None:
    setup()
    pledges = BIN / "pledges"
    step(pledges, "init")
    step(pledges, "list")
    step(pledges, "audit")
    say("The register is in ./pledges.db. Try: .venv/bin/pledges show cn-co2-peak-2030")


def test() -> None:
    setup()
    if os.environ.get("CI") == "true":
        ensure_postgres()
        ensure_libreoffice()
        ensure_chromium()
    step(BIN / "ruff", "check", ".")
    step(BIN / "ruff", "format", "--check", ".")
    step(BIN / "mypy")
    step(BIN / "python", "-m", "pytest")


COMMANDS = {"quickstart": quickstart, "test": test}


def main() -> None:
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        raise SystemExit(f"usage: python3 tasks.py {'|'.join(COMMANDS)}")
    COMMANDS[sys.argv[1]]()


if __name__ == "__main__":
    main()

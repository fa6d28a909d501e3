"""The messages of the code and templates as they are now, extracted the way `make i18n` does.

The command is read from the Makefile (``make --dry-run i18n``) and pointed at a temporary
file, so a message added without running `make i18n` is found all the same.
"""

from __future__ import annotations

import shlex
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from app.config import ROOT

OUTPUT = "--output-file"


def extract_command() -> list[str]:
    """`make i18n`'s pybabel extract command, as the Makefile has it."""
    dry_run = subprocess.run(
        ["make", "--dry-run", "--always-make", "i18n"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = dry_run.stdout.replace("\\\n", " ").splitlines()
    (command,) = [shlex.split(line) for line in lines if "pybabel extract" in line]
    return command


@cache
def extracted() -> Catalog:
    """Every message id in app/ now (a catalogue without translations)."""
    command = extract_command()
    with tempfile.TemporaryDirectory() as directory:
        pot = Path(directory) / "messages.pot"
        command[command.index(OUTPUT) + 1] = str(pot)
        subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
        with pot.open("rb") as file:
            return read_po(file)

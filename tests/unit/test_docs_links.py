"""Every file the README and docs/ point at is in the project: a clone has all it is sent to.

Checked: Markdown links that are not web addresses, and code spans that name a document
(``*.md``), leave the project (``../``), or name a path under one of the project's own
folders (``app/…``, ``docs/…``). Paths made at run time (``var/``, ``.venv/``) are not
folders of the project, so they are not checked. A path is read from the document's folder
or, as prose often names them, from the project's root.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from app.config import ROOT

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCED = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
LINK = re.compile(r"\]\(\s*<?([^)>\s]+)>?(?:\s+\"[^\"]*\")?\s*\)|^\s*\[[^\]]+\]:\s*(\S+)", re.M)
CODE_SPAN = re.compile(r"`([^`\s]+)`")
WEB = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)  # https:, mailto:, redis: …


def project_files() -> set[str]:
    """The files a commit of this tree carries (tracked, or new and not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return set(listed)


FILES = project_files()
FOLDERS = {str(parent) for name in FILES for parent in Path(name).parents if str(parent) != "."}
TOP_FOLDERS = {folder for folder in FOLDERS if "/" not in folder}


def in_project(document: Path, target: str) -> bool:
    """Whether ``target`` names a file or folder of the project, from the document's folder
    or from the project's root."""
    path = target.split("#")[0].rstrip("/")
    for base in (document.parent, ROOT):
        resolved = (base / path).resolve()
        if resolved.is_relative_to(ROOT):
            name = resolved.relative_to(ROOT).as_posix()
            if name in FILES or name in FOLDERS:
                return True
    return False


def references(text: str) -> list[str]:
    """The links and the path-like code spans of a Markdown text, outside fenced blocks."""
    prose = FENCED.sub("", text)
    links = [a or b for a, b in LINK.findall(prose)]
    found = [link for link in links if not WEB.match(link) and not link.startswith("#")]
    for span in CODE_SPAN.findall(prose):
        if WEB.match(span) or re.search(r"[<>…*$={}]", span):
            continue
        if span.endswith(".md") or span.startswith("../") or span.split("/")[0] in TOP_FOLDERS:
            found.append(span)
    return found


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_file_a_document_points_at_is_in_the_project(document: Path) -> None:
    found = references(document.read_text())
    missing = [target for target in found if not in_project(document, target)]
    assert not missing, f"{document.name} points at what a clone lacks: {missing}"


def test_the_references_are_found() -> None:
    text = "[a](docs/a.md) [b](https://x.org) [c](#c) `../shared/D.md` `app/x.py` `var/p.db`"
    assert references(text) == ["docs/a.md", "../shared/D.md", "app/x.py"]


SOURCES = ("app/", "migrations/", "scripts/", "Makefile", "Dockerfile", "babel.cfg")
OUTSIDE = re.compile(r"\.\./shared/|/work/")


def test_no_source_file_sends_its_reader_outside_the_project() -> None:
    """A comment or docstring pointing at ``../shared/…`` points at what a clone lacks."""
    outside = [
        name
        for name in sorted(FILES)
        if name.startswith(SOURCES)
        and (ROOT / name).is_file()
        and OUTSIDE.search((ROOT / name).read_text(errors="ignore"))
    ]
    assert outside == [], outside

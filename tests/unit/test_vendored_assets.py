"""The vendored htmx files are the ones VERSIONS.md records, byte for byte."""

from __future__ import annotations

import hashlib
import re

from app.config import ROOT

VENDORED = ROOT / "static" / "vendored"


def test_vendored_files_match_their_recorded_checksums() -> None:
    rows = re.findall(
        r"^\| (\S+\.js) \|.*\| `([0-9a-f]{64})` \|$", (VENDORED / "VERSIONS.md").read_text(), re.M
    )
    assert {name for name, _ in rows} == {p.name for p in VENDORED.glob("*.js")}
    for name, sha256 in rows:
        assert hashlib.sha256((VENDORED / name).read_bytes()).hexdigest() == sha256, name


def test_pages_load_the_vendored_versions() -> None:
    base = (ROOT / "app" / "templates" / "base.html").read_text()
    for script in VENDORED.glob("*.js"):
        assert f"/static/vendored/{script.name}" in base

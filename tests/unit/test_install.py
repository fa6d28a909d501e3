"""Installs are reproducible: the lock files pin the whole tree, and .venv runs exactly that.

``requirements.lock`` holds what Palabra runs on (the container installs it);
``requirements-dev.lock`` holds that and the dev tools (``make`` installs .venv from it). Both
are written only by ``make lock`` and ``make upgrade``. A dependency added to pyproject.toml
without re-locking, a pin outside pyproject's bounds, or a venv that drifted from the lock
fails here, rather than changing behaviour overnight.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name

from app.config import ROOT

RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(text) for text in PROJECT["dependencies"]]
EVERYTHING = RUNTIME + [
    Requirement(text) for extra in PROJECT["optional-dependencies"].values() for text in extra
]
# What a venv holds besides the lock: its installer, and the project itself (installed --no-deps).
NOT_LOCKED = {"pip", "setuptools", "palabra"}
STALE_VENV = "the venv does not run what requirements-dev.lock pins: run make .venv/.installed"


@dataclass(frozen=True)
class Pin:
    requirement: Requirement
    hashes: list[str]

    @property
    def version(self) -> str:
        (specifier,) = self.requirement.specifier
        return specifier.version

    def applies_here(self) -> bool:
        marker = self.requirement.marker
        return marker is None or marker.evaluate()


def read_lock(path: Path) -> list[Pin]:
    """Every entry of a lock file (``name==version ; marker`` and its ``--hash`` options)."""
    pins = []
    for line in path.read_text().replace("\\\n", " ").splitlines():
        if not line.strip() or line.startswith((" ", "#")):
            continue
        requirement, *hashes = line.split("--hash=")
        pins.append(Pin(Requirement(requirement), [h.strip() for h in hashes]))
    return pins


def pinned_here(path: Path) -> dict[NormalizedName, str]:
    """The version the lock installs of each package on this Python and platform."""
    return {
        canonicalize_name(pin.requirement.name): pin.version
        for pin in read_lock(path)
        if pin.applies_here()
    }


def needs(requirement: Requirement) -> list[Requirement]:
    """What the installed distribution of ``requirement`` depends on, with its extras; nothing
    if it is not installed (the venv test says so)."""
    try:
        texts = metadata.requires(requirement.name) or []
    except metadata.PackageNotFoundError:
        return []
    extras = ["", *sorted(requirement.extras)]
    found = []
    for dependency in map(Requirement, texts):
        marker = dependency.marker
        if marker is None or any(marker.evaluate({"extra": extra}) for extra in extras):
            found.append(dependency)
    return found


def closure(requirements: list[Requirement]) -> dict[NormalizedName, list[Requirement]]:
    """Every package the requirements need on this Python, with the requirements that ask for
    it, through the installed distributions' metadata (which the venv test holds to the lock)."""
    found: dict[NormalizedName, list[Requirement]] = {}
    followed: set[tuple[NormalizedName, frozenset[str]]] = set()
    todo = [r for r in requirements if r.marker is None or r.marker.evaluate()]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        found.setdefault(name, []).append(requirement)
        if (name, frozenset(requirement.extras)) not in followed:
            followed.add((name, frozenset(requirement.extras)))
            todo.extend(needs(requirement))
    return found


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [(RUNTIME_LOCK, RUNTIME), (DEV_LOCK, EVERYTHING)],
    ids=["runtime", "dev"],
)
def test_a_lock_pins_exactly_the_tree_pyproject_asks_for(
    lock: Path, requirements: list[Requirement]
) -> None:
    pinned = pinned_here(lock)
    tree = closure(requirements)
    missing = sorted(set(tree) - set(pinned))
    assert not missing, f"{lock.name} lacks {missing}: run make lock"
    stale = sorted(set(pinned) - set(tree))
    assert not stale, f"{lock.name} pins {stale}, which nothing needs: run make lock"
    outside = [
        f"{name}=={pinned[name]} (wanted {requirement})"
        for name, asked in tree.items()
        for requirement in asked
        if not requirement.specifier.contains(pinned[name], prereleases=True)
    ]
    assert not outside, f"{lock.name} pins outside pyproject's bounds: {outside}: run make lock"


def test_every_entry_is_one_exact_version_with_its_hashes() -> None:
    for lock in (RUNTIME_LOCK, DEV_LOCK):
        for pin in read_lock(lock):
            assert re.fullmatch(r"==\S+", str(pin.requirement.specifier)), pin.requirement
            assert pin.hashes, f"{lock.name}: {pin.requirement} has no hash"
            assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in pin.hashes), pin


def test_the_runtime_lock_pins_what_the_dev_lock_pins() -> None:
    dev = {(pin.requirement.name, pin.version) for pin in read_lock(DEV_LOCK)}
    runtime = {(pin.requirement.name, pin.version) for pin in read_lock(RUNTIME_LOCK)}
    assert runtime - dev == set()


def test_the_venv_runs_the_pinned_versions_and_nothing_else() -> None:
    pinned = pinned_here(DEV_LOCK)
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    differ = {
        name: (installed.get(name), version)
        for name, version in pinned.items()
        if installed.get(name) != version
    }
    assert not differ, f"{STALE_VENV} (installed, pinned): {differ}"
    unlocked = sorted(set(installed) - set(pinned) - NOT_LOCKED)
    assert not unlocked, f"installed but in no lock: {unlocked}; add them to pyproject.toml"


def test_the_venv_is_reinstalled_when_the_lock_changes() -> None:
    what_if = subprocess.run(
        ["make", "--dry-run", "--what-if=requirements-dev.lock", ".venv/.installed"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--require-hashes -r requirements-dev.lock" in what_if.stdout


# pip, however it is called in a shell line; its options up to the end of the command.
PIP_INSTALL = re.compile(r"\bpip3?(?:\.\d+)?\s+install\b([^;&|\n]*)")


def test_every_install_takes_its_packages_from_a_lock() -> None:
    scripts = [
        ROOT / "Makefile",
        ROOT / "Dockerfile",
        ROOT / ".ci" / "run",
        *(ROOT / "scripts").iterdir(),
    ]
    installs = [
        (script.name, options.split())
        for script in scripts
        for options in PIP_INSTALL.findall(script.read_text().replace("\\\n", " "))
    ]
    assert installs
    for script, options in installs:
        from_lock = "--require-hashes" in options and "-r" in options
        if from_lock:
            lock = options[options.index("-r") + 1]
            assert lock in {RUNTIME_LOCK.name, DEV_LOCK.name}, (script, options)
        else:
            assert "--no-deps" in options and options[-1] == ".", (script, options)

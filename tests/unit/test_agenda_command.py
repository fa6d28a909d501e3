"""``python -m app agenda check | load FILE``: a refused file is a message and exit 2, never a
traceback; a loaded one prints its own links."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.__main__ import main
from app.config import DEFAULT_AGENDA, ROOT, get_settings
from app.services.agenda_file import MAX_PROBLEMS_SHOWN
from tests.conftest import SECRET


@pytest.fixture
def command(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PALABRA_DATABASE_URL", database_url)
    monkeypatch.setenv("PALABRA_SECRET_KEY", SECRET)
    monkeypatch.setenv("PALABRA_ENV", "test")
    monkeypatch.setenv("PALABRA_PUBLIC_URL", "http://testserver")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "agenda.toml"
    path.write_text(content)
    return path


@pytest.mark.parametrize(
    ("content", "says"),
    [
        # tomllib recurses once per level: 1,000 levels exhaust Python's stack.
        ("a = " + "[" * 1000 + "]" * 1000 + "\n", "nested"),
        # Python refuses to read integers longer than 4,300 digits.
        ("format = " + "9" * 5001 + "\n", "digits"),
    ],
    ids=["nested-1000-deep", "integer-5001-digits"],
)
def test_a_file_the_parser_chokes_on_is_refused_with_a_message(
    content: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["agenda", "check", str(write(tmp_path, content))]) == 2
    err = capsys.readouterr().err
    assert "this agenda file cannot be loaded" in err
    assert says in err
    assert "Traceback" not in err


def test_dev_zero_is_refused_after_reading_at_most_the_limit() -> None:
    """Before the fix the command read /dev/zero until it ran out of memory."""

    def one_gigabyte_at_most() -> None:
        limit = 1024**3
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "app", "agenda", "check", "/dev/zero"],
        cwd=ROOT,
        env={**os.environ, "PALABRA_ENV": "test", "PALABRA_SECRET_KEY": SECRET},
        preexec_fn=one_gigabyte_at_most,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "larger than 2 MB" in done.stderr


def test_many_problems_are_counted_not_all_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = "".join(f"k{i} = 1\n" for i in range(150_000))
    path = write(tmp_path, unknown)
    assert main(["agenda", "check", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    # 150,000 unknown fields, and format, event and segments are missing.
    hidden = 150_003 - MAX_PROBLEMS_SHOWN
    assert lines[-1] == f"  … and {hidden:,} more"
    assert len(lines) == 1 + MAX_PROBLEMS_SHOWN + 1


@pytest.mark.usefixtures("command")
def test_load_prints_the_links_of_the_event_it_loaded_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["agenda", "load", str(DEFAULT_AGENDA)]) == 0
    capsys.readouterr()
    other = DEFAULT_AGENDA.read_text().replace(
        'slug = "cartagena40-brasilia-2024"', 'slug = "another-consultation"'
    )
    assert main(["agenda", "load", str(write(tmp_path, other))]) == 0
    out = capsys.readouterr().out
    assert "http://testserver/f/another-consultation" in out
    assert "/f/cartagena40-brasilia-2024" not in out
    assert out.count("Facilitator console:") == 1


@pytest.mark.usefixtures("command")
def test_check_of_the_bundled_agenda_says_what_it_holds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["agenda", "check", str(DEFAULT_AGENDA)]) == 0
    assert "valid (5 segments, 17 topics, 53 guiding questions)" in capsys.readouterr().out


def test_a_file_saved_with_a_byte_order_mark_checks_as_without(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "agenda.toml"
    path.write_bytes(b"\xef\xbb\xbf" + DEFAULT_AGENDA.read_bytes())
    assert main(["agenda", "check", str(path)]) == 0, capsys.readouterr().err


def test_a_problem_quoting_a_huge_key_is_a_line_not_a_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "k" * 1_000_000 + " = 1\n")
    assert main(["agenda", "check", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines and max(len(line) for line in lines) <= 400

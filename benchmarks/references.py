"""What both reference servers broadcast: a region like the projector's, stamped with a version.

About the size of what Palabra sends a projector for "+30 s" (the clock and the speaker's
region; RESULTS.md gives both sizes as measured), so that the three servers move the same bytes.
"""

from __future__ import annotations

SIZE = 900  # bytes


def message(version: int) -> bytes:
    head = f'<section id="projector-speaker" data-version="{version}" hx-swap-oob="true">'
    body = "<p>María Pérez · Ministerio de Salud</p>"
    tail = "</section>"
    filler = " " * max(0, SIZE - len(head) - len(body) - len(tail))
    return (head + body + filler + tail).encode()

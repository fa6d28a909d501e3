"""The simulated day on the bundled agenda (make simulated-day) and its report as printed pages.

The whole day is played; its PDF is drawn for the first segment only (six pages or so):
drawing the whole event's (about 27 pages) takes WeasyPrint 10 to 20 s on a busy machine.
Each page is rendered to an image with pdftoppm and read with Pillow.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import pytest
from markupsafe import escape
from PIL import Image
from sqlalchemy.orm import Session

from app.models import Event, TurnKind
from app.services import agenda, floor, record, record_tags, turns
from app.services.agenda_file import read_agenda
from app.simulation import BUNDLED_AGENDA, DAY_ONE, RAPPORTEUR, play_day, write_report

DPI = 60
MM = DPI / 25.4  # pixels in a millimetre
# report.css's @page margins, in millimetres.
TOP, SIDES, BOTTOM = 18, 16, 20
# A pixel darker than this in any channel is ink (the unaddressed rows' tint is ink too).
PAPER = 235


@pytest.fixture
def bundled(db: Session) -> Event:
    return agenda.load(db=db, spec=read_agenda(BUNDLED_AGENDA), now=DAY_ONE)


def test_the_simulated_day_is_realistic(db: Session, bundled: Event) -> None:
    day = play_day(db=db, event=bundled)
    given = record.turns(db=db, event_id=bundled.id)
    assert day.turns == len(given) >= 60
    assert {t.segment.number for t in given} == {1, 2, 3, 4, 5}
    assert {t.topic_id for t in given} == {t.id for s in bundled.segments for t in s.topics}
    spoken_by = {t.participant.actor_type.key for t in given if t.participant.actor_type}
    assert spoken_by == {kind.key for kind in bundled.actor_types}
    assert set(day.summaries) == {"es", "pt", "en", "fr"}
    assert sum(day.summaries.values()) == sum(1 for t in given if t.summary)
    assert day.pauses == sum(len(t.pauses) for t in given) > 0
    assert Counter(t.kind for t in given).keys() >= {"intervention", "good_practice", "reply"}
    assert sum(1 for t in given if t.questions) > len(given) / 2
    from_the_room = [t for t in given if t.participant.from_the_room]
    assert from_the_room and all(t.record_summary and not t.summary for t in from_the_room)
    assert all(t.ended_at and t.spoken_ms > 0 for t in given)


def test_a_rapporteur_tags_the_simulated_day(db: Session, bundled: Event) -> None:
    play_day(db=db, event=bundled)
    practices = record_tags.good_practices(db=db, event_id=bundled.id)
    commitments = record_tags.commitments(db=db, event_id=bundled.id)
    assert len(practices) >= 8 and len(commitments) >= 5
    assert {p.segment_number for p in practices} == {1, 2, 3, 4, 5}
    assert {c.segment_number for c in commitments} >= {1, 2}
    assert all(p.title and p.country for p in practices)
    assert all(c.what and c.by_whom for c in commitments)
    pledges = [c.pledge for c in commitments]
    assert any(pledges) and not all(pledges)
    assert {n.tagged_by for n in [*practices, *commitments]} == {RAPPORTEUR}
    groups = [
        (turn.participant.from_the_room, tag.focus_group.key, tag.tagged_by)
        for turn in record.turns(db=db, event_id=bundled.id)
        for tag in turn.tags
        if tag.focus_group
    ]
    assert len({key for _, key, _ in groups}) >= 3
    assert any(from_the_room for from_the_room, _, _ in groups)
    assert {by for _, _, by in groups} == {RAPPORTEUR}


def ink_box(image: Image.Image, box: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
    """The bounding box of the ink within ``box`` of ``image``, in the image's pixels."""
    region = image.crop(box).convert("L").point(lambda v: 255 if v < PAPER else 0)
    found = region.getbbox()
    if found is None:
        return None
    left, top, right, bottom = found
    return left + box[0], top + box[1], right + box[0], bottom + box[1]


def test_the_report_prints_every_page_within_its_margins(
    db: Session, bundled: Event, tmp_path: Path
) -> None:
    day = play_day(db=db, event=bundled, segments=1)
    # On the last topic, still open: someone whose name and words are one unbroken string.
    unbroken = "Wolfeschlegelsteinhausenbergerdorff" * 3
    room = floor.add_from_room(
        db=db,
        event=bundled,
        name=unbroken,
        organisation=unbroken,
        actor_type_id=None,
        country=unbroken[:100],
        kind=TurnKind.REPLY,
        now=day.ended,
    )
    turns.call(db=db, event=bundled, request_id=room.id, seen_speaker=None, now=day.ended)
    turns.finish(db=db, event=bundled, seen_speaker=room.id, now=day.ended)
    [turn] = [t for t in record.turns(db=db, event_id=bundled.id) if t.floor_request_id == room.id]
    record.write_summary(db=db, event=bundled, turn_id=turn.id, summary=unbroken * 5)
    html, pdf = write_report(
        db=db, event=bundled, out=tmp_path, locale="fr", now=day.ended, segment_number=1
    )
    page = html.read_text(encoding="utf-8")
    assert "Rapport final" in page
    # The rapporteur's tags of the segment, in French: its good practices and commitments
    # with their pledges, and the groups in focus under the turns.
    first = bundled.segments[0].id
    practices = record_tags.good_practices(db=db, event_id=bundled.id, segment_id=first)
    commitments = record_tags.commitments(db=db, event_id=bundled.id, segment_id=first)
    assert practices and commitments and any(c.pledge for c in commitments)
    assert all(escape(p.title) in page for p in practices)
    assert all(escape(c.what) in page for c in commitments)
    assert all(c.pledge in page for c in commitments)
    assert "Engagements" in page and "Bonnes pratiques" in page
    assert "Groupe prioritaire :" in page or "Groupes prioritaires :" in page
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    for number, path in enumerate(pages, start=1):
        image = Image.open(path)
        width, height = image.size
        assert abs(width - 210 * MM) < 2 and abs(height - 297 * MM) < 2, "A4"
        body = (0, 0, width, round(height - BOTTOM * MM))
        footer = (0, round(height - BOTTOM * MM), width, height)
        content = ink_box(image, body)
        assert content is not None, f"page {number} is empty"
        left, top, right, _ = content
        inked = sum(image.crop(body).convert("L").histogram()[:PAPER])
        assert inked > 0.01 * width * height, f"page {number}: hardly any content"
        # Nothing in the margins: all the text and tables stay inside the page's box
        # (half a millimetre for the antialiasing of a glyph on its edge).
        assert left >= (SIDES - 0.5) * MM, f"page {number}: ink in the left margin"
        assert right <= width - (SIDES - 0.5) * MM, f"page {number}: ink in the right margin"
        assert top >= (TOP - 0.5) * MM, f"page {number}: ink in the top margin"
        # The bottom margin holds the title and the page number, clear of the edges.
        numbers = ink_box(image, footer)
        assert numbers is not None, f"page {number} has no page number"
        assert numbers[0] >= (SIDES - 0.5) * MM and numbers[2] <= width - (SIDES - 0.5) * MM
        assert numbers[3] <= height - 5 * MM, f"page {number}: ink at the bottom edge"

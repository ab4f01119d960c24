"""A brief of real passages for the export tests, and how exported text is compared."""

from __future__ import annotations

import re

from db.briefs import Briefs
from db.reading import Library

TITLE = "UNODC bilateral, Vienna"
NOTES = "Meeting with UNODC on 1 December.\n\nBring the I-24/7 figures."

#: (passage id, quote or None, note): a resolution paragraph with a footnote, a quote,
#: a web-page paragraph whose citation holds curly quotes, and a sub-paragraph.
PINS: list[tuple[str, str | None, str]] = [
    ("a-res-77-20:pp2", None, "Treaty basis: footnote 1."),
    ("a-res-77-20:op17a", "global police secure communications system", "Ask about access."),
    ("interpol-and-un-entities:s1.p1", None, "Their areas of common concern."),
    ("a-res-77-20:op11", None, ""),
]


def make_brief(briefs: Briefs, library: Library) -> str:
    """Create the brief of :data:`PINS` and return its title."""
    briefs.create(title=TITLE, date="2026-12-01", notes=NOTES)
    for pid, quote, note in PINS:
        briefs.pin(TITLE, library=library, passage_id=pid, note=note, quote=quote)
    return TITLE


def flat(text: str) -> str:
    """Whitespace as a reader sees it: line breaks (after a hyphen too) and tabs are spaces."""
    text = re.sub(r"-\s*\n\s*", "-", text)
    return " ".join(text.split())

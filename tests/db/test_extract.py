"""Reading imported files: HTML reduced to its text, titles bounded, PDF damage in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.extract import ImportRejectedError, extract, html_to_text
from tests.helpers.documents import make_raw_pdf, text_ops

WORDS = "The lighthouse inspection at the port found nothing unusual at all today."


def test_embed_is_not_a_container_nothing_after_it_is_lost():
    html = (
        f"<html><body><h1>Notes</h1><p>{WORDS} First.</p>"
        f'<embed src="movie.swf" type="application/x-shockwave-flash">'
        f"<p>{WORDS} Second.</p><h2>Later</h2><p>{WORDS} Third.</p></body></html>"
    )
    text, _ = html_to_text(html)
    assert text.splitlines() == [
        "Notes",
        f"{WORDS} First.",
        f"{WORDS} Second.",
        "Later",
        f"{WORDS} Third.",
    ]


def test_containers_are_still_dropped():
    html = (
        f"<body><p>{WORDS}</p><object data='x'><p>fallback text</p></object><nav>menu</nav></body>"
    )
    text, _ = html_to_text(html)
    assert text == WORDS


def test_unclosed_title_is_no_title_and_long_titles_are_cut():
    text, title = html_to_text(f"<html><title>Port notes<body><p>{WORDS}</p></body></html>")
    assert title is None and text.splitlines() == ["Port notes", WORDS]
    _, title = html_to_text(f"<title>{'Very long title ' * 100}</title><p>{WORDS}</p>")
    assert title is not None and len(title) <= 200 and title.endswith("…")
    _, title = html_to_text(f"<h1>Two\nlines\tand\x0bcontrols</h1><p>{WORDS}</p>")
    assert title == "Two lines and controls"


@pytest.mark.parametrize(
    "stream",
    [
        b"5 BI /W 1 ID x EI\n",  # operands before an inline image: an AssertionError in pypdf
        b"BI /W 1 /H 1 IQ x EI\n",  # an inline image without ID: another assertion
    ],
)
def test_pdf_that_trips_an_assertion_in_pypdf_is_damaged_in_one_line(tmp_path: Path, stream):
    pdf = make_raw_pdf(tmp_path / "bad.pdf", [text_ops([WORDS]) + stream])
    with pytest.raises(
        ImportRejectedError, match=r"^is not a readable PDF \(the file is damaged\)$"
    ):
        extract(pdf)

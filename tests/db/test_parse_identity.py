"""Two documents are told apart by their symbols (or titles and dates), not by shared text."""

from __future__ import annotations

import pytest

from db.parse.identity import different_documents


@pytest.mark.parametrize(
    ("a", "b", "different"),
    [
        ({"symbol": "A/RES/77/20"}, {"symbol": "A/RES/79/15"}, True),
        ({"symbol": "A/RES/77/20"}, {"symbol": "a/res/77/20"}, False),
        ({"symbol": "S/RES/2178 (2014)"}, {"symbol": "S/RES/2178  (2014)"}, False),
        ({"symbol": "A/RES/77/20"}, {"symbol": None, "title": "A page"}, False),
        (
            {"title": "INTERPOL and the UN", "date": "2021-01-01"},
            {"title": "United Nations", "date": "2023-05-01"},
            True,
        ),
        (
            {"title": "INTERPOL and the UN", "date": "2021-01-01"},
            {"title": "INTERPOL and the UN", "date": "2023-05-01"},
            False,
        ),
        ({"title": "A note"}, {"title": "Another note"}, False),
    ],
)
def test_identity(a, b, different):
    assert different_documents(a, b) is different
    assert different_documents(b, a) is different

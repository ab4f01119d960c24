"""The example look-ups of the own-words issue (#18), as a new user types them.

Each must have a right passage among the first three hits of the bundled corpus. These nine
come from the issue, not from an evaluation set; the right passages are the ones the README
lists for them.
"""

from __future__ import annotations

import pytest

from db.reading import Library

TOP = 3

EXAMPLES = {
    "dirty money laundering through crypto": {"a-res-77-20:op15"},
    "people smugglers' boats": {"a-res-77-20:op1", "interpol-un-thematic-cooperation:s3.p1"},
    "hackers attacking hospitals": {"a-res-77-20:op10", "a-res-77-20:pp21"},
    "tracing where a rifle was made": {"a-res-77-20:op9", "a-res-77-20:pp19"},
    "pictures of abused kids": {"a-res-77-20:op6"},
    "bogus passports at airports": {"a-res-77-20:op18"},
    "police for blue-helmet missions": {"united-nations:s5.p1"},
    "who funds terror groups": {"a-res-77-20:op1"},
    "our office at UN headquarters": {
        "united-nations:s2.p1",
        "united-nations:s2.p2",
        "a-res-77-20:pp7",
    },
}


@pytest.mark.parametrize("query", sorted(EXAMPLES))
def test_an_example_finds_a_right_passage_in_the_first_three(library: Library, query: str):
    first = [h.passage_id for h in library.search(query, limit=10).hits][:TOP]
    assert set(first) & EXAMPLES[query], f"{query!r}: first three {first}"

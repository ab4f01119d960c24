"""Later versions of resolution 77/20 made by editing its text, with the true alignment.

:func:`edited_resolution` takes the bundled text of A/RES/77/20, applies paragraph edits
(drop, add, reword, move; sub-paragraphs included) and writes a new resolution in the same
layout (header, preamble, numbered operative paragraphs with italic verbs, lettered
sub-paragraphs, closing lines). Operative paragraphs and sub-paragraphs are renumbered as
a drafter would. Footnotes are left out of the edited text.

It also returns the true alignment, from the bookkeeping of the edits (not from
db.compare): for each original paragraph its local id in the new text, or None.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db.parse import parse_text
from tests.helpers.fixtures import corpus_file

ORIGINAL = corpus_file("004")
FIXTURES = Path(__file__).resolve().parent.parent / "data" / "compare_fixtures.toml"
#: Preambular paragraphs whose first "INTERPOL" the successor spells out (more changes).
SPELLED_OUT = ("pp2", "pp4", "pp6", "pp8", "pp12", "pp13", "pp15", "pp17", "pp19", "pp20")
#: A note citing a paragraph of 77/20 (and instruments the library does not hold).
BRIEFING = """# Briefing note: pandemics and policing

The General Assembly asked INTERPOL and UNODC to analyse the effects of the pandemic on crime
in resolution 77/20, para. 12, and to report at its seventy-ninth session.

Security Council resolution 2178 (2014) and A/79/150 are background reading.
"""


@dataclass
class Unit:
    """One paragraph of the text being edited."""

    kind: str
    text: str
    opening: str | None
    origin: str | None  # the original local id, None for an added paragraph
    reworded: bool = False
    moved: bool = False


@dataclass
class Edited:
    """An edited resolution and the alignment its edits imply."""

    text: str
    #: (old local id | None, new local id | None, change), in no particular order.
    expected: list[tuple[str | None, str | None, str]] = field(default_factory=list)


def original_units() -> list[Unit]:
    """Return the preambular, operative and sub-paragraphs of 77/20, in order."""
    parsed = parse_text(ORIGINAL.read_text(encoding="utf-8"))
    return [
        Unit(p.kind, p.text, p.opening, p.local_id)
        for p in parsed.passages
        if p.kind in ("preambular", "operative", "subparagraph")
    ]


def _index(units: list[Unit], local_id: str) -> int:
    for i, u in enumerate(units):
        if u.origin == local_id:
            return i
    raise KeyError(local_id)


def apply_edits(units: list[Unit], edits: list[dict[str, Any]]) -> list[Unit]:
    """Apply edits in order: ``drop``, ``add`` (after ``after``), ``reword``, ``move``."""
    units = list(units)
    for e in edits:
        op = e["op"]
        if op == "drop":
            del units[_index(units, e["id"])]
        elif op == "add":
            at = _index(units, e["after"]) + 1
            units.insert(at, Unit(e["kind"], e["text"], e.get("opening"), None))
        elif op == "reword":
            u = units[_index(units, e["id"])]
            assert e["old"] in u.text, (e["id"], e["old"])
            u.text = u.text.replace(e["old"], e["new"], 1)
            u.reworded = True
        elif op == "move":
            u = units.pop(_index(units, e["id"]))
            u.moved = True
            units.insert(_index(units, e["after"]) + 1, u)
        else:
            raise ValueError(op)
    return units


def render(units: list[Unit], *, number: str = "79/15") -> str:
    """Write units as a resolution numbered ``number`` of the seventy-ninth session."""
    header = ORIGINAL.read_text(encoding="utf-8").split("The General Assembly,")[0]
    header = (
        header.replace("77/20.", f"{number}.")
        .replace("Seventy-seventh session", "Seventy-ninth session")
        .replace("21 November 2022", "2 December 2024")
        .replace("25 November 2022", "9 December 2024")
        .replace("A/77/L.20", "A/79/L.31")
        .replace("Agenda item 127 (y)", "Agenda item 128 (y)")
    )
    out = [header.rstrip() + "\n\nThe General Assembly,\n"]
    op = 0
    sub = 0
    for u in units:
        if u.kind == "preambular":
            out.append(u.text)
        elif u.kind == "operative":
            op, sub = op + 1, 0
            opening = u.opening or u.text.split()[0]
            assert u.text.startswith(opening), u.text[:40]
            out.append(f"{op}. *{opening}*{u.text[len(opening) :]}")
        else:
            out.append(f"({string.ascii_lowercase[sub]}) {u.text}")
            sub += 1
    out.append("*42nd plenary meeting\n2 December 2024*")
    return "\n\n".join(out) + "\n"


def edited_resolution(edits: list[dict[str, Any]], *, number: str = "79/15") -> Edited:
    """Return the edited text and the alignment its edits imply."""
    before = original_units()
    after = apply_edits(before, edits)
    text = render(after, number=number)
    parsed = parse_text(text)
    new = [p for p in parsed.passages if p.kind in ("preambular", "operative", "subparagraph")]
    assert [p.kind for p in new] == [u.kind for u in after], "the edited text did not parse back"
    result = Edited(text)
    kept = set()
    for u, p in zip(after, new, strict=True):
        if u.origin is None:
            result.expected.append((None, p.local_id, "added"))
            continue
        kept.add(u.origin)
        if u.moved:
            change = "moved"
        elif u.reworded:
            change = "changed"
        elif u.origin == p.local_id:
            change = "same"
        else:
            change = "renumbered"
        result.expected.append((u.origin, p.local_id, change))
    for u in before:
        if u.origin not in kept:
            result.expected.append((u.origin, None, "dropped"))
    return result


def successor_edits() -> list[dict[str, Any]]:
    """Return the edits making A/RES/79/15, a later version of 77/20 an officer would import.

    The "successor" comparison fixture, plus rewording enough paragraphs that the duplicate
    check on import (80 % of passages shared) does not refuse it as a near-duplicate.
    """
    fixtures = tomllib.loads(FIXTURES.read_text(encoding="utf-8"))["fixture"]
    edits = list(next(f for f in fixtures if f["name"] == "successor")["edits"])
    for pid in SPELLED_OUT:
        edits.append(
            {
                "op": "reword",
                "id": pid,
                "old": "INTERPOL",
                "new": "the International Criminal Police Organization (INTERPOL)",
            }
        )
    return edits


def local(passage_id: str | None) -> str | None:
    """Return the local part of a passage id (``a-res-77-20:op12`` → ``op12``)."""
    return None if passage_id is None else re.sub(r"^.*:", "", passage_id)

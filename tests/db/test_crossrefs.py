"""The reference recogniser (db/crossrefs.py): the hand annotation, every form, never a crash."""

from __future__ import annotations

import sqlite3
import tomllib
from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from db.build import reference_rows, write_manifest
from db.crossrefs import (
    KIND_LABELS,
    REFERENCE_KINDS,
    context_of,
    parse_symbol,
    recognise,
)
from db.errors import QueryError
from db.freshness import store_state
from db.library import open_library
from db.store import DB_FILENAME, Store, write_references

ANNOTATIONS = Path(__file__).resolve().parent.parent / "data" / "reference_annotations.toml"


def _annotated() -> Counter[tuple]:
    data = tomllib.loads(ANNOTATIONS.read_text(encoding="utf-8"))
    return Counter(
        (r["passage"], r["surface"], r["target"], r["kind"], r.get("year"), r.get("paragraph"))
        for r in data["reference"]
    )


def _found(store: Store) -> Counter[tuple]:
    symbols = {d["id"]: d["symbol"] for d in store.documents()}
    got: Counter[tuple] = Counter()
    for p in store.passages():
        own = symbols[p["document_id"]]
        for r in recognise(p["text"], context=context_of(own), own_symbol=own):
            assert p["text"][r.start : r.end] == r.surface
            got[(p["id"], r.surface, r.target, r.kind, r.year, r.paragraph)] += 1
    return got


def test_recogniser_finds_every_annotated_reference_and_no_other(built_store):
    want, got = _annotated(), _found(Store.open(built_store))
    missing = sorted(want - got)
    extra = sorted(got - want)
    print(f"\nreferences: {sum(want.values())} annotated, {sum(got.values())} found")
    assert not missing and not extra, f"missing: {missing}\nextra: {extra}"
    assert sum(want.values()) == 21


def test_annotation_uses_the_one_vocabulary():
    for key in _annotated():
        assert key[3] in REFERENCE_KINDS
    assert set(KIND_LABELS) == set(REFERENCE_KINDS)


def test_store_holds_what_the_recogniser_finds(library):
    rows = library.references()
    stored = Counter(
        (r["passage_id"], r["surface"], r["target"], r["kind"], r["year"], r["paragraph"])
        for r in rows
    )
    assert stored == _annotated()
    for r in rows:
        assert library.passage(r["passage_id"])["text"][r["start"] : r["end"]] == r["surface"]


def _targets(text: str, **kw: str) -> list[tuple[str, str, str, int | None, str | None]]:
    return [(r.surface, r.target, r.kind, r.year, r.paragraph) for r in recognise(text, **kw)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Recalling its resolution 51/1 of 15 October 1996, in which it invited",
            [("resolution 51/1 of 15 October 1996", "A/RES/51/1", "ga_resolution", 1996, None)],
        ),
        (
            "Security Council resolutions 1950 (2010) and 1976 (2011).",
            [
                (
                    "Security Council resolutions 1950 (2010)",
                    "S/RES/1950 (2010)",
                    "sc_resolution",
                    2010,
                    None,
                ),
                ("1976 (2011)", "S/RES/1976 (2011)", "sc_resolution", 2011, None),
            ],
        ),
        (
            "Economic and Social Council resolutions 2019/19 and 2019/20",
            [
                (
                    "Economic and Social Council resolutions 2019/19",
                    "E/RES/2019/19",
                    "ecosoc_resolution",
                    2019,
                    None,
                ),
                ("2019/20", "E/RES/2019/20", "ecosoc_resolution", 2019, None),
            ],
        ),
        (
            "Recalling resolution 77/20, para. 12, on the pandemic",
            [("resolution 77/20, para. 12", "A/RES/77/20", "ga_resolution", None, "12")],
        ),
        (
            "as requested in paragraph 17 (a) of its resolution 77/20",
            [
                (
                    "paragraph 17 (a) of its resolution 77/20",
                    "A/RES/77/20",
                    "ga_resolution",
                    None,
                    "17(a)",
                )
            ],
        ),
        (
            "See A/77/L.20, A/CONF.192/15 and S/2043/118; also S/RES/2178(2014) and A/RES/77/20.",
            [
                ("A/77/L.20", "A/77/L.20", "document", None, None),
                ("A/CONF.192/15", "A/CONF.192/15", "document", None, None),
                ("S/2043/118", "S/2043/118", "document", 2043, None),
                ("S/RES/2178(2014)", "S/RES/2178 (2014)", "sc_resolution", 2014, None),
                ("A/RES/77/20", "A/RES/77/20", "ga_resolution", None, None),
            ],
        ),
        (
            "decision 60/519, Economic and Social Council decision 2019/201",
            [
                ("decision 60/519", "A/DEC/60/519", "ga_decision", None, None),
                (
                    "Economic and Social Council decision 2019/201",
                    "E/DEC/2019/201",
                    "ecosoc_decision",
                    2019,
                    None,
                ),
            ],
        ),
        (
            "resolution 217 A (III) and resolution ES-10/19",
            [
                ("resolution 217 A (III)", "A/RES/217 A (III)", "ga_resolution", None, None),
                ("resolution ES-10/19", "A/RES/ES-10/19", "ga_resolution", None, None),
            ],
        ),
        (
            "United Nations, Treaty Series, vol. 2225, No. 39574.",
            [
                (
                    "United Nations, Treaty Series, vol. 2225, No. 39574",
                    "UNTS vol. 2225, No. 39574",
                    "treaty",
                    None,
                    None,
                )
            ],
        ),
    ],
)
def test_forms(text, expected):
    assert _targets(text, context="ga") == expected


def test_present_resolution_is_the_document_itself():
    text = "the measures referred to in paragraph 1 of the present resolution"
    assert _targets(text, own_symbol="A/RES/79/5") == [
        ("paragraph 1 of the present resolution", "A/RES/79/5", "ga_resolution", None, "1")
    ]
    # Without knowing its own symbol there is nothing exact to point at: not recorded.
    assert recognise(text) == []
    assert (
        recognise(
            "a report on the implementation of the present resolution", own_symbol="A/RES/1/1"
        )
        == []
    )


def test_bare_resolution_follows_the_citing_document():
    text = "Recalling resolution 47/16 and General Assembly resolution 75/10"
    got = [(r.target, r.kind) for r in recognise(text, context=context_of("A/HRC/RES/50/1"))]
    assert got == [("A/HRC/RES/47/16", "hrc_resolution"), ("A/RES/75/10", "ga_resolution")]
    got = [r.target for r in recognise(text, context=context_of("A/RES/77/20"))]
    assert got == ["A/RES/47/16", "A/RES/75/10"]
    # Numbering decides where it is unambiguous, whatever the context.
    assert [r.target for r in recognise("resolution 2019/19", context="ga")] == ["E/RES/2019/19"]
    assert [r.target for r in recognise("resolution 1540 (2004)", context="ga")] == [
        "S/RES/1540 (2004)"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "travel ban and/or arms embargo",
        "on 17 December 2018 (COVID-19) see para. 24",
        "Goal 16 (SDG 16) and 39 UN entities, 2/5 of pages",
        "his/her A/ S/ E/ A/B/C",
        "resolution of the conflict in 2019/2020",
        "the 79th session of the INTERPOL General Assembly (Doha, November 2010)",
    ],
)
def test_no_false_references(text):
    assert recognise(text, context="ga") == []


@pytest.mark.parametrize(
    ("typed", "target", "paragraph"),
    [
        ("75/10", "A/RES/75/10", None),
        ("A/RES/75/10", "A/RES/75/10", None),
        ("resolution  75/10", "A/RES/75/10", None),
        ("1950 (2010)", "S/RES/1950 (2010)", None),
        ("S/RES/1950(2010)", "S/RES/1950 (2010)", None),
        ("2019/19", "E/RES/2019/19", None),
        ("decision 60/519", "A/DEC/60/519", None),
        ("A/60/88/Corr.2", "A/60/88/Corr.2", None),
        ("77/20, para. 12", "A/RES/77/20", "12"),
        ("a/res/75/10", "A/RES/75/10", None),
        ("s/res/1950 (2010)", "S/RES/1950 (2010)", None),
    ],
)
def test_parse_symbol(typed, target, paragraph):
    ref = parse_symbol(typed)
    assert ref is not None
    assert (ref.target, ref.paragraph) == (target, paragraph)


@pytest.mark.parametrize("typed", ["", "maritime piracy", "75/10 and 73/11", "A/"])
def test_parse_symbol_refuses_what_is_not_one_symbol(typed):
    assert parse_symbol(typed) is None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *"0123456789/()., -ASERCOabdeilnoprstuv\u00a0\né",
                "resolution ",
                "resolutions ",
                "decision ",
                " and ",
                "para. ",
                "A/RES/",
                "S/",
                "Security Council ",
                " of 15 October 1996",
                "(2010)",
                "present resolution",
                "United Nations, Treaty Series, vol. 1",
                ", No. 2",
                "paragraph 1 of ",
            ]
        ),
        max_size=60,
    ).map("".join),
    st.sampled_from([None, "ga", "sc", "ecosoc", "hrc", "bogus"]),
)
def test_never_raises_and_spans_point_at_their_text(text, context):
    refs = recognise(text, context=context, own_symbol="A/RES/1/1")
    end = 0
    for r in refs:
        assert text[r.start : r.end] == r.surface
        assert r.start >= end  # in order, never overlapping
        end = r.end
        assert r.kind in REFERENCE_KINDS
        assert r.target
    parse_symbol(text)


def test_a_store_built_before_references_is_rebuilt_with_them(store_copy):
    """A schema-2 store (no references table) is stale: opening it rebuilds it."""
    conn = sqlite3.connect(store_copy / DB_FILENAME)
    with conn:
        conn.execute('DROP TABLE "references"')
        conn.execute("PRAGMA user_version = 2")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
        conn.execute(
            "UPDATE meta SET value = 'built-by-an-older-liaison' WHERE key = 'fingerprint'"
        )
    conn.close()
    write_manifest(store_copy)
    assert store_state(store_copy) == "stale"
    with open_library(store_dir=store_copy) as lib:
        assert lib.report.rebuilt
        assert len(lib.references()) == 21


def test_instruments_listing_for_a_references_tab(library):
    rows = library.instruments()
    assert len(rows) == 21  # every reference of the corpus cites a different instrument
    assert [r["kind"] for r in rows] == sorted((r["kind"] for r in rows), key=REFERENCE_KINDS.index)
    ga = [r["target"] for r in rows if r["kind"] == "ga_resolution"]
    assert ga[:3] == ["A/RES/51/1", "A/RES/60/288", "A/RES/70/1"]
    sc = next(r for r in rows if r["target"] == "S/RES/1950 (2010)")
    assert (sc["year"], sc["references"], sc["passages"], sc["documents"]) == (2010, 1, 1, 1)
    assert sc["label"] == "Security Council resolution" and sc["in_library"] is False
    assert all(r["target_document_id"] is None for r in rows)


def test_cited_by_in_the_bundled_library(library):
    assert [r["surface"] for r in library.cited_by("E/RES/2019/20")] == ["2019/20 of 23 July 2019"]
    assert [r["surface"] for r in library.cited_by("a/60/88/corr.2")] == ["A/60/88/Corr.2"]
    assert library.cited_by("a-res-77-20") == []
    assert library.cited_by("a-res-77-20:op12") == []
    with pytest.raises(QueryError):
        library.cited_by("maritime piracy")


def test_instrument_card(library):
    card = library.instrument("51/1")
    assert (card["target"], card["kind"], card["year"], card["in_library"]) == (
        "A/RES/51/1",
        "ga_resolution",
        1996,
        False,
    )
    assert card["label"] == "General Assembly resolution"
    assert [r["citation"] for r in card["cited_by"]] == ["A/RES/77/20, preambular para. 1"]
    own = library.instrument("A/RES/77/20")
    assert own["in_library"] and own["target_document_id"] == "a-res-77-20"
    assert own["cited_by"] == []
    with pytest.raises(QueryError):
        library.instrument("piracy")


def test_references_of_one_document_are_replaced_alone(store_copy):
    """What an incremental import or removal needs: one document's references rewritten."""
    conn = sqlite3.connect(store_copy / DB_FILENAME)
    db = sqlite_utils.Database(conn)
    before = Store(db).references()
    rows = reference_rows(db, "united-nations")
    assert [r["target"] for r in rows] == ["S/RES/1950 (2010)", "S/RES/1976 (2011)"]
    write_references(db, [], document_id="united-nations")
    after = Store(db).references()
    assert [r for r in before if r["document_id"] != "united-nations"] == after
    write_references(db, rows, document_id="united-nations")
    assert Store(db).references() == before
    conn.close()

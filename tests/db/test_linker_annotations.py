"""The linker against the hand annotation of every passage (tests/data/entity_annotations.toml)."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from db import paths
from db.entities import Gazetteer, Linker
from db.store import Store

ANNOTATIONS = Path(__file__).resolve().parent.parent / "data" / "entity_annotations.toml"
TREES = {"entities": "un", "capabilities": "capabilities"}


@pytest.fixture(scope="module")
def annotated():
    data = tomllib.loads(ANNOTATIONS.read_text(encoding="utf-8"))
    return {p["id"]: p for p in data["passage"]}


@pytest.fixture(scope="module")
def linker():
    return Linker(Gazetteer.load(paths.gazetteer_dir()))


def test_every_passage_annotated(annotated, built_store):
    ids = {p["id"] for p in Store.open(built_store).passages()}
    assert set(annotated) == ids


@pytest.mark.parametrize("key", sorted(TREES))
def test_linker_finds_every_annotated_mention_and_no_other(annotated, built_store, linker, key):
    missing: list[str] = []
    extra: list[str] = []
    for p in Store.open(built_store).passages():
        want = Counter(tuple(x) for x in annotated[p["id"]].get(key, []))
        got = Counter((m.node_id, m.surface) for m in linker.find(p["text"], trees=[TREES[key]]))
        missing += [f"{p['id']}: {e} {s!r}" for (e, s), n in (want - got).items() for _ in range(n)]
        extra += [f"{p['id']}: {e} {s!r}" for (e, s), n in (got - want).items() for _ in range(n)]
    assert not missing and not extra, (
        "\nmissing:\n" + "\n".join(missing) + "\nextra:\n" + "\n".join(extra)
    )


def test_mentions_in_the_store_match_the_linker(library, linker):
    pid = "a-res-77-20:op13"
    stored = [(m["entity_id"], m["surface"]) for m in library.mentions(pid) if m["tree"] == "un"]
    found = [
        (m.node_id, m.surface) for m in linker.find(library.passage(pid)["text"], trees=["un"])
    ]
    assert stored == found
    assert ("who", "World Health Organization") in stored


def test_tree_counts_and_parents(library):
    nodes = {n["id"]: n for n in library.entity_tree("un")}
    assert nodes["un"]["parent"] is None
    assert nodes["cted"]["parent"] == "ctc"
    assert nodes["who"]["passages"] == 1
    # total counts the node's passages and its descendants', each passage once.
    for n in nodes.values():
        assert n["total"] >= n["passages"]
    children = [n for n in nodes.values() if n["parent"] == "ctc"]
    union = set().union(*(library.entity_passage_ids(c["id"]) for c in children))
    assert nodes["ctc"]["total"] == len(union | library.entity_passage_ids("ctc"))


def test_entity_by_any_name(library):
    dpo = library.entity("DPKO")
    assert dpo["id"] == library.entity("Department of Peace Operations")["id"]
    texts = [h.text for h in dpo["hits"]]
    assert any("Department of Peace Operations" in t for t in texts)
    assert any("DPKO" in t for t in texts)
    who = library.entity("WHO")
    assert [h.passage_id for h in who["hits"]] == ["a-res-77-20:op13"]

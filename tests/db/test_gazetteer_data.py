"""The curated gazetteer and the hand annotations are well-formed.

These tests read the TOML files with :mod:`tomllib` only (never the linker), so
they check the data itself: every tree is a tree, every annotation points at an
existing node of the right tree, and every annotated surface really is in its
passage, as often and in the order annotated.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from db.store import Store

ROOT = Path(__file__).resolve().parents[2]
GAZETTEER = ROOT / "resources" / "gazetteer"
ANNOTATIONS = ROOT / "tests" / "data" / "entity_annotations.toml"
TREE_FILES = {
    "un": "un_entities.toml",
    "capabilities": "capabilities.toml",
    "themes": "themes.toml",
}
# Annotation list -> the tree its ids must come from.
ANNOTATED_TREES = {"entities": "un", "capabilities": "capabilities"}
UN_CATEGORIES = {
    "organization",
    "principal_organ",
    "secretariat_office",
    "subsidiary_body",
    "fund_programme",
    "specialized_agency",
    "research_institute",
    "coordination_framework",
    "tribunal",
    "assistance_programme",
    "other",
}
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")


def _load_tree(tree: str) -> list[dict[str, Any]]:
    """Return the ``[[entity]]`` tables of one gazetteer file."""
    with (GAZETTEER / TREE_FILES[tree]).open("rb") as f:
        return tomllib.load(f)["entity"]


def _load_annotations() -> list[dict[str, Any]]:
    """Return the ``[[passage]]`` tables of the annotation file."""
    with ANNOTATIONS.open("rb") as f:
        return tomllib.load(f)["passage"]


def _whole_word_spans(text: str, surface: str) -> list[tuple[int, int]]:
    """Return the spans where ``surface`` occurs in ``text`` as whole words (exact case)."""
    rx = re.compile(rf"(?<!\w){re.escape(surface)}(?!\w)")
    return [m.span() for m in rx.finditer(text)]


def _expected_sequence(text: str, surfaces: list[str]) -> list[str]:
    """Return the annotated surfaces as found in ``text``, in order of appearance.

    Every whole-word occurrence of each annotated surface counts, except one that
    lies inside an occurrence of a longer annotated surface (longest match wins:
    "United Nations" inside "United Nations Office on Drugs and Crime" is not a
    mention of its own).
    """
    distinct = set(surfaces)
    spans = {s: _whole_word_spans(text, s) for s in distinct}
    found: list[tuple[int, str]] = []
    for s in distinct:
        longer = [sp for other in distinct if len(other) > len(s) for sp in spans[other]]
        for start, end in spans[s]:
            if not any(ls <= start and end <= le for ls, le in longer):
                found.append((start, s))
    return [s for _, s in sorted(found)]


@pytest.fixture(scope="module")
def trees() -> dict[str, list[dict[str, Any]]]:
    return {tree: _load_tree(tree) for tree in TREE_FILES}


@pytest.fixture(scope="module")
def annotations() -> list[dict[str, Any]]:
    return _load_annotations()


@pytest.fixture(scope="module")
def passages(built_store: Path) -> dict[str, str]:
    store = Store.open(built_store)
    try:
        return {p["id"]: p["text"] for p in store.passages()}
    finally:
        store.close()


@pytest.mark.parametrize("tree", TREE_FILES)
def test_every_node_has_the_required_fields(trees, tree):
    for node in trees[tree]:
        assert ID_PATTERN.fullmatch(node["id"]), node["id"]
        assert node["name"].strip(), node["id"]
        assert node.get("description", "").strip(), f"{node['id']}: no description"
        for key in ("acronyms", "aliases", "not_after"):
            values = node.get(key, [])
            assert all(isinstance(v, str) and v.strip() for v in values), (node["id"], key)
            assert len(values) == len(set(values)), f"{node['id']}: duplicate {key}"
        for former in node.get("former_names", []):
            assert former["name"].strip() and isinstance(former["until"], int), node["id"]


def test_ids_are_unique_across_all_trees(trees):
    counts = Counter(n["id"] for nodes in trees.values() for n in nodes)
    assert [i for i, c in counts.items() if c > 1] == []


@pytest.mark.parametrize("tree", TREE_FILES)
def test_every_parent_exists_in_the_same_tree_and_there_are_no_cycles(trees, tree):
    parents = {n["id"]: n.get("parent") for n in trees[tree]}
    for node_id, parent in parents.items():
        assert parent is None or parent in parents, f"{node_id}: unknown parent {parent!r}"
        seen = {node_id}
        while parent is not None:
            assert parent not in seen, f"{node_id}: cycle through {parent!r}"
            seen.add(parent)
            parent = parents[parent]


def test_un_tree_has_the_single_root_un_and_known_categories(trees):
    nodes = trees["un"]
    assert [n["id"] for n in nodes if "parent" not in n] == ["un"]
    for node in nodes:
        assert node.get("category") in UN_CATEGORIES, node["id"]


def test_un_tree_status_and_closing_years(trees):
    for node in trees["un"]:
        status = node.get("status", "active")
        assert status in {"active", "closed"}, node["id"]
        if status == "closed":
            assert isinstance(node.get("closed"), int), f"{node['id']}: closed without a year"
            assert 1945 <= node["closed"] <= 2100, node["id"]
        else:
            assert "closed" not in node, f"{node['id']}: a closing year but active"


def test_every_passage_is_annotated_exactly_once(annotations, passages):
    ids = [a["id"] for a in annotations]
    assert len(ids) == len(set(ids)), "a passage is annotated twice"
    assert set(ids) == set(passages)
    assert len(ids) == 127


@pytest.mark.parametrize("key", ANNOTATED_TREES)
def test_every_annotated_id_exists_in_the_right_tree(trees, annotations, key):
    known = {n["id"] for n in trees[ANNOTATED_TREES[key]]}
    for ann in annotations:
        for pair in ann[key]:
            assert len(pair) == 2, (ann["id"], pair)
            assert pair[0] in known, f"{ann['id']}: {pair[0]!r} is not in {key}"


@pytest.mark.parametrize("key", ANNOTATED_TREES)
def test_annotated_surfaces_occur_as_often_and_in_the_order_annotated(annotations, passages, key):
    for ann in annotations:
        text = passages[ann["id"]]
        surfaces = [surface for _, surface in ann[key]]
        assert all(s == s.strip() and s for s in surfaces), ann["id"]
        assert surfaces == _expected_sequence(text, surfaces), ann["id"]

"""The linker's shortcuts find exactly what the plain scan of every pattern finds.

:meth:`Linker.find` tries only the patterns whose key needle word occurs in a
passage, and each only where one of its matches can start. These tests compare
it with the plain scan (every pattern, everywhere) on the bundled corpus, on
variants of it made to trip the shortcuts, and with a memory of word runs too
small to keep anything.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

import pytest

from db import entities, paths
from db.entities import Gazetteer, Linker, Mention
from db.store import Store

TREE_CHOICES = [None, ["un"], ["capabilities"], ["themes"], ["un", "themes"]]


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker(Gazetteer.load(paths.gazetteer_dir()))


@pytest.fixture(scope="module")
def texts(built_store) -> list[str]:
    return [p["text"] for p in Store.open(built_store).passages()]


def plain(linker: Linker, text: str, trees: list[str] | None = None) -> list[Mention]:
    """Every pattern, tried at every position of the text."""
    return linker._link(text, text.lower(), trees, range(len(linker._patterns)), None)


def variants(text: str) -> Iterator[str]:
    yield text.upper()
    yield text.swapcase()
    # Characters that match ASCII letters when case is ignored: the Kelvin sign, the
    # long s, the dotless i and the dotted capital I (whose lowercase is longer).
    yield text.replace("k", "\u212a").replace("s", "\u017f")
    yield text.replace("i", "\u0131")
    yield text.replace("I", "\u0130")
    yield text.replace(" ", " \n\t ")
    yield text.replace(" ", "")
    yield text.replace("-", " – ").replace("'", "’")


def test_the_corpus_has_mentions_to_compare(linker, texts):
    assert sum(len(linker.find(t)) for t in texts) > 500


@pytest.mark.parametrize("trees", TREE_CHOICES)
def test_find_is_the_plain_scan_on_the_corpus(linker, texts, trees):
    for text in texts:
        assert linker.find(text, trees) == plain(linker, text, trees), text


def test_find_is_the_plain_scan_on_variants_of_the_corpus(linker, texts):
    for text in texts:
        for variant in variants(text):
            assert linker.find(variant) == plain(linker, variant), variant


def test_find_is_the_plain_scan_while_forgetting_word_runs(monkeypatch, texts):
    monkeypatch.setattr(entities, "_RUN_CACHE_SIZE", 5)
    monkeypatch.setattr(entities, "_RUN_CACHE_LONGEST", 6)
    linker = Linker(Gazetteer.load(paths.gazetteer_dir()))
    for text in texts * 2:
        assert linker.find(text) == plain(linker, text), text


def test_edge_cases(linker):
    for text in ["", " ", "the", "UN", "the UN", "UN’s police", "x" * 3000, "United Nations"]:
        assert linker.find(text) == plain(linker, text)


def test_the_characters_that_match_ascii_word_characters_ignoring_case_are_found():
    """The start positions rely on it: no other character can stand for an ASCII one."""
    others = "".join(map(chr, range(0x80, 0x110000)))
    for c in string.ascii_letters + string.digits + "_":
        for m in re.finditer(re.escape(c), others, re.IGNORECASE):
            assert entities._ASCII_WORD_IGNORING_CASE.fullmatch(m.group())

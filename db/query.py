"""Understanding what the officer typed: citations, acronyms, synonyms, typos, stop words.

:class:`QueryPlanner` turns raw input into a :class:`Plan`: passages pinned
first (a citation look-up such as "77/20 para 11", or a document symbol), the
Whoosh query for the rest, the terms to mark in snippets, and the corrected
query when a word was not in the vocabulary. It never raises on any input.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import query as wq

from db.entities import Gazetteer, Node
from db.index import terms as analyse

#: Words that carry no meaning of their own in a look-up (question words, stop words).
STOP_WORDS = frozenset(
    """a an and are as at be by can could did do does for from had has have how i if in into
    is it its may me might must my of on or our shall should so than that the their them
    then there these they this those to us was we were what when where which while who whom
    whose why will with would you your about any all also been being both each ever more most
    other over same such too very tell show find give get let know""".split()
)

FIELD_BOOSTS = {"text": 1.0, "heading": 0.5, "title": 0.0, "entities": 0.8, "words": 0.0}
MAX_QUERY_CHARS = 512
MAX_WORDS = 32

_RAW_WORD = re.compile(r"[^\W_]+(?:[-/.'’][^\W_]+)*")
_SYMBOL = re.compile(r"(?i)\b(?:(?:A|S|E)/RES/)?(\d{1,4}/\d{1,4})\b")
_PARA_REF = re.compile(
    r"(?ix)"
    r"(?P<kind>preambular\s+para(?:graph)?s?\.?|preamble|pp\.?|"
    r"operative\s+para(?:graph)?s?\.?|op\.?|para(?:graph)?s?\.?|§|"
    r"footnotes?|fn\.?|notes?)"
    r"\s*(?P<num>\d{1,3})\s*(?:\(\s*(?P<letter>[a-z])\s*\)|(?P<letter2>[a-z])\b)?"
)
_QUOTED = re.compile(r"[\"“”]([^\"“”]{2,})[\"“”]")


def fold(text: str) -> str:
    """Lowercase and strip accents (for matching names typed without them)."""
    t = unicodedata.normalize("NFKD", text)
    return "".join(c for c in t if not unicodedata.combining(c)).lower().replace("’", "'")


@dataclass
class Plan:
    """What to run for one query."""

    pinned: list[str] = field(default_factory=list)
    query: wq.Query | None = None
    mark_terms: set[str] = field(default_factory=set)
    corrected: str | None = None
    document_listing: str | None = None


@dataclass
class SynonymGroup:
    """Phrases that stand in for each other, each as its analysed terms."""

    phrases: list[tuple[str, ...]]


def load_synonyms(path: Path) -> list[SynonymGroup]:
    """Read the curated synonym groups (a missing file means none)."""
    if not path.is_file():
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    groups = []
    for g in data.get("group", []):
        phrases = [tuple(analyse(t)) for t in g.get("terms", [])]
        phrases = [p for p in dict.fromkeys(phrases) if p]
        if len(phrases) > 1:
            groups.append(SynonymGroup(phrases))
    return groups


def _phrase(fieldname: str, words: tuple[str, ...] | list[str], boost: float = 1.0) -> wq.Query:
    if len(words) == 1:
        return wq.Term(fieldname, words[0], boost=boost)
    return wq.Phrase(fieldname, list(words), slop=1, boost=boost)


def _any_field(words: tuple[str, ...] | list[str], boost: float = 1.0) -> wq.Query:
    subs = [_phrase(f, words, b * boost) for f, b in FIELD_BOOSTS.items() if b > 0]
    return wq.DisjunctionMax(subs, tiebreak=0.1)


class QueryPlanner:
    """Builds :class:`Plan` objects; holds what it needs from the store and index."""

    def __init__(
        self,
        *,
        gazetteer: Gazetteer,
        synonyms: list[SynonymGroup],
        symbols: dict[str, str],
        passage_ids: set[str],
        vocabulary: Any,
    ) -> None:
        """Create a planner.

        Args:
            gazetteer: Nodes whose acronyms, aliases and former names expand.
            synonyms: Curated synonym groups.
            symbols: Resolution number ("77/20") or symbol ("a/res/77/20") → document id.
            passage_ids: Every passage id (to check citation look-ups).
            vocabulary: An object with ``known(word) -> bool`` and
                ``suggest(word) -> str | None`` over the indexed words.
        """
        self.gazetteer = gazetteer
        self.synonyms = synonyms
        self.symbols = symbols
        self.passage_ids = passage_ids
        self.vocabulary = vocabulary
        self._acronyms: dict[str, list[Node]] = {}
        self._names: dict[tuple[str, ...], list[Node]] = {}
        for node in gazetteer.nodes.values():
            for acr in node.all_acronyms():
                self._acronyms.setdefault(acr, []).append(node)
            for name in node.all_names():
                key = tuple(analyse(name))
                if key:
                    self._names.setdefault(key, []).append(node)
        self._max_name = max((len(k) for k in self._names), default=1)

    # -- citations -----------------------------------------------------------

    def _citation(self, text: str) -> tuple[list[str], str | None, str]:
        """Return (pinned passage ids, listed document, rest of the text)."""
        m = _SYMBOL.search(text)
        if not m:
            return [], None, text
        doc_id = self.symbols.get(m.group(0).lower()) or self.symbols.get(m.group(1))
        if doc_id is None:
            return [], None, text
        rest = (text[: m.start()] + " " + text[m.end() :]).strip()
        rest = re.sub(r"(?i)^\s*(?:resolution|res\.?)\s*|\s*(?:resolution|res\.?)\s*$", "", rest)
        ref = _PARA_REF.search(rest)
        if ref is None:
            rest = re.sub(r"(?i)\bresolution\b", "", rest).strip(" ,.")
            return [], (doc_id if not rest else None), rest
        kind = ref.group("kind").lower()
        letter = (ref.group("letter") or ref.group("letter2") or "").lower()
        num = ref.group("num")
        if kind.startswith(("pre", "pp")):
            local = f"pp{num}"
        elif kind.startswith(("foot", "fn", "note")):
            local = f"fn{num}"
        else:
            local = f"op{num}{letter}"
        pid = f"{doc_id}:{local}"
        rest = (rest[: ref.start()] + " " + rest[ref.end() :]).strip(" ,.")
        return ([pid] if pid in self.passage_ids else []), None, rest

    # -- the plan ------------------------------------------------------------

    def plan(self, text: str) -> Plan:
        """Return the plan for what the officer typed (never raises)."""
        text = "".join(ch if ch.isprintable() else " " for ch in text[:MAX_QUERY_CHARS]).strip()
        plan = Plan()
        if not text:
            return plan
        pinned, listing, rest = self._citation(text)
        plan.pinned = pinned
        plan.document_listing = listing

        should: list[wq.Query] = []
        musts: list[wq.Query] = []
        for quoted in _QUOTED.findall(rest):
            words = analyse(quoted)
            if words:
                musts.append(_any_field(words, boost=3.0))
                plan.mark_terms.update(words)
        rest = _QUOTED.sub(" ", rest)

        raw_words = _RAW_WORD.findall(rest)[:MAX_WORDS]
        covered: set[int] = set()
        # 1. Gazetteer: acronyms in their exact case (any case if not an English word),
        #    then names, aliases and former names.
        for i, w in enumerate(raw_words):
            nodes = self._acronyms.get(w)
            if nodes is None and fold(w) not in STOP_WORDS:
                nodes = next(
                    (v for k, v in self._acronyms.items() if k.lower() == w.lower() and len(k) > 2),
                    None,
                )
            if nodes:
                covered.add(i)
                for node in nodes:
                    should.append(self._node_query(node, boost=1.2))
                    plan.mark_terms.update(self._node_terms(node))
                plan.mark_terms.update(analyse(w))
                if fold(w) not in STOP_WORDS:
                    # The acronym as written ranks its literal mentions a little higher.
                    should.append(_any_field(analyse(w), boost=0.5))
        analysed = [analyse(w) for w in raw_words]
        flat: list[tuple[int, str]] = [(i, t) for i, ts in enumerate(analysed) for t in ts]
        # Longest gazetteer names in the query.
        named: set[int] = set()
        j = 0
        while j < len(flat):
            step = 1
            for n in range(min(self._max_name, len(flat) - j), 1, -1):
                key = tuple(t for _, t in flat[j : j + n])
                if key in self._names:
                    # The query already says the name: its own words are what to mark.
                    for node in self._names[key]:
                        should.append(self._node_query(node, boost=1.5))
                    plan.mark_terms.update(key)
                    # The words stay plain search terms too (unlike an acronym's letters).
                    named.update(i for i, _ in flat[j : j + n])
                    step = n  # the longest name wins; names inside it are not searched again
                    break
            j += step
        # 2. Synonyms on the analysed words.
        syn_covered: set[int] = set()
        alternatives: set[tuple[str, ...]] = set()
        for group in self.synonyms:
            for phrase in group.phrases:
                for k in range(len(flat) - len(phrase) + 1):
                    if tuple(t for _, t in flat[k : k + len(phrase)]) == phrase:
                        syn_covered.update(i for i, _ in flat[k : k + len(phrase)])
                        for other in group.phrases:
                            if other == phrase or other in alternatives:
                                continue
                            alternatives.add(other)
                            if not all(self._common(t) for t in other):
                                # In the passage text only: phrases are the costly queries.
                                should.append(_phrase("text", other, boost=0.7))
                                plan.mark_terms.update(other)
        # 3. Typos: a word not in the vocabulary is replaced by the nearest known word.
        corrected_words = list(raw_words)
        changed = False
        for i, w in enumerate(raw_words):
            if i in covered or i in syn_covered or i in named:
                continue
            low = fold(w)
            if low in STOP_WORDS or len(low) < 4 or not low.isalpha():
                continue
            if self.vocabulary.known(low):
                continue
            suggestion = self.vocabulary.suggest(low)
            if suggestion and suggestion != low:
                corrected_words[i] = suggestion
                analysed[i] = analyse(suggestion)
                changed = True
        if changed:
            plan.corrected = " ".join(corrected_words)
            # A corrected word may now be a gazetteer name or synonym: plan again once.
            again = self.plan(plan.corrected)
            again.corrected = plan.corrected
            again.pinned = plan.pinned or again.pinned
            return again
        # 4. The words themselves: stop words dropped unless nothing else is left.
        content = [
            (i, t)
            for i, ts in enumerate(analysed)
            for t in ts
            if fold(raw_words[i]) not in STOP_WORDS and i not in covered
        ]
        if not content and not should and not musts:
            content = [(i, t) for i, ts in enumerate(analysed) for t in ts]
        terms = [t for _, t in content]
        plan.mark_terms.update(terms)
        # Words in a large share of the corpus ("interpol", "nations") weigh almost nothing
        # in BM25 but cost the most to score: leave them out when rarer words remain.
        rare = [t for t in dict.fromkeys(terms) if not self._common(t)]
        per_term = [_any_field([t]) for t in (rare or dict.fromkeys(terms))]
        if len(terms) > 1 and rare:
            should.append(_phrase("text", terms, boost=2.0))
        if per_term:
            should.append(wq.Or(per_term, scale=0.9) if len(per_term) > 1 else per_term[0])
        if musts:
            plan.query = wq.And([*musts, wq.Or(should)]) if should else wq.And(musts)
            plan.query = wq.Or([plan.query]) if len(musts) == 1 and not should else plan.query
        elif should:
            plan.query = wq.Or(should)
        plan.mark_terms = {t for t in plan.mark_terms if t not in STOP_WORDS}
        return plan

    def _node_terms(self, node: Node) -> set[str]:
        out: set[str] = set()
        for name in [*node.all_names(), *node.all_acronyms()]:
            out.update(analyse(name))
        return out

    def _common(self, term: str) -> bool:
        """Return True for a term in more than a fifth of the passages (its text field)."""
        counts = getattr(self.vocabulary, "text_frequency", None)
        return bool(counts) and counts(term) > 0.2 * max(1, self.vocabulary.doc_count())

    def _node_query(self, node: Node, boost: float) -> wq.Query:
        if node.parent is None:
            # A root ("United Nations", a crime programme) is named in a large share of the
            # corpus: it should steer the ranking a little, never dominate it.
            boost *= 0.25
        # Passages the linker tied to the node (exactly), or to a node below it (a query
        # naming "INTERPOL databases" finds the paragraphs naming SLTD or FIND), rank
        # above passages that merely contain the words of a name.
        alts: list[wq.Query] = [wq.Term("entity_ids", node.id, boost=2.0 * boost)]
        # Not for a root such as the UN itself, whose descendants are everything.
        below = self.gazetteer.descendants(node.id)[1:] if node.parent else []
        if below:
            # Whoosh applies boosts at the leaves, so each term carries its own.
            alts.append(wq.Or([wq.Term("entity_ids", b, boost=0.3 * boost) for b in below]))
        # No phrase of the name in the text: the linker already tied every mention of the
        # name, its aliases and former names to the node's id (and phrases are the costly
        # queries on a large corpus).
        # Acronyms are not searched in the text (lowercased there, "WHO" would be "who"):
        # the linker matched them in their exact case into the entities field.
        # (An Or, not a DisjunctionMax: Whoosh's DisMax matcher lost the leaf boosts here.)
        return wq.Or(alts)

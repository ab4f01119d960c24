"""Ranking passages for a query: candidates from the postings, then exact BM25F.

Whoosh's own search walks a tree of matchers in Python, posting by posting: on
a corpus of 166,000 passages a question of eight words walks 70,000 passages
through a dozen matchers and takes seconds. Its shortcut, block-quality
skipping, can loop forever on unions (whoosh issues #446 and #461), and its
disjunction-max matcher adds the score of a sub-matcher that sits on another
passage. So the index is Whoosh's, and the ranking is done here, in two
stages, over the query objects :mod:`db.query` builds:

1. **Candidates** (:meth:`Ranker.candidates`). The posting blocks of each query
   term are read directly (ids and term frequencies, 128 postings at a time)
   and a rough score is added up per passage in a dictionary, following the
   query's structure. A phrase counts where all its rarer words occur (its
   positions are left to stage 2). On a large index a term found in more than
   a tenth of the passages is not read at all when the query has rarer terms:
   its postings are the longest and it weighs least.
2. **Exact scoring** (:meth:`Ranker.score`). The best candidates are fetched
   from the record and analysed like the index, and the query is evaluated on
   each: BM25F per term and field (Whoosh's formula, idf and quantised field
   lengths), phrases by their positions, a union's coordination bonus.

On an index of at most ``candidates`` passages every matching passage is
scored exactly, so the ranking never depends on the rough score there.
"""

from __future__ import annotations

import heapq
import math
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte

#: How many candidates of the rough score are scored exactly, per round.
DEFAULT_CANDIDATES = 300
#: BM25 parameters (as the searcher's BM25F).
K1, B = 1.2, 0.75
#: On an index larger than the candidate count, terms in more than this share of
#: the passages are not read for candidates when the query has rarer terms.
COMMON_SHARE = 0.1
#: Analysed passages kept in memory (search as you type repeats them).
CACHE_PASSAGES = 4096
#: How many (field, term) idf values the ranker keeps: each query adds its own words
#: (typos, new tokens), so an unbounded table grows with every unique query in batch mode.
CACHE_IDF_TERMS = 20_000

#: One field of one passage: its terms in order, and its length as Whoosh stores it.
FieldTerms = tuple[list[str], int]
#: The analysed fields of one passage.
PassageFields = dict[str, FieldTerms]


def quantised(length: int) -> int:
    """Return a field length as Whoosh stores it (one byte, logarithmic)."""
    return byte_to_length(length_to_byte(length))


def field_terms(terms: list[str]) -> FieldTerms:
    """Return the :data:`FieldTerms` of a field's analysed terms."""
    return terms, quantised(len(terms))


@dataclass
class Scored:
    """One passage and its score."""

    docnum: int
    score: float


def _blocks(
    matcher: Any, *, weights: bool = True
) -> Iterator[tuple[Iterable[int], Iterable[float]]]:
    """Yield ``(ids, weights)`` of a leaf matcher, a block at a time where possible.

    With ``weights=False`` the weights are not decoded (an empty tuple instead).
    """
    if isinstance(matcher, W3LeafMatcher):
        # Whoosh's own block reader: one unpickle per 128 postings instead of several
        # method calls per posting. (Private names: Whoosh-Reloaded is pinned in pyproject.toml.)
        while not matcher._atend:
            matcher._read_ids()
            if weights:
                matcher._read_weights()
            yield matcher._ids, (matcher._weights if weights else ())
            matcher._next_block()
        return
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    yield ids, weights


class Ranker:
    """Ranks the passages of one open index for query objects.

    Args:
        searcher: An open Whoosh searcher (kept open by the caller).
        load_fields: Returns the analysed fields of the given docnums
            (see :meth:`db.search.SearchEngine`): the text the index was built from.
        candidates: How many rough-score candidates are scored exactly per round.
    """

    def __init__(
        self,
        searcher: Any,
        load_fields: Callable[[list[int]], dict[int, PassageFields]],
        *,
        candidates: int = DEFAULT_CANDIDATES,
    ) -> None:
        self.searcher = searcher
        self.load_fields = load_fields
        self.candidates = candidates
        self.common_share = COMMON_SHARE
        self.doc_count = searcher.doc_count_all()
        self._leaves = list(searcher.leaf_searchers())
        self._norms: dict[tuple[int, str], tuple[bytes, list[float]]] = {}
        self._idf: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._avg: dict[str, float] = {}
        self._cache: OrderedDict[int, PassageFields] = OrderedDict()

    def clear_cache(self) -> None:
        """Forget the analysed passages kept between searches."""
        self._cache.clear()

    # -- statistics ------------------------------------------------------------

    def idf(self, field: str, term: str) -> float:
        """Return Whoosh's idf of a term: ``log(N / (df + 1)) + 1``."""
        key = (field, term)
        value = self._idf.get(key)
        if value is None:
            df = self.searcher.doc_frequency(field, term)
            value = self._idf[key] = math.log(self.doc_count / (df + 1)) + 1
            if len(self._idf) > CACHE_IDF_TERMS:
                self._idf.popitem(last=False)
        else:
            self._idf.move_to_end(key)
        return value

    def avg_length(self, field: str) -> float:
        """Return the mean length of a field over all passages (at least 1)."""
        if field not in self._avg:
            self._avg[field] = self.searcher.avg_field_length(field) or 1.0
        return self._avg[field]

    def bm25(self, field: str, term: str, tf: float, length: int) -> float:
        """Return one term's BM25 score in one field of one passage."""
        norm = K1 * ((1 - B) + B * length / self.avg_length(field))
        return self.idf(field, term) * tf * (K1 + 1) / (tf + norm)

    def _norm(self, seg: int, field: str) -> tuple[bytes, list[float]]:
        """Return a segment's length bytes for ``field`` and the BM25 norm of each byte."""
        key = (seg, field)
        if key not in self._norms:
            reader = self._leaves[seg][0].reader()
            perdoc = getattr(reader, "_perdoc", None)
            lengths = b""
            if perdoc is not None and perdoc.has_column(_lenfield(field)):
                column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
                lengths = column._dbfile.get(column._basepos, column._count)
            avg = self.avg_length(field)
            norms = [K1 * ((1 - B) + B * byte_to_length(i) / avg) for i in range(256)]
            self._norms[key] = (lengths, norms)
        return self._norms[key]

    def term_scores(self, field: str, term: str) -> dict[int, float]:
        """Return one term's BM25 score in one field for every passage holding it."""
        scores: dict[int, float] = {}
        if field not in self.searcher.schema:
            return scores
        scale = self.idf(field, term) * (K1 + 1)
        for seg, (sub, offset) in enumerate(self._leaves):
            try:
                matcher = sub.reader().postings(field, term)
            except TermNotFound:
                continue
            lengths, norms = self._norm(seg, field)
            n = len(lengths)
            for ids, weights in _blocks(matcher):
                for doc, tf in zip(ids, weights, strict=False):
                    scores[doc + offset] = scale * tf / (tf + norms[lengths[doc] if doc < n else 0])
        return scores

    def docs_with(self, field: str, terms: Iterable[str]) -> set[int]:
        """Return the docnums holding any of ``terms`` in ``field`` (for filters)."""
        out: set[int] = set()
        if field not in self.searcher.schema:
            return out
        for term in terms:
            for sub, offset in self._leaves:
                try:
                    matcher = sub.reader().postings(field, term)
                except TermNotFound:
                    continue
                for ids, _ in _blocks(matcher, weights=False):
                    out.update(d + offset for d in ids)
        return out

    # -- the two stages --------------------------------------------------------

    def rough_scores(self, q: wq.Query, allowed: set[int] | None = None) -> dict[int, float]:
        """Return the rough score of every candidate docnum.

        Args:
            q: The query.
            allowed: Only these docnums may be candidates (the filters), or None.
        """
        rough = _RoughScore(self, skip_common=self.doc_count > self.candidates).score(q)
        if allowed is not None:
            rough = {d: s for d, s in rough.items() if d in allowed}
        return rough

    def _fields(self, docnums: list[int]) -> dict[int, PassageFields]:
        """Return the analysed fields of passages, from the cache or the record."""
        out: dict[int, PassageFields] = {}
        missing = []
        for d in docnums:
            f = self._cache.get(d)
            if f is None:
                missing.append(d)
            else:
                self._cache.move_to_end(d)
                out[d] = f
        if missing:
            loaded = self.load_fields(missing)
            out.update(loaded)
            for d, f in loaded.items():
                self._cache[d] = f
                if len(self._cache) > CACHE_PASSAGES:
                    self._cache.popitem(last=False)
        return out

    def search(
        self, q: wq.Query, *, limit: int, allowed: set[int] | None = None, max_rounds: int = 8
    ) -> list[Scored]:
        """Return the ``limit`` best passages for ``q`` by exact score, best first.

        Candidates are scored exactly a round of ``candidates`` at a time; a further
        round runs only while fewer than ``limit`` of them matched (a quoted phrase
        absent from the best rough candidates), at most ``max_rounds`` rounds (or as
        many as ``limit`` needs, when that is more).
        """
        rough = self.rough_scores(q, allowed)
        step = self.candidates
        # The first round needs only the best ``step``; the full order only if it falls short.
        key = lambda kv: (-kv[1], kv[0])  # noqa: E731
        order = [d for d, _ in heapq.nsmallest(step, rough.items(), key=key)]
        found: list[Scored] = []
        leaves: dict[int, list[tuple[str, str]]] = {}
        for round_no in range(max(max_rounds, -(-limit // step) + 1)):
            if round_no == 1:
                order = [d for d, _ in sorted(rough.items(), key=key)]
            batch = order[round_no * step : (round_no + 1) * step]
            if not batch:
                break
            fields = self._fields(batch)
            for d in batch:
                f = fields.get(d)
                if f is None:
                    continue
                score = _ExactScore(self, f, leaves).score(q)
                if score is not None:
                    found.append(Scored(d, score))
            if len(found) >= limit:
                break
        best = heapq.nsmallest(limit, found, key=lambda s: (-s.score, s.docnum))
        return best


class _RoughScore:
    """Scores a query tree roughly, by dictionaries of per-passage scores."""

    def __init__(self, ranker: Ranker, *, skip_common: bool) -> None:
        self.ranker = ranker
        self._cache: dict[tuple[str, str], dict[int, float]] = {}
        self.common = max(1, int(ranker.doc_count * ranker.common_share)) if skip_common else None

    def _df(self, field: str, term: str) -> int:
        if field not in self.ranker.searcher.schema:
            return 0
        return self.ranker.searcher.doc_frequency(field, term)

    def score(self, q: wq.Query) -> dict[int, float]:
        """Return ``{docnum: rough score}`` for a whole query."""
        if self.common is not None:
            # Common terms are skipped only when the query also has rarer ones.
            leaves = list(_leaf_terms(q))
            if leaves and all(self._df(f, t) > self.common for f, t in leaves):
                self.common = None
        return self._node(q, 1.0)

    def _term(self, field: str, term: str, *, skip_common: bool = True) -> dict[int, float]:
        if skip_common and self.common is not None and self._df(field, term) > self.common:
            return {}
        key = (field, term)
        if key not in self._cache:
            self._cache[key] = self.ranker.term_scores(field, term)
        return self._cache[key]

    def _node(self, node: wq.Query, factor: float) -> dict[int, float]:
        factor *= getattr(node, "boost", 1.0)
        if isinstance(node, wq.Term):
            scores = self._term(node.fieldname, node.text)
            return scores if factor == 1.0 else {d: v * factor for d, v in scores.items()}
        if isinstance(node, wq.Phrase):
            return self._phrase(node, factor)
        if isinstance(node, wq.DisjunctionMax):
            return self._union(node, factor, best=True)
        if isinstance(node, wq.And):
            parts = sorted((self._node(sub, factor) for sub in node.subqueries), key=len)
            if not parts:
                return {}
            out = dict(parts[0])
            for part in parts[1:]:
                out = {d: v + part[d] for d, v in out.items() if d in part}
            return out
        if isinstance(node, wq.CompoundQuery):
            return self._union(node, factor, best=False)
        return {}

    def _union(self, node: wq.CompoundQuery, factor: float, *, best: bool) -> dict[int, float]:
        """Combine the children's scores: their best (disjunction-max) or their sum."""
        parts = sorted((self._node(sub, factor) for sub in node.subqueries), key=len)
        if not parts:
            return {}
        out = dict(parts.pop())  # the largest is copied at C speed, the others added to it
        get = out.get
        for part in parts:
            if best:
                for d, v in part.items():
                    if v > get(d, 0.0):
                        out[d] = v
            else:
                for d, v in part.items():
                    out[d] = get(d, 0.0) + v
        return out

    def _phrase(self, node: wq.Phrase, factor: float) -> dict[int, float]:
        field = node.fieldname
        freqs = {w: self._df(field, w) for w in node.words}
        if not freqs or min(freqs.values()) == 0:
            return {}
        limit = self.common if self.common is not None else self.ranker.doc_count // 5
        rare = [w for w in dict.fromkeys(node.words) if freqs[w] <= limit]
        if not rare:
            rare = [min(node.words, key=freqs.__getitem__)]
        parts = sorted((self._term(field, w, skip_common=False) for w in rare), key=len)
        out = {d: v * factor for d, v in parts[0].items()}
        for part in parts[1:]:
            out = {d: v + factor * part[d] for d, v in out.items() if d in part}
        return out


class _ExactScore:
    """Evaluates a query tree on one passage's analysed fields."""

    def __init__(
        self, ranker: Ranker, fields: PassageFields, leaves: dict[int, list[tuple[str, str]]]
    ) -> None:
        self.ranker = ranker
        self.fields = fields
        self._counts: dict[str, dict[str, int]] = {}
        self._leaves = leaves  # per query node (by id), shared by the passages of one search

    def _tf(self, field: str, term: str) -> int:
        counts = self._counts.get(field)
        if counts is None:
            counts = {}
            for t in self.fields.get(field, ([], 0))[0]:
                counts[t] = counts.get(t, 0) + 1
            self._counts[field] = counts
        return counts.get(term, 0)

    def score(self, q: wq.Query) -> float | None:
        """Return the passage's score for ``q``, or None when it does not match."""
        return self._node(q, 1.0)

    def _term(self, field: str, term: str, factor: float) -> float | None:
        tf = self._tf(field, term)
        if not tf:
            return None
        return factor * self.ranker.bm25(field, term, tf, self.fields[field][1])

    def _node(self, node: wq.Query, factor: float) -> float | None:
        factor *= getattr(node, "boost", 1.0)
        if isinstance(node, wq.Term):
            return self._term(node.fieldname, node.text, factor)
        if isinstance(node, wq.Phrase):
            return self._phrase(node, factor)
        if isinstance(node, wq.DisjunctionMax):
            found = [
                s for s in (self._node(sub, factor) for sub in node.subqueries) if s is not None
            ]
            return max(found) if found else None
        if isinstance(node, wq.And):
            total = 0.0
            for sub in node.subqueries:
                s = self._node(sub, factor)
                if s is None:
                    return None
                total += s
            return total
        if isinstance(node, wq.CompoundQuery):
            found = [
                s for s in (self._node(sub, factor) for sub in node.subqueries) if s is not None
            ]
            if not found:
                return None
            total = sum(found)
            scale = getattr(node, "scale", None)
            if scale:
                total = self._coordinate(node, total, scale)
            return total
        return None

    def _children(self, node: wq.CompoundQuery, factor: float) -> list[float]:
        scores = (self._node(sub, factor) for sub in node.subqueries)
        return [s for s in scores if s is not None]

    def _phrase(self, node: wq.Phrase, factor: float) -> float | None:
        words = list(node.words)
        if not words:
            return None
        if len(words) == 1:
            return self._term(node.fieldname, words[0], factor)
        terms = self.fields.get(node.fieldname, ([], 0))[0]
        if any(not self._tf(node.fieldname, w) for w in words):
            return None
        n = len(words)
        first = words[0]
        if not any(
            terms[i : i + n] == words
            for i, t in enumerate(terms[: len(terms) - n + 1])
            if t == first
        ):
            return None
        # Whoosh scores a phrase as the sum of its words' scores.
        return sum(self._term(node.fieldname, w, factor) or 0.0 for w in words)

    def _coordinate(self, node: wq.Query, total: float, scale: float) -> float:
        """Apply Whoosh's coordination bonus for matching more of a union's terms."""
        leaves = self._leaves.get(id(node))
        if leaves is None:
            leaves = self._leaves[id(node)] = list(_leaf_terms(node))
        count = len(leaves)
        if count == 0 or count == scale:
            return 0.0
        matching = sum(1 for f, t in leaves if self._tf(f, t))
        return (total + (matching - 1) / (count - scale) ** 2) * ((count - 1) / count)


def _leaf_terms(node: wq.Query) -> Iterator[tuple[str, str]]:
    """Yield ``(field, term)`` of every term and phrase word of a query tree."""
    if isinstance(node, wq.Term):
        yield node.fieldname, node.text
    elif isinstance(node, wq.Phrase):
        for w in node.words:
            yield node.fieldname, w
    elif isinstance(node, wq.CompoundQuery):
        for sub in node.subqueries:
            yield from _leaf_terms(sub)
    elif isinstance(node, wq.WrappingQuery):
        yield from _leaf_terms(node.child)

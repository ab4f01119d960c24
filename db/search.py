"""Search over the passage index: query building, filters, snippets.

The query is never given to Whoosh's query-language parser: the officer's
words are analysed like the index and turned into query objects here, so no
input can raise a syntax error. Scoring is BM25F over the passage text, its
heading, its document's title and its linked entities' names.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh import scoring

from db.index import analyze, terms

FIELD_BOOSTS = {"text": 1.0, "heading": 0.5, "title": 0.3, "entities": 0.6}
MARK_OPEN, MARK_CLOSE = "**", "**"
SNIPPET_CHARS = 240


@dataclass
class Hit:
    """One passage found by a search."""

    passage_id: str
    document_id: str
    document_title: str
    citation: str
    heading: str
    number: str | None
    kind: str
    text: str
    snippet: str
    score: float
    highlights: list[tuple[int, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form used by ``liaison search --json``."""
        d = asdict(self)
        d["highlights"] = [list(h) for h in self.highlights]
        return d


@dataclass
class SearchResult:
    """The hits of one query, best first."""

    query: str
    hits: list[Hit]
    corrected_query: str | None = None


@dataclass
class Filters:
    """Restrictions that combine with a query (all optional)."""

    document: str | None = None
    kind: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    passage_ids: frozenset[str] | None = None

    def whoosh_filter(self) -> wq.Query | None:
        """Return the Whoosh filter query for these restrictions, or None."""
        parts: list[wq.Query] = []
        if self.document:
            parts.append(wq.Term("document_id", self.document))
        if self.kind:
            parts.append(wq.Term("kind", self.kind))
        if self.date_from or self.date_to:
            parts.append(wq.TermRange("date", self.date_from, self.date_to))
        if self.passage_ids is not None:
            parts.append(
                wq.Or([wq.Term("passage_id", p) for p in self.passage_ids])
                if self.passage_ids
                else wq.NullQuery
            )
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)


def make_snippet(
    text: str, query_terms: set[str], width: int = SNIPPET_CHARS
) -> tuple[str, list[tuple[int, int]]]:
    """Return a window of ``text`` around the best cluster of matches, matches marked.

    Args:
        text: The passage's clean text.
        query_terms: Analysed query terms to mark.
        width: Approximate snippet length in characters.

    Returns:
        The snippet (matches wrapped in ``**``) and the match spans in ``text``.
    """
    spans = [(s, e) for term, s, e in analyze(text) if term in query_terms]
    if len(text) <= width:
        lo, hi = 0, len(text)
    elif spans:
        best, best_n = spans[0][0], 0
        for s, _ in spans:
            n = sum(1 for s2, _ in spans if s <= s2 < s + width)
            if n > best_n:
                best, best_n = s, n
        lo = max(0, best - width // 4)
        hi = min(len(text), lo + width)
        lo = max(0, hi - width)
    else:
        lo, hi = 0, width
    if lo > 0:
        sp = text.find(" ", lo)
        lo = sp + 1 if 0 <= sp < lo + 30 else lo
    if hi < len(text):
        sp = text.rfind(" ", hi - 30, hi)
        hi = sp if sp > lo else hi
    out, pos = [], lo
    for s, e in spans:
        if s < lo or e > hi:
            continue
        out.append(text[pos:s])
        out.append(f"{MARK_OPEN}{text[s:e]}{MARK_CLOSE}")
        pos = e
    out.append(text[pos:hi])
    snippet = "".join(out)
    return ("…" if lo > 0 else "") + snippet + ("…" if hi < len(text) else ""), spans


_WORD = re.compile(r"[^\W_]+")


class SearchEngine:
    """Runs queries against an open index, reading passages from the store."""

    def __init__(self, ix: Any, store: Any) -> None:
        self.ix = ix
        self.store = store
        self.searcher = ix.searcher(weighting=scoring.BM25F(B=0.75, K1=1.2))
        self._titles = {d["id"]: d["title"] for d in store.documents()}

    def close(self) -> None:
        """Release the index searcher."""
        self.searcher.close()

    def build_query(self, text: str) -> tuple[wq.Query | None, set[str]]:
        """Turn an officer's words into a Whoosh query and the set of terms to mark."""
        qterms = terms(text)
        if not qterms:
            return None, set()
        per_term = []
        for t in dict.fromkeys(qterms):
            per_term.append(
                wq.DisjunctionMax(
                    [wq.Term(f, t, boost=b) for f, b in FIELD_BOOSTS.items()], tiebreak=0.1
                )
            )
        parts: list[wq.Query] = [wq.Or(per_term)] if len(per_term) > 1 else per_term
        if len(qterms) > 1:
            parts.append(wq.Phrase("text", qterms, slop=1, boost=2.0))
        return wq.Or(parts), set(qterms)

    def search(self, text: str, *, limit: int = 10, filters: Filters | None = None) -> SearchResult:
        """Search passages.

        Args:
            text: What the officer typed.
            limit: At most this many hits.
            filters: Restrictions combined with the query.

        Returns:
            The hits, best first, each passage at most once. An empty query with
            filters lists the filtered passages in document order.
        """
        filters = filters or Filters()
        q, qterms = self.build_query(text)
        flt = filters.whoosh_filter()
        if q is None:
            if flt is None:
                return SearchResult(text, [])
            results = self.searcher.search(flt, limit=None, sortedby=None)
            ids = [r["passage_id"] for r in results]
            return SearchResult(
                text, self._hits([(pid, 0.0) for pid in ids], set(), limit, ordered=True)
            )
        results = self.searcher.search(q, limit=limit, filter=flt)
        scored = [(r["passage_id"], float(r.score)) for r in results]
        return SearchResult(text, self._hits(scored, qterms, limit))

    def _hits(
        self, scored: list[tuple[str, float]], qterms: set[str], limit: int, ordered: bool = False
    ) -> list[Hit]:
        passages = self.store.passages_by_id(pid for pid, _ in scored)
        if ordered:
            seqs = {d["id"]: d["seq"] for d in self.store.documents()}
            scored.sort(
                key=lambda x: (seqs.get(passages[x[0]]["document_id"], 0), passages[x[0]]["seq"])
            )
        hits: list[Hit] = []
        seen: set[str] = set()
        for pid, score in scored:
            if pid in seen or pid not in passages:
                continue
            seen.add(pid)
            p = passages[pid]
            snippet, spans = make_snippet(p["text"], qterms)
            hits.append(
                Hit(
                    passage_id=pid,
                    document_id=p["document_id"],
                    document_title=self._titles.get(p["document_id"], ""),
                    citation=p["citation"],
                    heading=p["heading"],
                    number=p["number"],
                    kind=p["kind"],
                    text=p["text"],
                    snippet=snippet,
                    score=round(score, 4),
                    highlights=spans,
                )
            )
            if len(hits) >= limit:
                break
        return hits

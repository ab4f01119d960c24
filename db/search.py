"""Search over the passage index: query building, filters, snippets.

The query is never given to Whoosh's query-language parser: the officer's
words are analysed like the index and turned into query objects here, so no
input can raise a syntax error. Scoring is BM25F over the passage text, its
heading, its document's title and its linked entities' names, done by
:mod:`db.rank` over the Whoosh index's postings and statistics.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh import scoring

from db.errors import LiaisonError
from db.index import fast_analyze, fast_terms
from db.kinds import KIND_FILTER
from db.labels import MATCH_MEANING, MATCH_WORDS, PINNED_SCORE
from db.query import Plan, bounded
from db.rank import DEFAULT_CANDIDATES, PassageFields, Ranker, field_terms
from db.semantic import DENSE_CANDIDATES, LEXICAL_DEPTH, MeaningSearch, fuse
from db.sentences import SentenceSearch, blend
from db.snippets import SNIPPET_CHARS, snippet_parts

MARK_OPEN, MARK_CLOSE = "**", "**"


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
    #: :data:`MATCH_WORDS` or :data:`MATCH_MEANING` (found by meaning alone: the snippet
    #: is the passage's sentence closest to the query and nothing is marked).
    match: str = MATCH_WORDS

    def parts(self) -> list[tuple[str, bool]]:
        """Return the snippet as ``(text, marked)`` parts, for front ends to style.

        A hit found by words is cut from its text around its highlights (the same window
        as :attr:`snippet`, nothing to parse back out); a hit found by meaning alone is its
        closest sentence, nothing marked.
        """
        if self.match == MATCH_MEANING:
            return [(self.snippet, False)]
        return snippet_parts(self.text, self.highlights)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form used by ``liaison search --json``."""
        d = asdict(self)
        d["highlights"] = [list(h) for h in self.highlights]
        return d


@dataclass
class SearchResult:
    """The hits of one query, best first.

    Attributes:
        query: What was typed.
        hits: The passages found, best first.
        corrected_query: The query actually searched, when a typo was corrected.
        notice: One or more sentences to show above the hits, or None: a reference that
            names nothing ("A/RES/77/20 has no operative paragraph 30 (operative
            paragraphs 1–20).", "No document 77/999 in your library."), or how a
            reference was resolved ("Operative paragraph 19 of 2 resolutions,
            newest first …"). When a reference named nothing, ``hits`` holds only what
            the query's other words found (often nothing), never look-alike numbers.
    """

    query: str
    hits: list[Hit]
    corrected_query: str | None = None
    notice: str | None = None


@dataclass
class Filters:
    """Restrictions that combine with a query (all optional)."""

    document: str | None = None
    kind: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    passage_ids: frozenset[str] | None = None
    #: Passages linked to any of these entities (an entity and those below it): mentioning
    #: one, or in a document linked to one as a whole (a resolution and its issuing organ).
    entity_ids: frozenset[str] | None = None

    def whoosh_filter(self, entity_documents: Iterable[str] = ()) -> wq.Query | None:
        """Return the Whoosh filter query for these restrictions, or None.

        Args:
            entity_documents: The documents linked as a whole to :attr:`entity_ids`
                (their passages pass the entity filter).
        """
        parts: list[wq.Query] = []
        if self.entity_ids is not None:
            linked = [wq.Term("entity_ids", e) for e in sorted(self.entity_ids)]
            linked += [wq.Term("document_id", d) for d in sorted(entity_documents)]
            parts.append(wq.Or(linked) if linked else wq.NullQuery)
        if self.document:
            parts.append(wq.Term("document_id", self.document))
        if self.kind:
            parts.append(
                wq.Or([wq.Term("kind", k) for k in KIND_FILTER.get(self.kind, (self.kind,))])
            )
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
    text: str,
    query_terms: set[str],
    width: int = SNIPPET_CHARS,
    *,
    mentions: Iterable[tuple[int, int]] = (),
) -> tuple[str, list[tuple[int, int]]]:
    """Return a window of ``text`` around the best cluster of matches, matches marked.

    Args:
        text: The passage's clean text.
        query_terms: Analysed query terms to mark.
        width: Approximate snippet length in characters.
        mentions: (start, end) spans to mark as well (mentions of an entity the query
            named by its acronym), merged with the terms' spans they overlap.

    Returns:
        The snippet (matches wrapped in ``**``) and the match spans in ``text``, in
        order and never overlapping.
    """
    spans = _merged(
        [(s, e) for term, s, e in fast_analyze(text) if term in query_terms] + list(mentions)
    )
    snippet = "".join(
        f"{MARK_OPEN}{part}{MARK_CLOSE}" if marked else part
        for part, marked in snippet_parts(text, spans, width)
    )
    return snippet, spans


class SearchEngine:
    """Runs queries against an open index, reading passages from the store."""

    def __init__(
        self,
        ix: Any,
        store: Any,
        planner: Any = None,
        *,
        candidates: int = DEFAULT_CANDIDATES,
        meaning: MeaningSearch | None = None,
        sentences: SentenceSearch | None = None,
    ) -> None:
        """Create an engine.

        Args:
            ix: The open Whoosh index.
            store: The open :class:`~db.store.Store`.
            planner: The :class:`~db.query.QueryPlanner` (None: no query understanding).
            candidates: How many rough-score candidates are scored exactly per round
                (:class:`~db.rank.Ranker`).
            meaning: The meaning-based stage (None: words only).
            sentences: The sentence stage mixed into the meaning stage's word match
                (None: the word match alone).
        """
        self.ix = ix
        self.store = store
        self.searcher = ix.searcher(weighting=scoring.BM25F(B=0.75, K1=1.2))
        self.ranker = Ranker(self.searcher, self._load_fields, candidates=candidates)
        self._entity_terms: dict[str, list[str]] | None = None
        self._entity_documents: dict[str, set[str]] | None = None
        docs = store.documents()
        self._titles = {d["id"]: d["title"] for d in docs}
        self._doc_seq = {d["id"]: d["seq"] for d in docs}
        self._doc_dates = {d["id"]: d["date"] or "" for d in docs}
        self.planner = planner
        self.meaning = meaning
        self.sentences = sentences

    def close(self) -> None:
        """Release the index searcher."""
        self.searcher.close()

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        filters: Filters | None = None,
        context_document: str | None = None,
        meaning: bool = True,
    ) -> SearchResult:
        """Search passages.

        Args:
            text: What the officer typed (any text: it is never parsed as query syntax).
            limit: At most this many hits.
            filters: Restrictions combined with the query.
            context_document: The document a paragraph reference without a symbol
                ("OP 19") points into, when it is a resolution (the one open in the viewer).
            meaning: Let passages related by meaning fill in (:mod:`db.semantic`).

        Returns:
            The hits, best first, each passage at most once: the passages a reference
            ("77/20 para 11", "OP 17(a)-(c)") names first; a bare document symbol lists
            that document. An empty query with filters lists the filtered passages in
            document order. ``notice`` says what a reference did not find.
        """
        filters = filters or Filters()
        flt = filters.whoosh_filter(self._documents_of(filters.entity_ids))
        plan = (
            self.planner.plan(text, context_document=context_document) if self.planner else Plan()
        )
        notice = plan.notice
        if plan.document_listing and not plan.query:
            return SearchResult(text, self._listing(filters, plan.document_listing, limit))
        pinned = [pid for pid in plan.pinned if self._passes(pid, filters)]
        if plan.pinned and not pinned:
            outside = ", ".join(self.store.passage(pid)["citation"] for pid in plan.pinned[:3])
            more = " and others" if len(plan.pinned) > 3 else ""
            notice = _join(notice, f"{outside}{more} is outside the filters you set.")
        # Meaning fills in for words only, never for a reference (resolved, failed, or a
        # symbol not in the library); it reads the typo-corrected words when there are some,
        # and never more of the query than the words' planner read.
        asked = plan.corrected or bounded(text)
        reference = bool(plan.pinned) or plan.reference_failed or plan.mentions is not None
        dense = (
            self._dense(asked, filters)
            if meaning and self.meaning is not None and text.strip() and not reference
            else []
        )
        if plan.query is None and not pinned and not dense:
            if text.strip() or flt is None:
                return SearchResult(text, [], plan.corrected, notice)
            return SearchResult(text, self._listing(filters, None, limit))
        scored: list[tuple[str, float]] = []
        top = PINNED_SCORE
        scored.extend((pid, top) for pid in pinned)
        if plan.query is not None:
            # Ranked by db.rank, not Whoosh's searcher (see that module for why).
            allowed = self._allowed(filters) if flt is not None else None
            want = limit + len(pinned) if plan.mentions is None else 5 * limit + 20
            if dense:
                want = max(want, LEXICAL_DEPTH)
            for s in self.ranker.search(plan.query, limit=want, allowed=allowed):
                scored.append((self.searcher.stored_fields(s.docnum)["passage_id"], s.score))
        if dense and self.meaning is not None:
            # The words' matches and the nearest passages are scored word by word.
            related = self.meaning.related(asked, [*(pid for pid, _ in scored), *dense])
            read = None
            if self.sentences is not None:
                # Each candidate's closest clauses, as the sentence encoder reads them.
                read = self.sentences.closest(asked, [p for p, _ in related])
                related = blend(related, read)
            exact = '"' in text or "“" in text
            fused = fuse(scored, related, exact=exact, read=read)[: limit + 5]
            hits = self._hits(
                [(f.passage_id, f.score) for f in fused],
                plan.mark_terms,
                limit,
                entities=plan.mark_entities,
                by_meaning={f.passage_id for f in fused if f.by_meaning},
                asked=asked,
            )
        else:
            hits = self._hits(
                scored,
                plan.mark_terms,
                limit,
                mentions=plan.mentions,
                entities=plan.mark_entities,
            )
        if dense:
            problem = self._meaning_problem()
            if problem:
                notice = _join(notice, problem)
        if plan.mentions is not None:
            notice = _join(
                notice,
                f"No document {plan.mentions} in your library; "
                + ("the passages below mention it." if hits else "no passage mentions it."),
            )
        return SearchResult(text, hits, plan.corrected, notice)

    def _meaning_problem(self) -> str | None:
        """Say why meaning-based search runs with less than it should (None: it does not)."""
        if self.sentences is not None:
            self.sentences.encoder()  # loaded once: a store without clause vectors asks too
        errors = [
            stage.error
            for stage in (self.meaning, self.sentences)
            if stage is not None and stage.error
        ]
        if not errors:
            return None
        return f"Meaning-based search is limited: {'; '.join(e.rstrip('.') for e in errors)}."

    def _dense(self, text: str, filters: Filters) -> list[str]:
        """Return the passages nearest in meaning to the query that pass the filters."""
        if self.meaning is None:
            return []
        found = [pid for pid, _ in self.meaning.nearest(text, DENSE_CANDIDATES)]
        if filters.whoosh_filter(self._documents_of(filters.entity_ids)) is None:
            return found
        return [pid for pid in found if self._passes(pid, filters)]

    def _allowed(self, filters: Filters) -> set[int]:
        """Return the docnums that pass ``filters`` (read from the postings, fast)."""
        docs_with = self.ranker.docs_with
        sets: list[set[int]] = []
        if filters.document:
            sets.append(docs_with("document_id", [filters.document]))
        if filters.kind:
            sets.append(docs_with("kind", KIND_FILTER.get(filters.kind, (filters.kind,))))
        if filters.entity_ids is not None:
            sets.append(
                docs_with("entity_ids", filters.entity_ids)
                | docs_with("document_id", self._documents_of(filters.entity_ids))
            )
        if filters.passage_ids is not None:
            sets.append(docs_with("passage_id", filters.passage_ids))
        if filters.date_from or filters.date_to:
            dates = wq.TermRange("date", filters.date_from, filters.date_to)
            sets.append(set(self.searcher.docs_for_query(dates)))
        sets.sort(key=len)
        allowed = sets[0]
        for other in sets[1:]:
            allowed = allowed & other
        return allowed

    def _load_fields(self, docnums: list[int]) -> dict[int, PassageFields]:
        """Return the analysed searchable fields of passages, as the index holds them."""
        if self._entity_terms is None:
            self._entity_terms = {
                eid: fast_terms(text) for eid, text in self.store.entity_index_texts().items()
            }
        ids = {d: self.searcher.stored_fields(d)["passage_id"] for d in docnums}
        passages = self.store.passages_by_id(ids.values())
        mentioned = self.store.passage_entity_ids(ids.values())
        out: dict[int, PassageFields] = {}
        for d, pid in ids.items():
            p = passages.get(pid)
            if p is None:
                continue
            eids = mentioned.get(pid, [])
            out[d] = {
                "text": field_terms(fast_terms(p["text"])),
                "heading": field_terms(fast_terms(p["heading"] or "")),
                "entities": field_terms([t for e in eids for t in self._entity_terms.get(e, [])]),
                "entity_ids": field_terms(eids),
            }
        return out

    def _passes(self, pid: str, filters: Filters) -> bool:
        try:
            p = self.store.passage(pid)
        except LiaisonError:
            return False
        if filters.document and p["document_id"] != filters.document:
            return False
        if filters.kind and p["kind"] not in KIND_FILTER.get(filters.kind, (filters.kind,)):
            return False
        if filters.passage_ids is not None and pid not in filters.passage_ids:
            return False
        if (
            filters.entity_ids is not None
            and p["document_id"] not in self._documents_of(filters.entity_ids)
            and not filters.entity_ids.intersection(
                self.store.passage_entity_ids([pid]).get(pid, [])
            )
        ):
            return False
        date = self._doc_dates.get(p["document_id"], "")
        if filters.date_from and not (date and date >= filters.date_from):
            return False
        return not (filters.date_to and not (date and date <= filters.date_to))

    def _documents_of(self, entity_ids: frozenset[str] | None) -> set[str]:
        """Return the documents linked as a whole to any of ``entity_ids`` (issued by one)."""
        if not entity_ids:
            return set()
        if self._entity_documents is None:
            self._entity_documents = self.store.entity_document_ids()
        return {d for e in entity_ids for d in self._entity_documents.get(e, ())}

    def _listing(self, filters: Filters, document: str | None, limit: int) -> list[Hit]:
        if document:
            filters = Filters(**{**filters.__dict__, "document": filters.document or document})
            if filters.document != document:
                return []
        ids = self.store.list_passage_ids(limit=limit, **filters.__dict__)
        return self._hits([(pid, 0.0) for pid in ids], set(), limit)

    def _hits(
        self,
        scored: list[tuple[str, float]],
        qterms: set[str],
        limit: int,
        *,
        mentions: str | None = None,
        entities: set[str] | frozenset[str] = frozenset(),
        by_meaning: set[str] | None = None,
        asked: str = "",
    ) -> list[Hit]:
        """Make the hits of ranked passages.

        Args:
            scored: ``(passage_id, score)`` best first.
            qterms: Analysed query terms to mark in snippets.
            limit: At most this many hits.
            mentions: A symbol's number the passages must mention (others are left out).
            entities: Entities whose stored mentions in each passage are marked too.
            by_meaning: Passages found by meaning alone: their snippet is their sentence
                closest to ``asked`` and nothing is marked.
            asked: The words meaning was matched on.
        """
        passages = self.store.passages_by_id(pid for pid, _ in scored)
        spans = self.store.mention_spans(passages, entities) if entities else {}
        hits: list[Hit] = []
        seen: set[str] = set()
        cited = _mention_pattern(mentions) if mentions else None
        for pid, score in scored:
            if pid in seen or pid not in passages:
                continue
            seen.add(pid)
            p = passages[pid]
            if cited is not None and not cited.search(p["text"]):
                continue
            match = MATCH_WORDS
            if by_meaning and pid in by_meaning and self.meaning is not None:
                closest = (
                    self.sentences.snippet(asked, pid, p["heading"], p["text"])
                    if self.sentences is not None
                    else None
                )
                snippet = closest or self.meaning.snippet(asked, p["text"])
                match, marks = MATCH_MEANING, []
            else:
                snippet, marks = make_snippet(p["text"], qterms, mentions=spans.get(pid, ()))
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
                    highlights=marks,
                    match=match,
                )
            )
            if len(hits) >= limit:
                break
        return hits


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return ``spans`` sorted, overlapping ones joined (a term inside a mention)."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def _join(first: str | None, second: str) -> str:
    return f"{first} {second}" if first else second


def _mention_pattern(number: str) -> re.Pattern[str]:
    """Return a pattern finding a symbol's number as a whole ("60/288", not "160/2881")."""
    return re.compile(rf"(?<![\w/.\-]){re.escape(number)}(?![\w/]|\.\d)")

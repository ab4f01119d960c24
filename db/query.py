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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import query as wq

from db.entities import Gazetteer, Node
from db.index import terms as analyse
from db.references import PART_LABELS, ParagraphRef, QueryReference, SymbolMatch, parse_query

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

#: British and American spellings of the same word, as word endings (from, to), each read one
#: way: a word of the English dictionary that the library does not hold is looked up in its
#: other spelling ("organising" finds "organizing"), never "corrected" into another word.
#: Only endings, only in words of :data:`MIN_VARIANT_CHARS` letters or more, no doubled "l"
#: ("filled" is not "filed") and no "-ors" or "-ored" read as British ("floors" is not
#: "flours", "scored" not "scoured").
SPELLING_VARIANTS = (
    # British to American.
    *((f"is{end}", f"iz{end}") for end in ("e", "es", "ed", "ing", "ation", "ations", "able")),
    *((f"ys{end}", f"yz{end}") for end in ("e", "es", "ed", "ing")),
    *((f"our{end}", f"or{end}") for end in ("", "s", "ed", "ing", "ite", "ites", "able", "ful")),
    ("ence", "ense"),
    ("ences", "enses"),
    ("tre", "ter"),
    ("tres", "ters"),
    ("tred", "tered"),
    ("ogue", "og"),
    ("ogues", "ogs"),
    ("mme", "m"),
    ("mmes", "ms"),
    # American to British.
    *((f"iz{end}", f"is{end}") for end in ("e", "es", "ed", "ing", "ation", "ations", "able")),
    *((f"yz{end}", f"ys{end}") for end in ("e", "es", "ed", "ing")),
    ("or", "our"),
    ("orite", "ourite"),
    ("orable", "ourable"),
    ("ense", "ence"),
    ("enses", "ences"),
    ("ter", "tre"),
    ("ters", "tres"),
    ("tered", "tred"),
    ("og", "ogue"),
    ("ogs", "ogues"),
    ("m", "mme"),
    ("ms", "mmes"),
)
MIN_VARIANT_CHARS = 5


def other_spellings(word: str) -> list[str]:
    """Return the word's other British or American spellings (:data:`SPELLING_VARIANTS`).

    The word itself is never returned, and a word shorter than :data:`MIN_VARIANT_CHARS` has
    none ("four" is not "for", "hour" not "hor").

    Args:
        word: One lower-case word.
    """
    if len(word) < MIN_VARIANT_CHARS:
        return []
    out: list[str] = []
    for old, new in SPELLING_VARIANTS:
        if word.endswith(old):
            other = word[: len(word) - len(old)] + new
            if other != word and other not in out:
                out.append(other)
    return out


_RAW_WORD = re.compile(r"[^\W_]+(?:[-/.'’][^\W_]+)*")
_QUOTED = re.compile(r"[\"“”]([^\"“”]{2,})[\"“”]")


def fold(text: str) -> str:
    """Lowercase and strip accents (for matching names typed without them)."""
    t = unicodedata.normalize("NFKD", text)
    return "".join(c for c in t if not unicodedata.combining(c)).lower().replace("’", "'")


@dataclass
class Plan:
    """What to run for one query.

    Attributes:
        pinned: Passages a reference resolved to, in the order they are shown (first).
        query: The Whoosh query for the words (None: no words to search).
        mark_terms: Analysed terms to mark in snippets.
        mark_entities: Entities named by an acronym: their mentions the linker stored in
            a passage are marked (not every word of their names, such as each "United").
        corrected: The query with typos corrected, when a word was corrected.
        document_listing: A document to list in order (a bare symbol in the library).
        notice: Sentences to show above the hits: what a reference did not find, or which
            documents it was resolved against.
        reference_failed: The query was a reference and nothing it names exists: show no
            hits unless other words were searched.
        mentions: A symbol not in the library: keep only hits that mention it.
    """

    pinned: list[str] = field(default_factory=list)
    query: wq.Query | None = None
    mark_terms: set[str] = field(default_factory=set)
    mark_entities: set[str] = field(default_factory=set)
    corrected: str | None = None
    document_listing: str | None = None
    notice: str | None = None
    reference_failed: bool = False
    mentions: str | None = None


@dataclass
class ResolutionParagraphs:
    """The numbered passages of one resolution, for resolving and checking references.

    Attributes:
        document_id: The document.
        label: How notices name it (its symbol).
        date: Its adoption date (ISO, "" when unknown), to order resolutions newest first.
        kind: Its document kind (``resolution``, ``decision``, ``report``).
        passages: ``(part, "17")`` or ``(part, "17a")`` → passage id.
    """

    document_id: str
    label: str
    date: str
    kind: str = "resolution"
    passages: dict[tuple[str, str], str] = field(default_factory=dict)

    def numbers(self, part: str) -> list[int]:
        """Return the paragraph (or footnote) numbers of one part, in order."""
        return sorted({int(n) for p, n in self.passages if p == part and n.isdigit()})

    def letters(self, number: int) -> list[str]:
        """Return the sub-paragraph letters of operative paragraph ``number``."""
        prefix = str(number)
        return sorted(
            n[len(prefix) :]
            for p, n in self.passages
            if p == "operative" and n.startswith(prefix) and n[len(prefix) :].isalpha()
        )

    def find(self, ref: ParagraphRef) -> list[str]:
        """Return the passages a reference names here ([] when none).

        A whole operative paragraph brings its lettered sub-paragraphs after it.
        """
        pid = self.passages.get((ref.part, f"{ref.number}{ref.letter or ''}"))
        if pid is None:
            return []
        if ref.letter or ref.part != "operative":
            return [pid]
        subs = [self.passages[("operative", f"{ref.number}{x}")] for x in self.letters(ref.number)]
        return [pid, *subs]

    def why_not(self, refs: Iterable[ParagraphRef]) -> list[str]:
        """Return the sentences saying why ``refs`` (none of them here) are not in this resolution.

        Missing numbers of one part make one sentence ("A/RES/77/20 has no operative
        paragraphs 30–32 (operative paragraphs 1–20)."), missing letters of one paragraph
        another ("Paragraph 1 of A/RES/77/20 has no lettered sub-paragraphs.").
        """
        numbers: dict[str, list[int]] = {}
        letters: dict[tuple[str, int], list[str]] = {}
        for r in refs:
            if r.number not in self.numbers(r.part):
                numbers.setdefault(r.part, []).append(r.number)
            else:
                letters.setdefault((r.part, r.number), []).append(r.letter or "")
        out: list[str] = []
        for part, missing in numbers.items():
            have = self.numbers(part)
            wanted = sorted(set(missing))
            what = _named(part, wanted, kind=self.kind)
            if have:
                ranges = _named(part, have, plural=True, kind=self.kind)
                out.append(f"{self.label} has no {what} ({ranges}).")
            else:
                label = _named(part, [0], kind=self.kind).rsplit(" ", 1)[0]
                out.append(f"{self.label} has no {label}s.")
        for (part, number), wanted_letters in letters.items():
            have_letters = self.letters(number) if part == "operative" else []
            name = "Paragraph" if part == "operative" else PART_LABELS[part].capitalize()
            if not have_letters:
                out.append(f"{name} {number} of {self.label} has no lettered sub-paragraphs.")
                continue
            wanted = ", ".join(f"({x})" for x in dict.fromkeys(wanted_letters))
            shown = f"({have_letters[0]})"
            if len(have_letters) > 1:
                shown += f"–({have_letters[-1]})"
            noun = "sub-paragraph" if "," not in wanted else "sub-paragraphs"
            out.append(
                f"Paragraph {number} of {self.label} has no {noun} {wanted}"
                f" (sub-paragraphs {shown})."
            )
        return out


def _named(part: str, numbers: list[int], *, plural: bool = False, kind: str = "resolution") -> str:
    """Return ``operative paragraph 30`` or ``operative paragraphs 1–20``.

    A report's or decision's numbered paragraphs (``kind`` not a resolution) are plain
    ``paragraph 30``: only a resolution has operative ones.
    """
    label = "paragraph" if part == "operative" and kind != "resolution" else PART_LABELS[part]
    if len(numbers) == 1 and not plural:
        return f"{label} {numbers[0]}"
    return f"{label}s {_ranges(numbers)}"


def _labels(refs: list[ParagraphRef]) -> str:
    """Return ``operative paragraph 6 and operative paragraph 7`` (the first few)."""
    names = list(dict.fromkeys(r.label() for r in refs))
    if len(names) > 4:
        return ", ".join(names[:3]) + f" and {len(names) - 3} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def _ranges(numbers: list[int]) -> str:
    """Return ``1–20`` for consecutive numbers, ``1–5, 7`` otherwise."""
    out: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(f"{start}–{prev}" if prev > start else str(start))
        if n is not None:
            start = prev = n
    return ", ".join(out)


#: part of a reference for each numbered passage kind of a resolution.
_KIND_PART = {
    "operative": "operative",
    "subparagraph": "operative",
    "preambular": "preambular",
    "footnote": "footnote",
}


class ReferenceIndex:
    """The numbered documents of a library and their numbered passages, loaded on first use.

    Resolutions, decisions and reports (documents whose paragraphs are numbered) can be
    named with a symbol; a paragraph reference typed without one is looked up in the
    resolutions only. A resolution's annex and a report's summary number their
    paragraphs apart (``annex.p1``): they are never taken for the document's own.

    Args:
        documents: ``(document_id, symbol or title, date, kind)`` of every numbered document.
        load: Returns ``(passage_id, document_id, kind, number)`` rows of those documents
            (called once, the first time a query holds a reference).
    """

    def __init__(
        self,
        documents: Iterable[tuple[str, str, str, str]],
        load: Callable[[], Iterable[tuple[str, str, str, str | None]]],
    ) -> None:
        self._docs = [
            ResolutionParagraphs(d, label, date or "", kind) for d, label, date, kind in documents
        ]
        self._load = load
        self._loaded = False

    def _all(self) -> list[ResolutionParagraphs]:
        if not self._loaded:
            by_id = {d.document_id: d for d in self._docs}
            for pid, doc_id, kind, number in self._load():
                doc = by_id.get(doc_id)
                if doc is None or not number or "." in pid.partition(":")[2]:
                    continue
                part = _KIND_PART.get(kind)
                if part is None and kind == "paragraph" and doc.kind != "resolution":
                    part = "operative"  # a report's or decision's numbered paragraph
                if part is None:
                    continue
                doc.passages.setdefault((part, number.replace("(", "").replace(")", "")), pid)
            self._docs.sort(key=lambda d: (d.date, d.label), reverse=True)
            self._loaded = True
        return self._docs

    def resolutions(self) -> list[ResolutionParagraphs]:
        """Return every resolution, newest first."""
        return [d for d in self._all() if d.kind == "resolution"]

    def get(self, document_id: str | None) -> ResolutionParagraphs | None:
        """Return the numbered document with that id, or None (none, or not numbered)."""
        return next((d for d in self._all() if d.document_id == document_id), None)


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


def _any_field(
    words: tuple[str, ...] | list[str], boost: float = 1.0, *, names: bool = True
) -> wq.Query:
    """Return the words searched in every weighted field.

    Args:
        words: Analysed terms (a phrase when several).
        boost: Multiplies each field's weight.
        names: Search the linked entities' names too (False for a plain English word such
            as "who", which there would be the acronym of the World Health Organization).
    """
    subs = [
        _phrase(f, words, b * boost)
        for f, b in FIELD_BOOSTS.items()
        if b > 0 and (names or f != "entities")
    ]
    return wq.DisjunctionMax(subs, tiebreak=0.1)


def _readable(text: str) -> str:
    """Return a query's first :data:`MAX_QUERY_CHARS` characters, unprintable ones as spaces."""
    return "".join(ch if ch.isprintable() else " " for ch in text[:MAX_QUERY_CHARS]).strip()


def bounded(text: str) -> str:
    """Return the part of a query the meaning stage embeds: what the word planner reads.

    That is what :meth:`QueryPlanner.plan` reads of it (:func:`_readable`), up to the end
    of its :data:`MAX_WORDS`-th word (the planner counts the words outside quoted
    phrases, so a query with a quoted phrase may give it a few more).

    Args:
        text: The query as typed.
    """
    text = _readable(text)
    for i, match in enumerate(_RAW_WORD.finditer(text), start=1):
        if i == MAX_WORDS:
            return text[: match.end()]
    return text


class QueryPlanner:
    """Builds :class:`Plan` objects; holds what it needs from the store and index."""

    def __init__(
        self,
        *,
        gazetteer: Gazetteer,
        synonyms: list[SynonymGroup],
        symbols: dict[str, str],
        references: ReferenceIndex,
        vocabulary: Any,
        dictionary: Callable[[str], bool] | None = None,
    ) -> None:
        """Create a planner.

        Args:
            gazetteer: Nodes whose acronyms, aliases and former names expand.
            synonyms: Curated synonym groups.
            symbols: Resolution number ("77/20") or symbol ("a/res/77/20") → document id.
            references: The library's resolutions and their numbered passages.
            vocabulary: An object with ``known(word) -> bool`` and
                ``suggest(word) -> str | None`` over the indexed words.
            dictionary: Tells a word of the English language (lower case). Such a word
                that the library does not hold is not a typo: it is looked up in its other
                spelling only ("organised", "offences"), never replaced by the nearest
                indexed word ("bank" is not "ban"). None: every unknown word is a typo.
        """
        self.gazetteer = gazetteer
        self.synonyms = synonyms
        self.symbols = symbols
        self.references = references
        self.vocabulary = vocabulary
        self.dictionary = dictionary
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

    def _correction(self, word: str) -> str | None:
        """Return what an unknown ``word`` stands for in the library, or None.

        A dictionary word is looked up in its other spelling only (held as it is, or in
        another form of it: "organise" when the library says "organized"); anything else is
        taken for a typo of the nearest indexed word.
        """
        if self.dictionary is not None and self.dictionary(word):
            return next((w for w in other_spellings(word) if self._holds(w)), None)
        return self.vocabulary.suggest(word)

    def _holds(self, word: str) -> bool:
        """True when the library holds ``word`` or a word of the same stem."""
        if self.vocabulary.known(word):
            return True
        stems = analyse(word)
        return bool(stems) and self.vocabulary.text_frequency(stems[0]) > 0

    # -- references ----------------------------------------------------------

    def _document_for(self, symbol: SymbolMatch) -> str | None:
        return self.symbols.get(symbol.symbol.lower()) or self.symbols.get(symbol.number.lower())

    def _reference(self, ref: QueryReference, plan: Plan, context_document: str | None) -> None:
        """Resolve a reference into ``plan`` (pinned passages, notice, listing)."""
        notices: list[str] = []
        if ref.symbol is not None:
            doc_id = self._document_for(ref.symbol)
            if doc_id is None:
                if ref.refs:
                    plan.notice = f"No document {ref.symbol.symbol} in your library."
                    plan.reference_failed = True
                elif not ref.rest:
                    # A symbol alone: the passages that cite it are worth showing, only those.
                    plan.mentions = ref.symbol.number
                return
            if not ref.refs:
                if not ref.rest:
                    plan.document_listing = doc_id
                return
            target = self.references.get(doc_id)
            if target is None:
                plan.notice = f"{ref.symbol.symbol} has no numbered paragraphs."
                plan.reference_failed = True
                return
            targets = [target]
        else:
            every = self.references.resolutions()
            context = self.references.get(context_document)
            if context is not None:
                targets = [context]
            elif len(every) == 1:
                targets = every
                if context_document:
                    notices.append(
                        f"The document you are in is not a resolution: looked up in"
                        f" {every[0].label}."
                    )
            elif every:
                targets = every
            else:
                plan.notice = (
                    f"Your library holds no resolution to look up {_labels(list(ref.refs))} in."
                )
                plan.reference_failed = True
                return
        if len(targets) == 1:
            pinned = list(dict.fromkeys(pid for r in ref.refs for pid in targets[0].find(r)))
            missing = [r for r in ref.refs if not targets[0].find(r)]
            notices.extend(targets[0].why_not(missing))
            if missing and ref.symbol is None:
                # Resolved in the open document: say which other resolution has it.
                others = [
                    t.label
                    for t in self.references.resolutions()
                    if t is not targets[0] and any(t.find(r) for r in missing)
                ]
                if others:
                    notices.append(f"{_labels(missing).capitalize()} is in {', '.join(others)}.")
        else:
            # That paragraph of every resolution, newest first: grouped by resolution.
            pinned = list(
                dict.fromkeys(pid for t in targets for r in ref.refs for pid in t.find(r))
            )
            found = [r for r in ref.refs if any(t.find(r) for t in targets)]
            nowhere = [r for r in ref.refs if r not in found]
            having = [t.label for t in targets if any(t.find(r) for r in found)]
            if len(having) > 1:
                notices.append(
                    f"{_labels(found).capitalize()} of {len(having)} resolutions, newest first"
                    f" ({', '.join(having)}): add a symbol to choose one."
                )
            elif having:
                notices.append(
                    f"Of the {len(targets)} resolutions in your library, only {having[0]}"
                    f" has {_labels(found)}."
                )
            if nowhere:
                parts = dict.fromkeys(r.part for r in nowhere)
                ranges = "; ".join(
                    f"{t.label}: {_named(part, t.numbers(part), plural=True)}"
                    for t in targets
                    for part in parts
                    if t.numbers(part)
                )
                numbers = {
                    part: sorted({r.number for r in nowhere if r.part == part}) for part in parts
                }
                what = " or ".join(_named(part, n) for part, n in numbers.items())
                notices.append(
                    f"No resolution in your library has {what}"
                    + (f" ({ranges})." if ranges else ".")
                )
        plan.pinned = pinned
        plan.notice = " ".join(notices) or None
        plan.reference_failed = not pinned

    # -- the plan ------------------------------------------------------------

    def plan(self, text: str, *, context_document: str | None = None) -> Plan:
        """Return the plan for what the officer typed (never raises).

        Args:
            text: The query.
            context_document: The document a paragraph reference without a symbol
                ("OP 19") points into when it is a resolution (the one open in the viewer).
        """
        text = _readable(text)
        if not text:
            return Plan()
        ref = parse_query(text)
        if ref is None:
            return self._words(text)
        plan = Plan()
        self._reference(ref, plan, context_document)
        # A symbol not in the library is searched as words ("9/11 attacks").
        missing = ref.symbol is not None and not ref.refs and self._document_for(ref.symbol) is None
        rest = text if missing else ref.rest
        if rest:
            words = self._words(rest)
            plan.query, plan.mark_terms, plan.mark_entities, plan.corrected = (
                words.query,
                words.mark_terms,
                words.mark_entities,
                words.corrected,
            )
        return plan

    def _words(self, rest: str) -> Plan:
        """Return the plan for the words of a query (no reference left in them)."""
        plan = Plan()
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
                    plan.mark_entities.add(node.id)
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
        # 3. Typos: a word not in the vocabulary is replaced by the nearest known word (a word
        #    of the dictionary only by its other spelling).
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
            suggestion = self._correction(low)
            if suggestion and suggestion != low:
                corrected_words[i] = suggestion
                analysed[i] = analyse(suggestion)
                changed = True
        if changed:
            plan.corrected = " ".join(corrected_words)
            # A corrected word may now be a gazetteer name or synonym: plan again once.
            again = self._words(plan.corrected)
            again.corrected = plan.corrected
            return again
        # 4. The words themselves: stop words dropped unless nothing else is left.
        content = [
            (i, t)
            for i, ts in enumerate(analysed)
            for t in ts
            if fold(raw_words[i]) not in STOP_WORDS and i not in covered
        ]
        only_stop_words = not content and not should and not musts
        if only_stop_words:
            content = [(i, t) for i, ts in enumerate(analysed) for t in ts]
        terms = [t for _, t in content]
        plan.mark_terms.update(terms)
        # Words in a large share of the corpus ("interpol", "nations") weigh almost nothing
        # in BM25 but cost the most to score: leave them out when rarer words remain.
        rare = [t for t in dict.fromkeys(terms) if not self._common(t)]
        # Stop words are English words, never names: an acronym typed in lower case ("who")
        # is not searched among the linked entities' acronyms ("WHO").
        per_term = [
            _any_field([t], names=not only_stop_words) for t in (rare or dict.fromkeys(terms))
        ]
        if len(terms) > 1 and rare:
            should.append(_phrase("text", terms, boost=2.0))
        if per_term:
            should.append(wq.Or(per_term, scale=0.9) if len(per_term) > 1 else per_term[0])
        if musts:
            plan.query = wq.And([*musts, wq.Or(should)]) if should else wq.And(musts)
            plan.query = wq.Or([plan.query]) if len(musts) == 1 and not should else plan.query
        elif should:
            plan.query = wq.Or(should)
        if not only_stop_words:
            plan.mark_terms = {t for t in plan.mark_terms if t not in STOP_WORDS}
        return plan

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

"""The Whoosh full-text index over passages, derived from the SQLite record.

The index can always be rebuilt from the record (:func:`build_index`). Text is
analysed by :func:`analyzer`: words and numbers split at any punctuation
(so "A/RES/77/20" is the phrase ``a res 77 20`` and "I-24/7" is ``i 24 7``),
lower-cased, accent-folded and stemmed with the English Porter stemmer.
Stop words stay in the index (so "WHO" and "US" are findable); the search
decides which query words may be left unmatched.
"""

from __future__ import annotations

import io
import os
import pickle
import re
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from whoosh import fields, index
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter
from whoosh.codec.base import Segment
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.reading import SegmentReader
from whoosh.support.charset import accent_map
from whoosh.util import IDCHARS

from db.errors import UnsafeIndexError


def _segment_id(cls: type, size: int = 16) -> str:
    """Return a new segment's name from the system's randomness.

    Whoosh names a segment from the global :mod:`random` generator, which a caller may
    have seeded (Hypothesis does, between examples): two segments of one index, written
    by in-place updates, could then get the same name, and the second would overwrite
    the first (Whoosh stops on an assertion first).
    """
    return "".join(secrets.choice(IDCHARS) for _ in range(size))


Segment._random_id = classmethod(_segment_id)

INDEX_DIRNAME = "index"
INDEX_NAME = "passages"
#: Bump when the schema or analysis changes: older indexes are then rebuilt.
INDEX_VERSION = 4
#: A segment of fewer passages than this is small: one import's, or a few imports' merged.
SMALL_SEGMENT = 400
#: When an update would leave more small segments than this at the end of the index, they
#: are merged into its own segment (search reads every segment: they are kept few).
MAX_SMALL_SEGMENTS = 12
#: From this many passages on, the index is built by parallel writer processes.
PARALLEL_INDEX_MIN = 20_000

_TOKEN_PATTERN = r"[^\W_]+"

_ANALYZER = None
#: Words whose stems the shared analyzer remembers (whoosh's default is 50,000).
STEM_CACHE_WORDS = 10_000


def analyzer():
    """Return the shared analyzer (tokenise, lowercase, fold accents, stem)."""
    global _ANALYZER
    if _ANALYZER is None:
        _ANALYZER = (
            RegexTokenizer(_TOKEN_PATTERN)
            | LowercaseFilter()
            | CharsetFilter(accent_map)
            # The stem cache is bounded (LFU): every unique query word lands in it.
            | StemFilter(lang="en", cachesize=STEM_CACHE_WORDS)
        )
    return _ANALYZER


_WORD_ANALYZER = None


def word_analyzer():
    """Return the analyzer of the vocabulary field (no stemming)."""
    global _WORD_ANALYZER
    if _WORD_ANALYZER is None:
        _WORD_ANALYZER = (
            RegexTokenizer(_TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)
        )
    return _WORD_ANALYZER


class Vocabulary:
    """The indexed words, for telling a typo from a known word and correcting it."""

    def __init__(self, reader) -> None:
        self.reader = reader

    def doc_count(self) -> int:
        """Return how many passages the index holds."""
        return self.reader.doc_count()

    def text_frequency(self, term: str) -> int:
        """Return in how many passages the analysed ``term`` occurs in the text field."""
        return self.reader.doc_frequency("text", term)

    def known(self, word: str) -> bool:
        """Return True if ``word`` (lowercase) occurs anywhere in the corpus."""
        return self.reader.doc_frequency("words", word) > 0

    def suggest(self, word: str) -> str | None:
        """Return the closest known word (edit distance 1, or 2 for long words), or None."""
        maxdist = 1 if len(word) <= 7 else 2
        best: tuple[int, int, str] | None = None
        # Levenshtein 2 finds swapped neighbours ("undoc" for "unodc"); Damerau then decides.
        for cand in self.reader.terms_within("words", word, 2, prefix=1):
            if len(cand) < 3:
                continue
            dist = damerau(word, cand)
            if dist > maxdist:
                continue
            key = (dist, -self.reader.doc_frequency("words", cand), cand)
            if best is None or key < best:
                best = key
        return best[2] if best else None


def damerau(a: str, b: str) -> int:
    """Return the optimal-string-alignment edit distance (a swap of neighbours counts 1)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def schema() -> fields.Schema:
    """Return the index schema (BM25F field boosts are set at search time)."""
    ana = analyzer()
    return fields.Schema(
        passage_id=fields.ID(stored=True, unique=True),
        document_id=fields.ID(stored=True),
        kind=fields.ID(stored=True),
        date=fields.ID(stored=True),
        origin=fields.ID(stored=True),
        text=fields.TEXT(analyzer=ana, phrase=True),
        heading=fields.TEXT(analyzer=ana, phrase=True),
        title=fields.TEXT(analyzer=ana, phrase=True),
        entities=fields.TEXT(analyzer=ana, phrase=True),
        cite=fields.KEYWORD(lowercase=True, commas=True, scorable=True),
        entity_ids=fields.KEYWORD(commas=True, scorable=True),
        # Unstemmed words of everything searchable: the vocabulary for typo correction.
        words=fields.TEXT(analyzer=word_analyzer(), phrase=False),
    )


def analyze(text: str) -> list[tuple[str, int, int]]:
    """Return ``(term, start_char, end_char)`` for each token of ``text``."""
    return [(t.text, t.startchar, t.endchar) for t in analyzer()(text, chars=True)]


def terms(text: str) -> list[str]:
    """Return the analysed terms of ``text``, in order."""
    return [t.text for t in analyzer()(text)]


_TOKEN = re.compile(_TOKEN_PATTERN)
_FAST_CACHE: dict[str, str] = {}
_FAST_CACHE_MAX = 200_000


def fast_terms(text: str) -> list[str]:
    """Return exactly what :func:`terms` returns, about five times faster.

    The same steps as :func:`analyzer` (tokenise, lowercase, fold accents, stem),
    without Whoosh's token objects, with each distinct token's result remembered:
    ranking analyses hundreds of passages per query (:mod:`db.rank`).
    """
    return [_fast_term(word) for word in _TOKEN.findall(text)]


def fast_analyze(text: str) -> list[tuple[str, int, int]]:
    """Return exactly what :func:`analyze` returns, as :func:`fast_terms` does :func:`terms`.

    For the snippets of a search's hits, whose every token is looked at.
    """
    return [(_fast_term(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _fast_term(word: str) -> str:
    """Return a token's analysed term, remembered for the next time."""
    term = _FAST_CACHE.get(word)
    if term is None:
        term = _stem()(word.lower().translate(accent_map))
        if len(_FAST_CACHE) >= _FAST_CACHE_MAX:
            _FAST_CACHE.clear()
        _FAST_CACHE[word] = term
    return term


def _stem():
    """Return the stemming function of :func:`analyzer` (with its own cache)."""
    stemmer = next(f for f in analyzer().items if isinstance(f, StemFilter))
    return stemmer._stem


def build_index(index_dir: Path, docs: Iterable[dict[str, Any]]) -> int:
    """Create a new index in ``index_dir`` from passage documents.

    Args:
        index_dir: An empty or missing folder.
        docs: Dicts with the schema's field names.

    Returns:
        How many passages were indexed.
    """
    docs = list(docs)
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(index_dir), schema(), indexname=INDEX_NAME)
    n = 0
    # A large corpus is indexed by one writer process per core, each writing its own
    # segment (about 2.3 times faster on two cores). A library this large is rare; the
    # frozen app's entry script calls multiprocessing.freeze_support() for it.
    procs = min(os.cpu_count() or 1, 4) if len(docs) >= PARALLEL_INDEX_MIN else 1
    if procs > 1:
        writer = ix.writer(procs=procs, multisegment=True, limitmb=256)
    else:
        writer = ix.writer(limitmb=256)
    try:
        for doc in docs:
            writer.add_document(**doc)
            n += 1
    except BaseException:
        writer.cancel()
        raise
    if procs > 1:
        writer.commit()
    else:
        writer.commit(optimize=True)
    ix.close()
    return n


def update_index(
    index_dir: Path,
    docs: Iterable[dict[str, Any]],
    *,
    delete_documents: Iterable[str] = (),
    reindex: Callable[[list[str]], list[dict[str, Any]]] | None = None,
) -> int:
    """Add passages to an existing index and delete documents' passages, in one commit.

    The passages of the deleted documents are marked deleted; the new ones go into a
    new segment at the end, so passage numbers keep the catalog order a full build
    gives (a document added later comes after every other; ranking ties are broken by
    that order). When that would leave more than :data:`MAX_SMALL_SEGMENTS` small
    segments at the end, their documents are indexed again into the new segment, in
    order, before the new passages (from the record, through ``reindex``: faster than
    Whoosh's merge), and those segments go. A segment left with no live passage is
    dropped. The commit is Whoosh's: a new table of contents replaces the old one, so
    a process killed before it leaves the index as it was.

    Args:
        index_dir: A built index (verified against the store's manifest by the caller).
        docs: Dicts with the schema's field names, in catalog order.
        delete_documents: Ids of documents whose passages go.
        reindex: Returns the index documents of the given documents, in catalog order
            (without it, small segments are never merged).

    Returns:
        How many passages were written (added and merged).
    """
    docs = list(docs)
    gone = set(delete_documents)
    storage = _SafeFileStorage(str(index_dir))
    ix = storage.open_index(indexname=INDEX_NAME, schema=schema())
    writer = ix.writer(limitmb=64)
    try:
        for document_id in gone:
            writer.delete_by_term("document_id", document_id)
        segments = [s for s in writer.segments if s.doc_count() > 0]
        small = 0
        while small < len(segments) and segments[-1 - small].doc_count() < SMALL_SEGMENT:
            small += 1
        tail = segments[len(segments) - small :] if small >= MAX_SMALL_SEGMENTS else []
        if tail and reindex is not None:
            ids: list[str] = []
            for seg in tail:
                reader = SegmentReader(storage, writer.schema, seg)
                try:
                    for _, fields_ in reader.iter_docs():
                        if fields_["document_id"] not in gone:
                            ids.append(fields_["document_id"])
                finally:
                    reader.close()
            docs = [*reindex(list(dict.fromkeys(ids))), *docs]
        else:
            tail = []
        for doc in docs:
            writer.add_document(**doc)
        keep = segments[: len(segments) - len(tail)]
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=lambda _writer, _segments: keep)
    ix.close()
    return len(docs)


def index_stats(index_dir: Path) -> dict[str, int]:
    """Return how many segments, live passages and deleted passages an index holds."""
    ix = open_index(index_dir)
    try:
        segs = ix._segments()  # Whoosh's segment list (the version is pinned)
        return {
            "segments": len(segs),
            "passages": sum(s.doc_count() for s in segs),
            "deleted": sum(s.deleted_count() for s in segs),
        }
    finally:
        ix.close()


def index_passage_ids(index_dir: Path) -> set[str]:
    """Return the ids of the live passages of an index (for checking it against the record)."""
    ix = open_index(index_dir)
    try:
        with ix.searcher() as searcher:
            return {f["passage_id"] for f in searcher.all_stored_fields()}
    finally:
        ix.close()


#: Built-in callables a Whoosh pickle may name (containers only, nothing that runs code).
_SAFE_BUILTINS = frozenset(
    {"set", "frozenset", "dict", "list", "tuple", "object", "bytearray"}
    | {"int", "float", "str", "bytes", "bool", "complex"}
)
_SAFE_GLOBALS = frozenset(
    {
        ("copyreg", "_reconstructor"),
        ("collections", "defaultdict"),
        ("collections", "OrderedDict"),
    }
)


class _RestrictedUnpickler(pickle.Unpickler):
    """Unpickles only Whoosh classes and plain containers; anything else raises."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name in _SAFE_BUILTINS:
            return super().find_class(module, name)
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        if module == "whoosh" or module.startswith("whoosh."):
            obj = super().find_class(module, name)
            if isinstance(obj, type):
                return obj
        raise UnsafeIndexError(f"the index names {module}.{name}, which is not allowed")


def safe_loads(data: bytes) -> Any:
    """Unpickle ``data`` allowing only Whoosh classes and containers.

    Raises:
        UnsafeIndexError: The pickle names any other global (as a code-running payload must).
    """
    return _RestrictedUnpickler(io.BytesIO(data)).load()


class _SafeStructFile(StructFile):
    """A Whoosh file whose embedded pickles go through :func:`safe_loads`."""

    def read_pickle(self) -> Any:
        try:
            return _RestrictedUnpickler(self.file).load()
        except Exception:
            self.close()  # Whoosh leaves the file open when reading fails
            raise


class _SafeFileStorage(FileStorage):
    """Read-only Whoosh storage whose table of contents is unpickled safely."""

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        return _SafeStructFile(open(self._fpath(name), "rb"), name=name, **kwargs)


def open_index(index_dir: Path) -> index.Index:
    """Open an existing index read-only.

    Callers verify the store against its manifest first (:class:`db.reading.Library`
    does); as a second line of defence the table of contents is read with our own
    schema (its pickled schema is skipped) and its segment list is unpickled by a
    restricted unpickler that refuses anything outside Whoosh.
    """
    storage = _SafeFileStorage(str(index_dir), readonly=True)
    return storage.open_index(indexname=INDEX_NAME, schema=schema())

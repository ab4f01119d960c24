"""Sentence-level meaning: each passage's clauses embedded by the bundled sentence encoder.

The word match of :mod:`db.semantic` compares words one by one; it cannot tell that
"freezing fraudulent wire transfers" is what a clause on a "global stop-payment mechanism"
is about. The sentence encoder (:mod:`db.encoder`, all-MiniLM-L6-v2 run in numpy) reads a
whole clause. Each passage's clauses (:func:`db.semantic.clauses`: its sentences, a long
one cut at commas, the heading a clause of its own) are embedded when the passage is
written, stored in the record (``clause_vectors``: one int8 row and its scale per clause,
so an import, a removal or a rebuild keeps them in step with the passages in the same
transaction), and at search time the query's vector meets the candidates' clauses.

* :func:`clause_rows` embeds passages' clauses for :func:`db.store.insert_clause_vectors`.
* :func:`build_share` chooses which documents a full build embeds: in catalog order (the
  bundled corpus first) up to :data:`BUILD_PASSAGES` passages embedded anew, because the
  encoder is slow next to the rest of a build (``docs/meaning-search.md``). What the store
  being replaced had is kept (:func:`remember`), so a rebuild loses no clause vector an
  import made. An import always embeds its own documents.
* :func:`write_entity_vectors` embeds the gazetteer's descriptions at a full build
  (:data:`ENTITY_VECTORS_NAME`, beside the record, covered by the manifest).
* :class:`SentenceSearch` embeds a query once and scores candidates by their clauses
  (:func:`clause_score`: the closest, a share of the second closest, the descriptions of
  the entities a passage mentions counting as clauses too); :func:`blend` mixes that score
  into the word match (:data:`SENTENCE_SHARE`). The shares were tuned on the development
  sets only (``docs/meaning-search.md``). A passage without clause vectors keeps its word
  match as it is.

Nothing here imports Qt or the search engine.
"""

from __future__ import annotations

import heapq
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from db.encoder import ENCODER_SHA256, SentenceEncoder, bundled_encoder
from db.errors import LiaisonError
from db.semantic import clause_snippet, clauses, passage_text
from db.store import Store

#: Share of a candidate's meaning score that is its clause score (scaled to the word
#: match's range), the rest its word match. Tuned on the development sets only
#: (search_eval, search_ownwords_dev, _dev2, _dev3, _dev4; docs/meaning-search.md).
SENTENCE_SHARE = 0.45
#: A passage's clause score is its closest clause's cosine to the query plus this share of
#: its second closest (of the closest again when it has one clause): a passage that says
#: the thing twice beats one that brushes it once. Tuned like :data:`SENTENCE_SHARE`.
SECOND_CLAUSE_SHARE = 0.2
#: The store's file of the gazetteer's descriptions as the encoder reads them (written by a
#: full build; the gazetteer changes with the app only).
ENTITY_VECTORS_NAME = "entity-vectors.npz"
#: A passage also counts the description of each entity it mentions (what the 1540
#: Committee does, what ICAO is) as one more clause, at this share of its cosine: a look-up
#: that describes an entity finds the passages naming it. Tuned like :data:`SENTENCE_SHARE`.
ENTITY_SHARE = 0.85
#: A full build embeds the clauses of the documents in catalog order (the bundled corpus
#: first) while their passages stay within this many.
BUILD_PASSAGES = 5_000
#: Clauses embedded per call of the encoder (one progress step).
EMBED_CHUNK = 256

#: Clause vectors kept in memory by their text, so that a rebuild in the same process (a
#: repair, a library re-read) does not embed again what it embedded before.
MEMO_CLAUSES = 20_000

#: progress(done, total): passages embedded so far.
EmbedProgress = Callable[[int, int], None]


def clause_texts(heading: str | None, text: str) -> list[str]:
    """Return the clauses of a passage as the encoder reads them (the heading first)."""
    full = passage_text(heading, text)
    return [part for a, b in clauses(full) if (part := full[a:b].strip())]


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return rows as int8 (-127..127) and one float32 scale per row."""
    peak = np.abs(vectors).max(axis=1)
    scales = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    return np.round(vectors / scales[:, None]).astype(np.int8), scales


@dataclass(frozen=True)
class Passage:
    """A passage to embed: its id, document and text."""

    passage_id: str
    document_id: str
    heading: str | None
    text: str


def clause_rows(
    passages: Sequence[Passage],
    *,
    encoder: SentenceEncoder | None = None,
    progress: EmbedProgress | None = None,
) -> list[dict[str, object]]:
    """Embed the passages' clauses; return rows for :func:`db.store.insert_clause_vectors`.

    Args:
        passages: What to embed.
        encoder: The sentence encoder (default: the bundled one).
        progress: Called with ``(passages done, passages)`` after each chunk.

    Raises:
        ModelError: The bundled encoder is missing or fails its SHA-256 check.
    """
    encoder = encoder or bundled_encoder()
    owners: list[int] = []
    texts: list[str] = []
    for i, p in enumerate(passages):
        for part in clause_texts(p.heading, p.text):
            owners.append(i)
            texts.append(part)
    memo = _memo(encoder)
    todo = list(dict.fromkeys(t for t in texts if t not in memo))
    if progress:
        progress(0 if todo else len(passages), len(passages))
    for start in range(0, len(todo), EMBED_CHUNK):
        chunk = todo[start : start + EMBED_CHUNK]
        q, scales = quantize(encoder.encode(chunk))
        for j, text in enumerate(chunk):
            memo[text] = (q[j].tobytes(), float(scales[j]))
        if progress:
            end = start + len(chunk)
            done = len(passages) if end == len(todo) else owners[texts.index(todo[end])]
            progress(done, len(passages))
    rows: list[dict[str, object]] = []
    seq: dict[int, int] = {}
    for i, text in zip(owners, texts, strict=True):
        vector, scale = memo[text]
        memo.move_to_end(text)
        seq[i] = seq.get(i, -1) + 1
        p = passages[i]
        rows.append(
            {
                "passage_id": p.passage_id,
                "document_id": p.document_id,
                "seq": seq[i],
                "vector": vector,
                "scale": scale,
            }
        )
    while len(memo) > MEMO_CLAUSES:
        memo.popitem(last=False)
    return rows


_MEMOS: dict[int, tuple[SentenceEncoder, OrderedDict[str, tuple[bytes, float]]]] = {}


def forget() -> None:
    """Forget every remembered clause vector (the next embedding runs the encoder)."""
    _MEMOS.clear()


def _memo(encoder: SentenceEncoder) -> OrderedDict[str, tuple[bytes, float]]:
    """Return the clause memo of one encoder (a different encoder embeds anew)."""
    return _MEMOS.setdefault(id(encoder), (encoder, OrderedDict()))[1]


def build_share(documents: Iterable[tuple[str, int]]) -> set[str]:
    """Return the documents a full build embeds.

    Args:
        documents: ``(document_id, passages to embed anew)`` in catalog order (the bundled
            corpus first); a passage whose clauses are remembered (:func:`remember`: the
            store being replaced had them) costs nothing.

    Returns:
        The documents, in order, while the passages embedded anew stay within
        :data:`BUILD_PASSAGES` (the first document always), and every document that needs
        nothing new.
    """
    chosen: set[str] = set()
    total = 0
    full = False
    for doc_id, n in documents:
        if n == 0 or not chosen or (not full and total + n <= BUILD_PASSAGES):
            chosen.add(doc_id)
            total += n
        else:
            full = True
    return chosen


def remember(
    clauses_of_passages: Iterable[tuple[list[str], list[tuple[bytes, float]]]],
    *,
    encoder: SentenceEncoder | None = None,
) -> int:
    """Keep clause vectors a store already holds, so that a rebuild does not embed them again.

    Args:
        clauses_of_passages: Per passage, its :func:`clause_texts` and its stored
            ``(vector, scale)`` rows in order; a passage whose counts differ is skipped.
        encoder: The encoder they were made with (default: the bundled one).

    Returns:
        How many clauses were remembered.
    """
    memo = _memo(encoder or bundled_encoder())
    n = 0
    for texts, rows in clauses_of_passages:
        if len(texts) != len(rows):
            continue
        for text, row in zip(texts, rows, strict=True):
            memo[text] = row
            n += 1
    return n


def needs_embedding(passage: Passage, *, encoder: SentenceEncoder | None = None) -> bool:
    """Return True when some clause of the passage is not remembered (it costs the encoder)."""
    memo = _memo(encoder or bundled_encoder())
    return any(t not in memo for t in clause_texts(passage.heading, passage.text))


def write_entity_vectors(
    store_dir: Path, descriptions: Iterable[tuple[str, str]], *, encoder: SentenceEncoder
) -> int:
    """Embed the gazetteer's descriptions into the store's :data:`ENTITY_VECTORS_NAME`.

    Args:
        store_dir: The store being built.
        descriptions: ``(entity_id, description)``; an empty description is left out.
        encoder: The sentence encoder.

    Returns:
        How many descriptions were embedded.
    """
    pairs = [(eid, text.strip()) for eid, text in descriptions if text.strip()]
    if not pairs:
        return 0
    vectors, scales = quantize(encoder.encode([text for _, text in pairs]))
    with (store_dir / ENTITY_VECTORS_NAME).open("wb") as fh:
        np.savez(
            fh,
            ids=np.array([eid for eid, _ in pairs]),
            vectors=vectors,
            scales=scales,
            encoder=np.array(ENCODER_SHA256),
        )
    return len(pairs)


def clause_score(cosines: list[float], described: Sequence[float] = ()) -> float:
    """Return a passage's clause score from its clauses' cosines to the query.

    The closest clause's cosine plus :data:`SECOND_CLAUSE_SHARE` of the second closest's
    (of the closest's again when the passage has a single clause). The descriptions of the
    entities it mentions take either place only when they are closer than its own clauses, so
    naming an entity never lowers a passage's score.

    Args:
        cosines: One cosine per clause of the passage (at least one).
        described: :data:`ENTITY_SHARE` of each mentioned entity's description cosine.
    """
    own = cosines if len(cosines) > 1 else [cosines[0], cosines[0]]
    first, second = heapq.nlargest(2, [*own, *described])
    return first + SECOND_CLAUSE_SHARE * second


def blend(related: list[tuple[str, float]], closest: dict[str, float]) -> list[tuple[str, float]]:
    """Mix the candidates' clause score into their word match, best first.

    The clause score is scaled so that the best candidate's equals the best word match; a
    candidate's score is then ``(1 - SENTENCE_SHARE) × word match + SENTENCE_SHARE ×
    scaled clause score``. A candidate without clause vectors keeps its word match.

    Args:
        related: ``(passage_id, word match)`` from :meth:`db.semantic.MeaningSearch.related`.
        closest: ``passage_id → clause score`` from :meth:`SentenceSearch.closest`.
    """
    if not related or not closest:
        return related
    top_match = max(m for _, m in related)
    top_cos = max(closest.values())
    if top_cos <= 0 or top_match <= 0:
        return related
    scale = top_match / top_cos
    out = [
        (pid, (1 - SENTENCE_SHARE) * m + SENTENCE_SHARE * closest[pid] * scale)
        if pid in closest
        else (pid, m)
        for pid, m in related
    ]
    return sorted(out, key=lambda t: -t[1])


class SentenceSearch:
    """The sentence stage over one open store; the encoder is loaded on first use.

    An encoder that cannot be loaded (missing, or failing its SHA-256 check) leaves the
    search to the word match; :attr:`error` then says why.
    """

    def __init__(
        self,
        store: Store,
        *,
        encoder: Callable[[], SentenceEncoder] = bundled_encoder,
        entity_vectors: Path | None = None,
    ):
        """Prepare the stage over ``store`` (nothing is read yet).

        Args:
            store: The open store, whose clause vectors are read.
            encoder: Loads the sentence encoder (on the first search).
            entity_vectors: The store's :data:`ENTITY_VECTORS_NAME` (None, or a store
                without it: passages are scored by their own clauses alone).
        """
        self.store = store
        self._entity_vectors = entity_vectors
        self._descriptions: tuple[list[str], np.ndarray] | None = None
        self._descriptions_read = False
        self.error: str | None = None
        self._encoder_factory = encoder
        self._encoder: SentenceEncoder | None = None
        self._tried = False
        self._lock = threading.Lock()
        self._last: tuple[str, np.ndarray] | None = None
        self._cosines: tuple[str, dict[str, list[float]]] | None = None

    def encoder(self) -> SentenceEncoder | None:
        """Return the encoder, loading it on the first call (None if unusable)."""
        with self._lock:
            if not self._tried:
                try:
                    self._encoder = self._encoder_factory()
                except LiaisonError as exc:
                    self.error = str(exc)
                finally:
                    self._tried = True
        return self._encoder

    def query_vector(self, text: str) -> np.ndarray | None:
        """Return the query's unit vector, embedded once per query text.

        On the searching thread: a worker embedding beside the word ranking gained about
        1 ms and let two threads run numpy's BLAS at once, which numpy's OpenBLAS does not
        promise to get right (numpy issues 29391, 32168; a test run saw an impossible
        value in a product made meanwhile).
        """
        last = self._last
        if last is not None and last[0] == text:
            return last[1]
        return self._embed(text)

    def _embed(self, text: str) -> np.ndarray | None:
        encoder = self.encoder()
        if encoder is None:
            return None
        vec = encoder.encode([text])[0]
        self._last = (text, vec)
        return vec

    def closest(self, text: str, passage_ids: Iterable[str]) -> dict[str, float]:
        """Return each passage's clause score for the query (passages with vectors).

        The score is the closest clause's cosine plus :data:`SECOND_CLAUSE_SHARE` of the
        second closest's (see :func:`clause_score`).
        """
        self._cosines = None  # read afresh once per search: the store may have changed
        own = self._clause_cosines(text, passage_ids)
        described = self._description_cosines(text, list(own))
        return {pid: clause_score(c, described.get(pid, ())) for pid, c in own.items()}

    def _description_cosines(self, text: str, passage_ids: list[str]) -> dict[str, list[float]]:
        """Return, per passage, :data:`ENTITY_SHARE` of each mentioned entity's cosine."""
        table = self.descriptions()
        vec = self.query_vector(text) if table is not None and passage_ids else None
        if table is None or vec is None:
            return {}
        ids, matrix = table
        cosines = dict(zip(ids, (matrix @ vec).tolist(), strict=True))
        return {
            pid: [ENTITY_SHARE * cosines[e] for e in entities if e in cosines]
            for pid, entities in self.store.passage_entity_ids(passage_ids).items()
        }

    def descriptions(self) -> tuple[list[str], np.ndarray] | None:
        """Return the entities' ids and description vectors, read on the first call.

        None when the store has none (built without the encoder, or by another encoder);
        a file that cannot be read also sets :attr:`error`.
        """
        with self._lock:
            if not self._descriptions_read:
                self._descriptions_read = True
                path = self._entity_vectors
                if path is not None and path.is_file():
                    try:
                        with path.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
                            if str(npz["encoder"]) == ENCODER_SHA256:
                                matrix = npz["vectors"].astype(np.float32) * npz["scales"][:, None]
                                self._descriptions = ([str(i) for i in npz["ids"]], matrix)
                    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
                        self.error = f"cannot read {path.name} ({exc.__class__.__name__})"
        return self._descriptions

    def snippet(self, query: str, passage_id: str, heading: str | None, text: str) -> str | None:
        """Return the passage's clause closest to the query, ellipsised (None: no vectors).

        The heading is a clause of the passage's vectors but never its snippet.
        """
        cosines = self._clause_cosines(query, [passage_id]).get(passage_id, [])
        full = passage_text(heading, text)
        spans = clauses(full)
        if not cosines or len(cosines) != len(spans):
            return None
        offset = len(full) - len(text)
        scored = [(c, (a - offset, b - offset)) for c, (a, b) in zip(cosines, spans, strict=True)]
        body = [t for t in scored if t[1][0] >= 0]
        return clause_snippet(text, max(body)[1]) if body else None

    def _clause_cosines(self, text: str, passage_ids: Iterable[str]) -> dict[str, list[float]]:
        """Return each passage's clause cosines to the query, in clause order.

        The last search's are kept (:meth:`closest` reads them afresh): the snippets of its
        hits use them instead of reading the rows again.
        """
        ids = list(dict.fromkeys(passage_ids))
        if not ids or not text.strip():
            return {}
        last = self._cosines
        if last is not None and last[0] == text and all(p in last[1] for p in ids):
            return {p: last[1][p] for p in ids if last[1][p]}
        rows = self.store.clause_vectors(ids)
        vec = self.query_vector(text) if rows else None
        if vec is None or not vec.any():
            return {}
        matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.int8).reshape(len(rows), -1)
        scales = np.asarray([r[2] for r in rows], dtype=np.float32)
        cosines = (matrix.astype(np.float32) @ vec) * scales
        out: dict[str, list[float]] = {p: [] for p in ids}
        for (pid, _, _), c in zip(rows, cosines.tolist(), strict=True):
            out[pid].append(c)
        self._cosines = (text, out)
        return {p: c for p, c in out.items() if c}

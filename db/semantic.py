"""Meaning-based search: static token embeddings, passage vectors and their fusion.

Officers do not type the texts' words ("people smugglers' boats" for "the smuggling of
migrants"). This module finds passages by meaning with no neural network at run time: a
table of token vectors distilled from the sentence model all-MiniLM-L6-v2
(``build/distill_embeddings.py``; ``resources/embeddings/``) is averaged over a text's
WordPiece tokens, each token weighted by its rarity in the store (an IDF, so "INTERPOL" and
"cooperation", which every passage has, say little). Only numpy is needed.

* :class:`TokenTable` is the bundled table, checked against its pinned SHA-256 before use and
  loaded once, on the first search that needs it (so the window shows at once).
* :class:`PassageVectors` holds one unit vector per passage and the IDF weights; the build
  writes it into the store as :data:`VECTORS_NAME` (so the store's manifest covers it) and a
  search loads it lazily.
* :meth:`PassageVectors.word_match` scores candidate passages word by word: each word of the
  query counts by its closest word of the passage (cosine of their static vectors, weighted
  by the query word's IDF), so "kids" meets "children" and "funds" meets "financing" inside
  the passage that says them, instead of in a blurred average of the whole passage.
* :func:`fuse` merges the lexical ranking with that word match so that what the words find
  stays on top and meaning fills in where the words do not match.

Nothing here imports Qt or the search engine.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from db import paths
from db.errors import LiaisonError, ModelError, StoreError
from db.files import sha256_file
from db.labels import PINNED_SCORE
from db.query import STOP_WORDS
from db.wordpiece import wordpiece

#: Where the table comes from and under what licence (README and Help › About).
MODEL_NOTICE = (
    "Meaning-based search uses static token embeddings distilled from the sentence model "
    "all-MiniLM-L6-v2 (sentence-transformers; Apache License 2.0), whose WordPiece "
    "vocabulary is BERT's (Google; Apache License 2.0), with whole English words from SCOWL "
    "(Spell Checker Oriented Word Lists, © 2000-2011 Kevin Atkinson; permissive licence, "
    "resources/embeddings/SCOWL-COPYRIGHT.txt). The table ships inside the app and is "
    "checked against its SHA-256 before use; nothing is downloaded."
)
TABLE_FILE = "minilm-l6-static.npz"
VOCAB_FILE = "minilm-l6-static.vocab.txt"
#: Pinned SHA-256 of the bundled table and its vocabulary (see build/distill_embeddings.py).
TABLE_SHA256 = "ccc1ec1af6dd4b0af42c6e262850ab6b53296166dd9afeb697d702d8806f3771"
VOCAB_SHA256 = "8cd978bdc3fcf4ec19b0e97d3902249a4da41f675129ea5472aec71e884d5175"
#: The passage vectors' file inside the store (covered by the store's manifest).
VECTORS_NAME = "vectors.npz"
#: The vectors an in-place change added since the last full build, and the documents it
#: removed (beside :data:`VECTORS_NAME`, which it leaves alone until they are folded in).
VECTORS_ADDED_NAME = "vectors-added.npz"
#: The added vectors are folded into the main file once they are this many rows, or this
#: share of the main file's, whichever is more.
FOLD_ROWS = 4_000
FOLD_SHARE = 0.25
#: Bump when the way passage vectors are computed changes (stored in the vectors file).
#: 3: the file also holds each passage's words (for :meth:`PassageVectors.word_match`);
#: weights and rotation from the bundled corpus; added vectors in their own file.
#: 4: whole-word rows in the table (4-bit); the words listed clause by clause.
#: 5: the store also holds the gazetteer's descriptions as the sentence encoder reads them
#: (db.sentences.ENTITY_VECTORS_NAME); a store without them is rebuilt once.
VECTORS_VERSION = 5
#: Up to this many passages every cosine is computed; above, a coarse pass picks candidates.
EXACT_LIMIT = 20_000
#: Rotated coordinates the coarse pass reads, and how many candidates it passes on.
COARSE_DIMS = 64
COARSE_CANDIDATES = 2_000
#: IDF weights are raised to this power (tuned on the development sets only).
IDF_POWER = 0.5
#: Share of a passage's word match that is its best clause's (tuned on the development sets
#: only; docs/meaning-search.md).
CLAUSE_SHARE = 0.3
#: Rows read one by one before the whole table is unpacked and kept (30 MB; a search reads
#: a few rows, embedding a store's passages millions).
UNPACK_ALL_AFTER = 200_000
#: Longest word WordPiece splits (longer ones are skipped, like BERT's [UNK]).
MAX_WORD_CHARS = 100

_WORD = re.compile(r"[^\W_]+|[^\w\s]|_")
_LETTER = re.compile(r"[^\W_]")
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+")
#: A sentence longer than this is cut at commas into pieces of about this size.
CLAUSE_CHARS = 220


def _folded(text: str) -> str:
    """Return text lowercased and without accents, as BERT's basic tokenizer reads it."""
    text = text.lower()
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
        )
    return text


def words(text: str) -> list[str]:
    """Split text as BERT's basic tokenizer does: lowercase, no accents, punctuation apart."""
    return _WORD.findall(_folded(text))


def clause_words(text: str) -> list[list[str]]:
    """Return the :func:`words` of each clause of ``text`` (:func:`clauses`), in order.

    Together they are exactly ``words(text)``: a word belongs to the clause it starts in.
    """
    folded = _folded(text)
    out: list[list[str]] = []
    last: list[str] = []  # the clause holding the last word so far
    end = -1
    for a, b in clauses(folded):
        part = _WORD.findall(folded, a, b)
        # A clause cut inside a word (no space to cut at) leaves its end to the next one.
        if part and last and a == end and _LETTER.match(folded, a - 1) and _LETTER.match(folded, a):
            last[-1] += part.pop(0)
        out.append(part)
        last = part or last
        end = b
    return out


def content_words(text: str) -> list[str]:
    """Return a text's words that can carry meaning, each once, in order of appearance.

    One-letter words and stop words are left out ("the", "what", "a").
    """
    return list(dict.fromkeys(w for w in words(text) if len(w) > 1 and w not in STOP_WORDS))


def _unpack(packed: np.ndarray, dtype: type[np.generic]) -> np.ndarray:
    """Return packed 4-bit rows (see :class:`TokenTable`) as values of ``dtype``."""
    out = np.empty((len(packed), 2 * packed.shape[1]), dtype=dtype)
    out[:, 0::2] = packed & 15
    out[:, 1::2] = packed >> 4
    out -= 8
    return out


class TokenTable:
    """The bundled static token vectors and their vocabulary.

    The vectors are 4-bit integers with one scale per row, two to a byte (the low nibble
    the even column; ``build/distill_embeddings.py``'s ``pack_int4``); a row is unpacked when
    it is read. The vocabulary is WordPiece's, then whole words WordPiece would split
    ("smugglers"), each with its own row: the greedy longest match reads such a word whole.
    """

    def __init__(self, vectors: np.ndarray, scales: np.ndarray, vocab: list[str]) -> None:
        """Wrap a loaded table (use :meth:`load`): packed ``rows × dims/2`` uint8 vectors."""
        if (
            vectors.shape[0] != len(vocab)
            or scales.shape[0] != len(vocab)
            or vectors.dtype != np.uint8
        ):
            raise ModelError("the embedding table and its vocabulary do not match")
        self.vectors = vectors
        self.scales = scales.astype(np.float32)
        self.index = {tok: i for i, tok in enumerate(vocab)}
        self._tokens = vocab
        self.dims = 2 * int(vectors.shape[1])
        #: Every row unpacked (int8), made once many rows have been read (embedding passages).
        self._unpacked: np.ndarray | None = None
        self._rows_read = 0
        self._word_rows: dict[str, tuple[int, ...]] = {}
        self._word_vectors: dict[str, np.ndarray | None] = {}

    @classmethod
    def load(cls, folder: Path | None = None) -> TokenTable:
        """Read the table after checking both files against their pinned SHA-256.

        Raises:
            ModelError: A file is missing, unreadable or not the pinned one.
        """
        folder = folder or paths.embeddings_dir()
        table, vocab = folder / TABLE_FILE, folder / VOCAB_FILE
        try:
            for path, want in ((table, TABLE_SHA256), (vocab, VOCAB_SHA256)):
                if sha256_file(path) != want:
                    raise ModelError(f"{path.name} is not the embedding table Liaison ships")
            with np.load(table, allow_pickle=False) as npz:
                vectors, scales = npz["vectors"], npz["scales"]
            tokens = vocab.read_text(encoding="utf-8").split("\n")[:-1]
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise ModelError(f"cannot read the embedding table: {exc}") from exc
        return cls(vectors, scales, tokens)

    def rows(self, text: str) -> list[int]:
        """Return the table rows of a text's WordPiece tokens, in order."""
        return self.word_rows(words(text))

    def word_rows(self, split: list[str]) -> list[int]:
        """Return the table rows of words already split by :func:`words`, in order."""
        out: list[int] = []
        cache = self._word_rows
        for w in split:
            r = cache.get(w)
            if r is None:
                r = cache[w] = self._wordpiece(w)
            out.extend(r)
        return out

    def is_whole_word(self, word: str) -> bool:
        """Return True if ``word`` (lower case, letters only) is a whole word of the vocabulary.

        The vocabulary holds WordPiece's words and SCOWL's English words, so this tells a
        word of the language ("bank", "summit") from a typo ("sanctoins").
        """
        return word.isalpha() and word in self.index

    def knows_a_word(self, text: str) -> bool:
        """Return True when a word of ``text`` other than a stop word is one the model knows.

        A known word is a token of the vocabulary, or two pieces of which the first has three
        letters or more ("smug" + "##glers", "crypt" + "##o"). A word the model can only spell
        out in fragments ("zzzqqxx", "xyzzy") carries no meaning it could match.
        """
        for w in words(text):
            if len(w) < 2 or w in STOP_WORDS:
                continue
            if w in self.index:
                return True
            pieces = self._word_rows.get(w)
            if pieces is None:
                pieces = self._word_rows[w] = self._wordpiece(w)
            if len(pieces) == 2 and len(w) - len(self._tokens[pieces[1]]) + 2 >= 3:
                return True
        return False

    def _wordpiece(self, word: str) -> tuple[int, ...]:
        """Greedy longest-match-first WordPiece; an unsplittable word gives no rows."""
        if len(word) > MAX_WORD_CHARS:
            return ()
        return wordpiece(word, self.index)

    def word_vector(self, word: str, *, remember: bool = True) -> np.ndarray | None:
        """Return the unit vector of one word (its pieces' rows summed), None if unspellable.

        Args:
            word: One word, as :func:`words` splits them.
            remember: Keep the vector for the next call (query words; a store's words are
                kept by :class:`PassageVectors` instead).
        """
        if word in self._word_vectors:
            return self._word_vectors[word]
        vec = None
        rows = self.rows(word)
        if rows:
            r = np.asarray(rows, dtype=np.int64)
            v = self.scales[r] @ self.unpacked(r)
            norm = float(np.linalg.norm(v))
            vec = v / norm if norm > 0 else None
        if remember:
            self._word_vectors[word] = vec
        return vec

    def unpacked(self, rows: np.ndarray) -> np.ndarray:
        """Return the rows' integer values (before their scales) as ``len(rows) × dims``.

        Each byte holds two signed 4-bit values, each stored plus 8, the low nibble first.
        Once :data:`UNPACK_ALL_AFTER` rows have been read (passages are being embedded), the
        whole table is unpacked once and kept.
        """
        if self._unpacked is None:
            self._rows_read += len(rows)
            if self._rows_read <= UNPACK_ALL_AFTER:
                return _unpack(self.vectors[rows], np.float32)
            self._unpacked = _unpack(self.vectors, np.int8)
        return self._unpacked[rows].astype(np.float32)

    def mean(self, rows: list[int], idf: np.ndarray) -> np.ndarray:
        """Return the unit IDF-weighted mean of the rows' vectors (zeros when no row)."""
        if not rows:
            return np.zeros(self.dims, dtype=np.float32)
        r = np.asarray(rows, dtype=np.int64)
        weights = self.scales[r] * idf[r]
        v = weights @ self.unpacked(r)
        norm = float(np.linalg.norm(v))
        return v / norm if norm > 0 else v


#: One load of the bundled table at a time (the window's preparing thread and a search).
_TABLE_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _bundled_table_or_error() -> TokenTable | LiaisonError:
    try:
        return TokenTable.load()
    except LiaisonError as exc:
        return exc


def bundled_table() -> TokenTable:
    """Return the bundled table, loaded and checked once per process (by the first thread to ask).

    Raises:
        LiaisonError: The table is missing or fails its check (the same error each time,
            without reading the file again).
    """
    with _TABLE_LOCK:
        got = _bundled_table_or_error()
    if isinstance(got, LiaisonError):
        raise got.with_traceback(None)
    return got


def forget_bundled_table() -> None:
    """Drop the loaded table (or its error), so that the next use reads the file again."""
    _bundled_table_or_error.cache_clear()


def dictionary_word(word: str) -> bool:
    """Return True if ``word`` is a whole English word of the bundled table's vocabulary.

    For :class:`db.query.QueryPlanner`, which corrects only words that are not. When the
    table cannot be read every word is False (typos are corrected as before); the meaning
    stage says why the table is unusable.

    Args:
        word: One lower-case word.
    """
    try:
        table = bundled_table()
    except LiaisonError:
        return False
    return table.is_whole_word(word)


def passage_text(heading: str | None, text: str) -> str:
    """Return what a passage's vector is computed from: its heading, then its text."""
    return f"{heading}. {text}" if heading else text


def clause_snippet(text: str, span: tuple[int, int]) -> str:
    """Return the clause of ``text`` at ``span``, with an ellipsis where text was cut."""
    a, b = span
    return ("…" if a > 0 else "") + text[a:b].strip() + ("…" if b < len(text) else "")


def clauses(text: str) -> list[tuple[int, int]]:
    """Split a passage into sentences, and long sentences at commas; return their spans.

    A long sentence with no comma is cut at a space.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for part in [*_SENTENCE_END.split(text)]:
        start = text.find(part, pos)
        end = start + len(part)
        pos = end
        if len(part) <= CLAUSE_CHARS:
            spans.append((start, end))
            continue
        s = start
        while end - s > CLAUSE_CHARS:
            lo, hi = s + CLAUSE_CHARS // 3, s + CLAUSE_CHARS
            cut = text.rfind(", ", lo, hi)
            if cut >= 0:
                cut += 1  # after the comma
            else:  # at a space, never inside a word unless there is no space
                cut = text.rfind(" ", lo, hi)
                if cut < 0:
                    cut = hi
            spans.append((s, cut))
            s = cut + 1 if text[cut : cut + 1] == " " else cut
        spans.append((s, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


@dataclass
class PassageVectors:
    """One unit vector per passage of a store, its words, and the store's token IDF weights.

    The vectors are kept in a rotated basis (their principal axes first; a rotation keeps every
    cosine), so that on a large store the first :data:`COARSE_DIMS` coordinates pick the
    candidates cheaply before the exact cosine is computed for them alone.
    """

    ids: list[str]
    matrix: np.ndarray
    idf: np.ndarray
    table: TokenTable
    #: Orthogonal ``dims × dims`` rotation applied to the passage vectors (queries get it too).
    rotation: np.ndarray
    #: The store's words (:func:`content_words` the table can spell), and each passage's
    #: words as indexes into them: those of passage ``i`` are
    #: ``word_ids[word_starts[i]:word_starts[i + 1]]``, clause by clause (:func:`clauses`;
    #: a word is listed once per clause it is in, and ``clause_breaks`` is 1 at the first
    #: word of every clause).
    vocabulary: list[str] = field(default_factory=list)
    word_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    word_starts: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    clause_breaks: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint8))
    _coarse: np.ndarray | None = None
    _rows: dict[str, int] | None = None
    _vocabulary_index: dict[str, int] | None = None
    _word_matrix: np.ndarray | None = None
    _word_known: np.ndarray | None = None

    @classmethod
    def build(
        cls,
        passages: Iterable[tuple[str, str | None, str]],
        table: TokenTable,
        *,
        reference: Iterable[tuple[str, str | None, str]] | None = None,
    ) -> PassageVectors:
        """Compute the vectors of ``(passage_id, heading, text)`` triples.

        Args:
            passages: The passages to embed, in the order the file keeps them.
            table: The token table.
            reference: The passages whose token frequencies give the IDF weights and
                whose principal axes give the rotation (default: ``passages``). A store
                uses its bundled corpus, so that a passage's vector does not depend on
                what else the officer imported, and an import embeds its own passages
                alone (:meth:`extend`).
        """
        passages = list(passages)
        ref = passages if reference is None else list(reference)
        idf = idf_weights([table.rows(passage_text(h, t)) for _, h, t in ref], table)
        ref_matrix = np.zeros((len(ref), table.dims), dtype=np.float32)
        for i, (_, heading, text) in enumerate(ref):
            ref_matrix[i] = table.mean(table.rows(passage_text(heading, text)), idf)
        rotation = principal_axes(ref_matrix)
        empty = cls([], np.zeros((0, table.dims), dtype=np.float32), idf, table, rotation)
        return empty.extend(passages)

    def vector(self, heading: str | None, text: str) -> np.ndarray:
        """Return a passage's stored vector: its unit mean, rotated.

        Computed row by row, so a passage embedded alone gets the very bits a full build
        gives it.
        """
        return self.table.mean(self.table.rows(passage_text(heading, text)), self.idf) @ (
            self.rotation
        )

    def extend(self, passages: Iterable[tuple[str, str | None, str]]) -> PassageVectors:
        """Return these vectors with passages added after them (same weights and rotation).

        The new passages' words join the vocabulary (a word already there keeps its index).
        """
        passages = list(passages)
        rows = np.zeros((len(passages), self.table.dims), dtype=np.float32)
        vocabulary = {w: i for i, w in enumerate(self.vocabulary)}
        word_ids: list[int] = []
        word_starts: list[int] = []
        breaks: list[int] = []
        offset = len(self.word_ids)
        for i, (_, heading, text) in enumerate(passages):
            whole = passage_text(heading, text)
            parts = clause_words(whole)
            split = [w for part in parts for w in part]
            rows[i] = self.table.mean(self.table.word_rows(split), self.idf) @ self.rotation
            for part in parts:
                first = True
                for w in dict.fromkeys(part):
                    index = vocabulary.get(w)
                    if index is None:
                        if len(w) < 2 or w in STOP_WORDS or not self.table.word_rows([w]):
                            continue
                        index = vocabulary[w] = len(vocabulary)
                    word_ids.append(index)
                    breaks.append(first)
                    first = False
            word_starts.append(offset + len(word_ids))
        if self.matrix.dtype == np.float16:  # as stored: keep the new rows' storage precision
            rows = rows.astype(np.float16)
        return PassageVectors(
            [*self.ids, *(pid for pid, _, _ in passages)],
            np.concatenate([self.matrix, rows.astype(self.matrix.dtype)]),
            self.idf,
            self.table,
            self.rotation,
            list(vocabulary),
            np.concatenate([self.word_ids, np.asarray(word_ids, dtype=np.int32)]),
            np.concatenate([self.word_starts, np.asarray(word_starts, dtype=np.int64)]),
            np.concatenate([self.clause_breaks, np.asarray(breaks, dtype=np.uint8)]),
        )

    def concat(self, other: PassageVectors) -> PassageVectors:
        """Return these vectors followed by ``other``'s (made with the same weights)."""
        vocabulary = {w: i for i, w in enumerate(self.vocabulary)}
        remap = np.asarray(
            [vocabulary.setdefault(w, len(vocabulary)) for w in other.vocabulary], dtype=np.int32
        )
        other_ids = remap[other.word_ids] if len(other.word_ids) else other.word_ids
        dtype = np.result_type(self.matrix.dtype, other.matrix.dtype)
        return PassageVectors(
            [*self.ids, *other.ids],
            np.concatenate([self.matrix.astype(dtype), other.matrix.astype(dtype)]),
            self.idf,
            self.table,
            self.rotation,
            list(vocabulary),
            np.concatenate([self.word_ids, other_ids.astype(np.int32)]),
            np.concatenate([self.word_starts, other.word_starts[1:] + len(self.word_ids)]),
            np.concatenate([self.clause_breaks, other.clause_breaks]),
        )

    def without_documents(self, document_ids: Iterable[str]) -> PassageVectors:
        """Return these vectors without the passages of the given documents."""
        gone = set(document_ids)
        if not gone:
            return self
        kept = np.asarray(
            [pid.split(":", 1)[0] not in gone for pid in self.ids], dtype=bool
        ).reshape(-1)
        lengths = np.diff(self.word_starts)
        words_kept = np.repeat(kept, lengths)  # one flag per word: its passage's
        return PassageVectors(
            [pid for pid, k in zip(self.ids, kept, strict=True) if k],
            self.matrix[kept],
            self.idf,
            self.table,
            self.rotation,
            self.vocabulary,
            self.word_ids[words_kept].astype(np.int32),
            np.concatenate([[0], np.cumsum(lengths[kept])]).astype(np.int64),
            self.clause_breaks[words_kept].astype(np.uint8),
        )

    def arrays(self) -> dict[str, np.ndarray]:
        """Return what every vectors file holds: version, table, ids, vectors (float16), words."""
        return {
            "version": np.array(VECTORS_VERSION),
            "table": np.array(TABLE_SHA256),
            "ids": np.array(self.ids, dtype=str),
            "matrix": self.matrix.astype(np.float16),
            "vocabulary": np.frombuffer("\n".join(self.vocabulary).encode("utf-8"), np.uint8),
            "word_ids": self.word_ids.astype(np.int32),
            "word_starts": self.word_starts.astype(np.int64),
            "clause_breaks": self.clause_breaks.astype(np.uint8),
        }

    def save(self, path: Path) -> None:
        """Write the vectors, rotation, IDF, passage ids and words to one ``.npz``, whole."""
        _write_npz(
            path, {**self.arrays(), "rotation": self.rotation.astype(np.float32), "idf": self.idf}
        )

    @classmethod
    def load(cls, path: Path, table: TokenTable, *, as_stored: bool = False) -> PassageVectors:
        """Read a vectors file written by :meth:`save`.

        Args:
            path: The file.
            table: The token table it was made with.
            as_stored: Keep the float16 rows as stored (to rewrite the file) instead of
                widening a small store's to float32 for search.

        Raises:
            StoreError: The file is unreadable or was made with another table or version.
        """
        try:
            with np.load(path, allow_pickle=False) as npz:
                _check_made_here(npz, path)
                ids = [str(x) for x in npz["ids"]]
                matrix = npz["matrix"]
                rotation = npz["rotation"].astype(np.float32)
                idf = npz["idf"].astype(np.float32)
                text = npz["vocabulary"].tobytes().decode("utf-8")
                word_ids = npz["word_ids"].astype(np.int32)
                word_starts = npz["word_starts"].astype(np.int64)
                breaks = npz["clause_breaks"].astype(np.uint8)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise StoreError(f"cannot read {path.name}: {exc}") from exc
        vocabulary = text.split("\n") if text else []
        dims = table.dims
        if (
            matrix.shape != (len(ids), dims)
            or rotation.shape != (dims, dims)
            or idf.shape != (len(table.index),)
            or not _words_fit(word_ids, word_starts, breaks, len(ids), len(vocabulary))
        ):
            raise StoreError(f"{path.name} does not match the embedding table")
        if len(ids) <= EXACT_LIMIT and not as_stored:
            matrix = matrix.astype(np.float32)
        return cls(ids, matrix, idf, table, rotation, vocabulary, word_ids, word_starts, breaks)

    def embed(self, text: str) -> np.ndarray:
        """Return the unit vector of a text (a query, a clause) with this store's IDF."""
        return self.table.mean(self.table.rows(text), self.idf)

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Return the ``k`` passages closest to a query vector, with their cosine.

        Up to :data:`EXACT_LIMIT` passages every cosine is computed. Above, the first
        :data:`COARSE_DIMS` rotated coordinates pick :data:`COARSE_CANDIDATES` passages and
        the exact cosine ranks those (``tests/bench/bench_semantic.py`` prints how often
        this finds the exact top ``k``).
        """
        if not self.ids or not query.any():
            return []
        q = query @ self.rotation
        k = min(k, len(self.ids))
        if len(self.ids) <= EXACT_LIMIT:
            rows = np.arange(len(self.ids))
            sims = matvec(self.matrix, q)
        else:
            if self._coarse is None:
                self._coarse = np.ascontiguousarray(self.matrix[:, :COARSE_DIMS], np.float32)
            rough = matvec(self._coarse, q[:COARSE_DIMS])
            n = max(k, min(COARSE_CANDIDATES, len(self.ids)))
            rows = np.argpartition(rough, len(rough) - n)[len(rough) - n :]
            sims = matvec(self.matrix[rows].astype(np.float32), q)
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self.ids[rows[i]], float(sims[i])) for i in top]

    def word_match(self, text: str, passage_ids: Iterable[str]) -> list[tuple[str, float]]:
        """Return how closely each passage's words match the words of ``text``, best first.

        Each word of the query (:func:`content_words` the table can spell) finds its closest
        word in the passage (the cosine of their static vectors, 1 for the same word), and
        the passage scores the mean of those, weighted by each query word's IDF in the store
        (its rarest piece's). The same is computed for each clause of the passage
        (:func:`clauses`), and the passage's score is mixed with its best clause's
        (:data:`CLAUSE_SHARE`), so that the query's words met together in one sentence
        count more than the same words scattered over a long paragraph. A passage holding
        every word of the query in one clause scores 1. Passages not in the store are
        skipped.

        Args:
            text: The query.
            passage_ids: The candidates (the words' matches and the nearest passages).
        """
        if self._rows is None:
            self._rows = {pid: i for i, pid in enumerate(self.ids)}
        rows = np.asarray(
            [r for r in dict.fromkeys(self._rows.get(p) for p in passage_ids) if r is not None],
            dtype=np.int64,
        )
        vecs, weights = self._query_words(text)
        if not vecs or not len(rows):
            return []
        starts, ends = self.word_starts[rows], self.word_starts[rows + 1]
        filled = ends > starts
        score = np.zeros(len(rows), dtype=np.float32)
        if filled.any():
            starts, lengths = starts[filled], (ends - starts)[filled]
            offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
            # The candidates' words, one after the other, and the store's words among them.
            at = np.arange(int(lengths.sum())) + np.repeat(starts - offsets, lengths)
            listed = self.word_ids[at]
            present = np.zeros(len(self.vocabulary), dtype=bool)
            present[listed] = True
            unique = np.flatnonzero(present)
            inverse = (np.cumsum(present) - 1)[listed]
            # One row per word of the candidates, one column per query word (a product per
            # query word: BLAS's matrix-matrix product is slower at this size on a busy CPU).
            known = self._word_vectors(unique)
            sims = np.stack([known @ v for v in vecs], axis=1)[inverse]
            w = np.asarray(weights, dtype=np.float32) / np.float32(sum(weights))
            passage = np.maximum.reduceat(sims, offsets, axis=0) @ w
            # Each clause's best words, then each passage's best clause (every passage's
            # first word starts a clause).
            breaks = np.flatnonzero(self.clause_breaks[at])
            clause = np.maximum.reduceat(sims, breaks, axis=0) @ w
            firsts = np.searchsorted(breaks, offsets)
            best_clause = np.maximum.reduceat(clause, firsts)
            score[filled] = (1 - CLAUSE_SHARE) * passage + CLAUSE_SHARE * best_clause
        order = np.argsort(-score, kind="stable")
        return [(self.ids[rows[i]], float(score[i])) for i in order]

    def _query_words(self, text: str) -> tuple[list[np.ndarray], list[float]]:
        """Return the unit vectors of a query's words and their weights (rarest piece's IDF)."""
        vecs: list[np.ndarray] = []
        weights: list[float] = []
        for w in content_words(text):
            v = self.table.word_vector(w)
            if v is not None:
                vecs.append(v)
                weights.append(float(self.idf[self.table.rows(w)].max()))
        return vecs, weights

    def _word_vectors(self, indexes: np.ndarray) -> np.ndarray:
        """Return the unit vectors of the store's words at ``indexes``, made on first use."""
        if self._word_matrix is None or self._word_known is None:
            self._word_matrix = np.zeros((len(self.vocabulary), self.table.dims), np.float32)
            self._word_known = np.zeros(len(self.vocabulary), dtype=bool)
        matrix, known = self._word_matrix, self._word_known
        for i in indexes[~known[indexes]]:
            v = self.table.word_vector(self.vocabulary[i], remember=False)
            if v is not None:
                matrix[i] = v
            known[i] = True
        return matrix[indexes]

    def closest_clause(self, text: str, query: str) -> tuple[int, int]:
        """Return the span of the sentence or clause of ``text`` closest to the query.

        Clauses are compared by their word match with the query (as passages are), a tie by
        the cosine of their mean vectors.
        """
        spans = clauses(text)
        if len(spans) < 2:
            return spans[0] if spans else (0, len(text))
        vecs, weights = self._query_words(query)
        if self._vocabulary_index is None:
            self._vocabulary_index = {w: i for i, w in enumerate(self.vocabulary)}
        index = self._vocabulary_index
        vec = self.embed(query)
        w = np.asarray(weights, dtype=np.float32)
        scores: list[tuple[float, float]] = []
        for a, b in spans:
            part = text[a:b]
            known = np.asarray(
                [i for i in (index.get(x) for x in content_words(part)) if i is not None],
                dtype=np.int64,
            )
            match = 0.0
            if vecs and len(known):
                words_of_part = self._word_vectors(known)
                best = np.stack([words_of_part @ v for v in vecs], axis=1).max(axis=0)
                match = round(float(best @ w / w.sum()), 4)
            scores.append((match, float(self.embed(part) @ vec)))
        return spans[max(range(len(spans)), key=scores.__getitem__)]


def matvec(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Return ``matrix @ vector`` computed on the calling thread (numpy's einsum loop).

    ``@`` hands a product to the BLAS, which splits a large one over its threads; for a
    matrix-vector product those threads mostly wait on each other, and on a busy machine for
    a core. Over 166,099 passage vectors (random unit vectors, 2 cores at a load of about 6)
    the dense stage took a median of 33–45 ms and a p95 of 60–77 ms with ``@``, 11–17 ms and
    22–26 ms this way.
    """
    return np.einsum("ij,j->i", matrix, vector)


def idf_weights(token_rows: list[list[int]], table: TokenTable) -> np.ndarray:
    """Return the IDF weight of every token of the table over texts given as token rows."""
    df = np.zeros(len(table.index), dtype=np.float64)
    for rows in token_rows:
        if rows:
            df[np.unique(np.asarray(rows, dtype=np.int64))] += 1
    n = len(token_rows)
    return ((np.log((n + 1) / (df + 1)) + 1.0) ** IDF_POWER).astype(np.float32)


def principal_axes(matrix: np.ndarray, sample: int = 20_000) -> np.ndarray:
    """Return an orthogonal rotation whose first axes carry most of the rows' energy.

    The eigenvectors of the (uncentred) second-moment matrix of up to ``sample`` rows, by
    decreasing eigenvalue. A rotation keeps every dot product, so it changes no cosine.
    """
    dims = matrix.shape[1]
    if len(matrix) == 0:
        return np.eye(dims, dtype=np.float32)
    step = max(1, len(matrix) // sample)
    rows = matrix[::step].astype(np.float64)
    _, vecs = np.linalg.eigh(rows.T @ rows)
    return np.ascontiguousarray(vecs[:, ::-1], dtype=np.float32)


def write_vectors(
    store_dir: Path,
    passages: Iterable[tuple[str, str | None, str]],
    *,
    reference: Iterable[tuple[str, str | None, str]] | None = None,
) -> int:
    """Compute and write a store's passage vectors; return how many were written.

    Args:
        store_dir: The store folder being built (the file goes beside the index).
        passages: ``(passage_id, heading, text)`` for every passage of the store.
        reference: The passages that give the weights and rotation (see
            :meth:`PassageVectors.build`; the store's bundled corpus).
    """
    vectors = PassageVectors.build(passages, bundled_table(), reference=reference)
    vectors.save(store_dir / VECTORS_NAME)
    return len(vectors.ids)


def _read_added(path: Path, table: TokenTable) -> tuple[PassageVectors, list[str], int]:
    """Read the added-vectors file: the vectors, the removed documents, the main file's rows.

    Raises:
        StoreError: The file is unreadable or was made by another version.
    """
    try:
        with np.load(path, allow_pickle=False) as npz:
            _check_made_here(npz, path)
            ids = [str(x) for x in npz["ids"]]
            matrix = npz["matrix"]
            removed = [str(x) for x in npz["removed"]]
            base_rows = int(npz["base_rows"])
            text = npz["vocabulary"].tobytes().decode("utf-8")
            word_ids = npz["word_ids"].astype(np.int32)
            word_starts = npz["word_starts"].astype(np.int64)
            breaks = npz["clause_breaks"].astype(np.uint8)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise StoreError(f"cannot read {path.name}: {exc}") from exc
    vocabulary = text.split("\n") if text else []
    if matrix.shape != (len(ids), table.dims) or not _words_fit(
        word_ids, word_starts, breaks, len(ids), len(vocabulary)
    ):
        raise StoreError(f"{path.name} does not match the embedding table")
    none = np.zeros(len(table.index), dtype=np.float32)
    added = PassageVectors(
        ids, matrix, none, table, np.eye(table.dims), vocabulary, word_ids, word_starts, breaks
    )
    return added, removed, base_rows


def _words_fit(
    word_ids: np.ndarray, word_starts: np.ndarray, breaks: np.ndarray, passages: int, words: int
) -> bool:
    """Return True when passages' word lists are well formed (see :class:`PassageVectors`).

    Every passage with words starts a clause there.
    """
    return (
        word_starts.shape == (passages + 1,)
        and word_starts[0] == 0
        and word_starts[-1] == len(word_ids)
        and not bool((np.diff(word_starts) < 0).any())
        and not (len(word_ids) and (word_ids.min() < 0 or word_ids.max() >= words))
        and breaks.shape == word_ids.shape
        and bool(breaks[word_starts[:-1][np.diff(word_starts) > 0]].all())
    )


def _write_added(path: Path, added: PassageVectors, removed: list[str], base_rows: int) -> None:
    _write_npz(
        path,
        {
            **added.arrays(),
            "removed": np.array(removed, dtype=str),
            "base_rows": np.array(base_rows),
        },
    )


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` beside ``path`` and rename the file into place (whole or not at all)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def load_store_vectors(path: Path, table: TokenTable, *, as_stored: bool = False) -> PassageVectors:
    """Read a store's vectors: the main file, less the removed documents, then the added ones.

    In the catalog order a full build gives them (an added document comes after every other).

    Args:
        path: The main file (:data:`VECTORS_NAME`); the added file is read from beside it.
        table: The token table.
        as_stored: Keep float16 rows (see :meth:`PassageVectors.load`).

    Raises:
        StoreError: A file is unreadable or was made by another version.
    """
    added_path = path.with_name(VECTORS_ADDED_NAME)
    if not added_path.is_file():
        return PassageVectors.load(path, table, as_stored=as_stored)
    base = PassageVectors.load(path, table, as_stored=True)
    added, removed, _ = _read_added(added_path, table)
    whole = base.without_documents(removed).concat(added)
    if len(whole.ids) <= EXACT_LIMIT and not as_stored:
        whole.matrix = whole.matrix.astype(np.float32)
    return whole


def update_vectors(
    store_dir: Path,
    passages: Iterable[tuple[str, str | None, str]],
    *,
    delete_documents: Iterable[str] = (),
) -> int:
    """Add passages' vectors to a store and drop documents' passages, in place.

    The new passages are embedded alone with the weights and rotation the main file
    holds (the bundled corpus's), so nothing else is recomputed. They go into the
    added-vectors file (:data:`VECTORS_ADDED_NAME`, replaced whole: small), with the
    documents removed; the main file is rewritten only when the added rows are folded
    into it (:data:`FOLD_ROWS`, :data:`FOLD_SHARE`).

    Args:
        store_dir: A built store.
        passages: ``(passage_id, heading, text)`` of the passages to add, in catalog order.
        delete_documents: Ids of documents whose passages go.

    Returns:
        How many vectors the added file holds (0 when they were folded in).

    Raises:
        StoreError: A file is unreadable or was made by another version.
    """
    path = store_dir / VECTORS_NAME
    added_path = store_dir / VECTORS_ADDED_NAME
    table = bundled_table()
    if added_path.is_file():
        added, removed, base_rows = _read_added(added_path, table)
    else:
        added = PassageVectors([], np.zeros((0, table.dims), np.float16), table.scales, table, None)
        removed, base_rows = [], len(_read_npz(path, "ids"))
    idf = _read_npz(path, "idf").astype(np.float32)
    rotation = _read_npz(path, "rotation").astype(np.float32)
    gone = set(delete_documents)
    in_added = {pid.split(":", 1)[0] for pid in added.ids}
    removed = sorted({*removed, *(d for d in gone if d not in in_added)})
    added = PassageVectors(
        added.ids,
        added.matrix.astype(np.float16),
        idf,
        table,
        rotation,
        added.vocabulary,
        added.word_ids,
        added.word_starts,
        added.clause_breaks,
    )
    added = added.without_documents(gone).extend(passages)
    if len(added.ids) > max(FOLD_ROWS, FOLD_SHARE * base_rows):
        base = PassageVectors.load(path, table, as_stored=True).without_documents(removed)
        whole = base.concat(added)
        whole.save(path)
        added_path.unlink(missing_ok=True)
        return 0
    _write_added(added_path, added, removed, base_rows)
    return len(added.ids)


def _check_made_here(npz: np.lib.npyio.NpzFile, path: Path) -> None:
    """Raise StoreError unless a vectors file was made by this version, with this table."""
    if int(npz["version"]) != VECTORS_VERSION or str(npz["table"]) != TABLE_SHA256:
        raise StoreError(f"{path.name} was made by another version of Liaison")


def _read_npz(path: Path, key: str) -> np.ndarray:
    """Read one array of a vectors file (the others are not read).

    Raises:
        StoreError: The file is unreadable or was made by another version.
    """
    try:
        with np.load(path, allow_pickle=False) as npz:
            _check_made_here(npz, path)
            return npz[key]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise StoreError(f"cannot read {path.name}: {exc}") from exc


#: Passages nearest to the query's vector that join the words' matches as candidates.
DENSE_CANDIDATES = 100
#: When meaning is on, the words' ranking hands at least this many passages to the fusion.
LEXICAL_DEPTH = 50
#: Weight of the word match (scaled to the best candidate's) against the lexical score
#: (scaled to the best one). Tuned on the development sets only (tests/data/search_eval.toml,
#: search_ownwords_dev.toml, search_ownwords_dev2.toml; docs/meaning-search.md).
MEANING_WEIGHT = 5.0
#: A passage no word of the query matched is shown only when its word match reaches this
#: share of the best candidate's (so a keyword look-up, whose best passage holds every word,
#: is not padded with loosely related passages) ...
MEANING_CUT = 0.8
#: ... or be among this many best word matches of all candidates (a look-up whose words
#: matched a wrong passage, which then sets the bar, still shows its best meanings) ...
MEANING_TOP = 3
#: ... and reach this absolute word match (the mean closest-word cosine) when the sentence
#: encoder has not read it ...
MIN_WORD_MATCH = 0.5
#: ... or, when it has (:mod:`db.sentences`), this meaning score (the word match blended with
#: the clause score) and a clause score of :data:`MIN_CLAUSE_SCORE`: the encoder is the
#: better judge of what is off the subject ("recipe for chocolate cake" shows nothing), so
#: the floor on the blend is lower. Both tuned on the development sets only.
MIN_MEANING_MATCH = 0.4
MIN_CLAUSE_SCORE = 0.35


@dataclass(frozen=True)
class Fused:
    """One passage of a fused ranking."""

    passage_id: str
    score: float
    by_meaning: bool


def fuse(
    lexical: list[tuple[str, float]],
    related: list[tuple[str, float]],
    *,
    exact: bool = False,
    read: Mapping[str, float] | None = None,
) -> list[Fused]:
    """Merge the lexical ranking with the word match of :meth:`PassageVectors.word_match`.

    Cited (pinned) passages come first, in their order. Every other passage scores its
    lexical score over the best one plus :data:`MEANING_WEIGHT` times its word match over the
    best candidate's; a passage holding every word of the query has the best word match
    there is, so strong keyword matches stay on top. When ``exact`` (the officer quoted a
    phrase) every lexical match stays above every passage found by meaning alone. A passage
    no word matched enters only when its word match reaches :data:`MEANING_CUT` of the best
    one or is among the :data:`MEANING_TOP` best, and clears the floor (:data:`MIN_WORD_MATCH`,
    or for a passage the sentence encoder read :data:`MIN_MEANING_MATCH` and
    :data:`MIN_CLAUSE_SCORE`); it is marked as found by meaning.

    Args:
        lexical: ``(passage_id, score)`` best first, as ranked by the words.
        related: ``(passage_id, word match)`` of the candidates, as scored by meaning.
        exact: Keep every lexical match above every meaning-only one.
        read: The clause score of each candidate the sentence encoder read
            (:meth:`db.sentences.SentenceSearch.closest`); None without that stage.

    Returns:
        The fused ranking, best first, each passage once.
    """
    pinned = list(dict.fromkeys(pid for pid, s in lexical if s >= PINNED_SCORE))
    free = [(pid, s) for pid, s in lexical if s < PINNED_SCORE and pid not in pinned]
    best = max((s for _, s in free), default=0.0) or 1.0
    match = dict(related)
    top = max(match.values(), default=0.0)
    if top <= 0:
        top = 1.0
    out = [Fused(pid, PINNED_SCORE + len(pinned) - i, False) for i, pid in enumerate(pinned)]
    scored: dict[str, tuple[float, bool]] = {}
    for pid, s in free:
        scored.setdefault(pid, (s / best + (10.0 if exact else 0.0), False))
    for rank, (pid, m) in enumerate(related):
        if pid in scored or pid in pinned:
            continue
        if (m >= MEANING_CUT * top or rank < MEANING_TOP) and _clears_floor(pid, m, read):
            scored[pid] = (0.0, True)
    ranked = sorted(
        (
            (base + MEANING_WEIGHT * match.get(pid, 0.0) / top, pid, meaning)
            for pid, (base, meaning) in scored.items()
        ),
        key=lambda t: -t[0],
    )
    out.extend(Fused(pid, round(score, 4), meaning) for score, pid, meaning in ranked)
    return out


def _clears_floor(passage_id: str, match: float, read: Mapping[str, float] | None) -> bool:
    """True when a passage no word matched is related enough to be shown (see :func:`fuse`)."""
    if read is None or passage_id not in read:
        return match >= MIN_WORD_MATCH
    return match >= MIN_MEANING_MATCH and read[passage_id] >= MIN_CLAUSE_SCORE


class MeaningSearch:
    """The meaning-based stage over one store, loaded on its first use.

    The table and the store's vectors are read on the first search (not when the library
    opens, so the window shows at once). A store without vectors, or a table that fails its
    SHA-256 check, leaves the search to the words alone; :attr:`error` then says why.
    """

    def __init__(self, vectors_path: Path) -> None:
        """Prepare the stage for the vectors file ``vectors_path`` (nothing is read yet)."""
        self.vectors_path = vectors_path
        self.error: str | None = None
        self._vectors: PassageVectors | None = None
        self._loaded = False
        self._lock = threading.Lock()
        self._last: tuple[str, np.ndarray] | None = None

    @property
    def loaded(self) -> bool:
        """True once the table and vectors were read (or found unusable)."""
        return self._loaded

    def vectors(self) -> PassageVectors | None:
        """Return the store's vectors, reading them on the first call (None if unusable)."""
        with self._lock:
            if not self._loaded:
                try:
                    self._vectors = load_store_vectors(self.vectors_path, bundled_table())
                except LiaisonError as exc:
                    self.error = str(exc)
                finally:
                    self._loaded = True
        return self._vectors

    def query_vector(self, text: str) -> np.ndarray | None:
        """Return the query's vector, embedded once per query text."""
        vectors = self.vectors()
        if vectors is None:
            return None
        last = self._last
        if last is not None and last[0] == text:
            return last[1]
        vec = vectors.embed(text)
        self._last = (text, vec)
        return vec

    def forget_query(self) -> None:
        """Drop the last query's vector, so the next search embeds its query anew."""
        self._last = None

    def nearest(self, text: str, k: int) -> list[tuple[str, float]]:
        """Return the ``k`` passages closest in meaning to a query, with their cosine."""
        vec = self.query_vector(text)
        vectors = self._vectors
        if vec is None or vectors is None or not vectors.table.knows_a_word(text):
            return []
        return vectors.nearest(vec, k)

    def related(self, text: str, candidates: Iterable[str]) -> list[tuple[str, float]]:
        """Return the candidates' word match with a query, best first (for :func:`fuse`).

        Empty when the store has no usable vectors or the query no word the model knows.
        """
        vectors = self.vectors()
        if vectors is None or not vectors.table.knows_a_word(text):
            return []
        return vectors.word_match(text, candidates)

    def snippet(self, query: str, text: str) -> str:
        """Return the passage's sentence or clause closest to the query, ellipsised."""
        vec = self.query_vector(query)
        if vec is None or self._vectors is None:
            return text
        return clause_snippet(text, self._vectors.closest_clause(text, query))

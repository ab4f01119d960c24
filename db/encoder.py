"""The sentence model all-MiniLM-L6-v2, run in numpy: a text in, a unit 384-vector out.

:mod:`db.semantic` reads meaning from a static token table; this module runs the sentence
model itself, so that a clause or a look-up gets the vector sentence-transformers would give
it (cosine ≥ 0.98 to the float32 original on every text measured; ``tests/db/test_encoder.py``).
numpy does the work (the app runs BLAS on one thread: :func:`desktop.launch.one_blas_thread`);
the weights ship inside the app, quantised, in one file
(:data:`ENCODER_FILE`, made by ``build/export_encoder.py``), checked against
:data:`ENCODER_SHA256` before use, and dequantised once into float32 when loaded.

* :func:`bert_words` and :meth:`SentenceEncoder.token_ids` tokenise as Hugging Face's
  ``BertTokenizer`` (uncased) does: control characters removed, CJK characters apart,
  accents stripped (NFD), lower case, split on white space and punctuation, then WordPiece
  (:func:`db.wordpiece.wordpiece`), ``[UNK]`` for a word it cannot spell or longer than 100
  characters, at most :data:`MAX_TOKENS` pieces with ``[CLS]`` and ``[SEP]``.
* :meth:`SentenceEncoder.encode` runs BERT (6 layers, hidden 384, 12 heads, feed-forward
  1536, GELU, LayerNorm ε 1e-12) on batches of texts of similar length, mean-pools the
  last layer over every token (``[CLS]`` and ``[SEP]`` included, as sentence-transformers
  does) and L2-normalises.

Nothing here imports Qt or the search engine.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path

import numpy as np

from db import paths
from db.errors import ModelError
from db.files import sha256_file
from db.wordpiece import wordpiece

#: Where the encoder comes from and under what licence (README and Help › About).
ENCODER_NOTICE = (
    "Meaning-based search also runs the sentence model all-MiniLM-L6-v2 (sentence-transformers, "
    "Nils Reimers et al., fine-tuned from Microsoft's MiniLM; Apache License 2.0), whose "
    "WordPiece vocabulary is BERT's (Google; Apache License 2.0). Its weights ship inside the "
    "app, quantised (resources/embeddings/NOTICE.md), are checked against their SHA-256 before "
    "use and run in numpy; nothing is downloaded."
)
ENCODER_FILE = "minilm-l6-encoder.npz"
#: Pinned SHA-256 of :data:`ENCODER_FILE` (printed by ``build/export_encoder.py``).
ENCODER_SHA256 = "1dbd4513ac817dadb0c60c072e1a3e3f6d172cb6040b170f138525ad55568acb"
#: Longest input, in word pieces, ``[CLS]`` and ``[SEP]`` included (longer texts are cut).
MAX_TOKENS = 128
#: Longest word WordPiece spells (a longer one is ``[UNK]``, as in BERT).
MAX_WORD_CHARS = 100
DIMS = 384
LAYERS = 6
HEADS = 12
LAYER_NORM_EPS = 1e-12
#: Rows of the feed-forward layer :func:`_gelu` works on at a time.
_GELU_ROWS = 128
UNK, CLS, SEP = "[UNK]", "[CLS]", "[SEP]"
#: Vocabulary entries with no embedding row in the file (never produced by tokenisation).
UNUSED = re.compile(r"\[unused\d+\]")
#: The matrices of one layer, by their names in the file (``layer{i}.{name}``).
LAYER_MATRICES = ("query", "key", "value", "attention_output", "intermediate", "output")

#: Special tokens, matched in the raw text before anything else (as ``tokenizers`` does).
_SPECIAL = re.compile(r"(\[(?:PAD|UNK|CLS|SEP|MASK)\])")
_ASCII_PUNCT = r"!-/:-@\[-`{-~"
#: A word or one punctuation mark, in text :func:`_normalised` has already cleaned.
_WORD_OR_MARK = re.compile(rf"[^ {_ASCII_PUNCT}]+|[{_ASCII_PUNCT}]")
#: The categories of the characters BERT's normaliser removes.
_REMOVED = frozenset({"Cc", "Cf", "Cs", "Co"})
_CJK = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F),
    (0x2B920, 0x2CEAF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)


def _folded_char(c: str) -> str:
    """Return one character as BERT's normaliser and pre-tokeniser leave it.

    Removed: U+FFFD and every control, format, surrogate or private-use character (``Cc``,
    ``Cf``, ``Cs``, ``Co``) but tab, newline and carriage return; unassigned code points
    (``Cn``) stay, as in ``tokenizers``.
    White space becomes a space; a CJK character or a punctuation mark (``P*``, or ASCII
    punctuation) gets a space on each side; accents go (NFD, ``Mn`` dropped); lower case.
    """
    if c in "\t\n\r":
        return " "
    if c == "\ufffd" or unicodedata.category(c) in _REMOVED:
        return ""
    if c.isspace():
        return " "
    cp = ord(c)
    decomposed = "".join(
        x.lower() for x in unicodedata.normalize("NFD", c) if unicodedata.category(x) != "Mn"
    )
    if any(a <= cp <= b for a, b in _CJK):
        return f" {decomposed} "
    out = []
    for x in decomposed:
        if x.isspace():
            out.append(" ")
        elif unicodedata.category(x)[0] == "P":
            out.append(f" {x} ")
        else:
            out.append(x)
    return "".join(out)


class _FoldedChars(dict[int, str]):
    """``str.translate`` table that works each character out on first sight."""

    def __missing__(self, cp: int) -> str:
        out = self[cp] = _folded_char(chr(cp))
        return out


_FOLD = _FoldedChars()


def bert_words(text: str) -> list[str]:
    """Split a text into words and punctuation marks as BERT's basic tokeniser does (uncased).

    >>> bert_words("Résolution 77/20, para. 17(a)")
    ['resolution', '77', '/', '20', ',', 'para', '.', '17', '(', 'a', ')']
    """
    return _WORD_OR_MARK.findall(text.translate(_FOLD))


#: Each byte's two signed 4-bit values (low nibble first), as float32: one look-up a byte.
_NIBBLES = np.array([[(b & 15) - 8, (b >> 4) - 8] for b in range(256)], dtype=np.float32)


def _dequantised(npz: np.lib.npyio.NpzFile, name: str) -> np.ndarray:
    """Return the float32 array stored under ``name`` (see ``build/export_encoder.py``).

    ``name`` is float16 as it is; or ``name.int8`` (rows × cols) or ``name.int4`` (two signed
    4-bit values a byte, stored plus 8, the low nibble the even column) with ``name.scale``
    (rows × groups, float16): each row is cut into ``groups`` equal runs of columns, each
    with its own scale.
    """
    files = set(npz.files)
    if name in files:
        return npz[name].astype(np.float32)
    scale = npz[f"{name}.scale"].astype(np.float32)
    if f"{name}.int8" in files:
        q = npz[f"{name}.int8"].astype(np.float32)
    else:
        packed = npz[f"{name}.int4"]
        q = _NIBBLES[packed].reshape(packed.shape[0], 2 * packed.shape[1])
    rows, cols = q.shape
    groups = scale.shape[1]
    q.reshape(rows, groups, cols // groups)[...] *= scale[:, :, None]
    return q


def _layer_norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """LayerNorm over the last axis (ε :data:`LAYER_NORM_EPS`), in place."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("...i,...i->...", x, x)[..., None] / x.shape[-1]
    x /= np.sqrt(var + LAYER_NORM_EPS)
    x *= gain
    x += bias
    return x


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's GELU, in its tanh form, in place (within 5e-4 of the exact erf form).

    Computed a block of rows at a time so that the temporaries stay in the cache: about 9
    times faster than the exact form in numpy; the vectors it gives are within cosine 0.99999
    of the exact form's (measured on the 814 clauses and look-ups of the development sets).
    """
    for start in range(0, x.shape[0], _GELU_ROWS):
        block = x[start : start + _GELU_ROWS]
        u = block * block
        u *= np.float32(0.044715)
        u += np.float32(1.0)
        u *= block
        u *= np.float32(0.7978845608028654)  # sqrt(2 / pi)
        np.tanh(u, out=u)
        u += np.float32(1.0)
        block *= np.float32(0.5)
        block *= u
    return x


class _Layer:
    """One transformer layer's weights, float32, matrices transposed for ``x @ w``."""

    def __init__(self, npz: np.lib.npyio.NpzFile, i: int) -> None:
        w = {m: _dequantised(npz, f"layer{i}.{m}.weight") for m in LAYER_MATRICES}
        b = {m: npz[f"layer{i}.{m}.bias"].astype(np.float32) for m in LAYER_MATRICES}
        self.qkv = np.ascontiguousarray(np.concatenate([w["query"], w["key"], w["value"]]).T)
        self.qkv_bias = np.concatenate([b["query"], b["key"], b["value"]])
        self.attn_out = np.ascontiguousarray(w["attention_output"].T)
        self.attn_out_bias = b["attention_output"]
        self.inter = np.ascontiguousarray(w["intermediate"].T)
        self.inter_bias = b["intermediate"]
        self.out = np.ascontiguousarray(w["output"].T)
        self.out_bias = b["output"]
        self.attn_norm = (
            npz[f"layer{i}.attention_norm.weight"].astype(np.float32),
            npz[f"layer{i}.attention_norm.bias"].astype(np.float32),
        )
        self.out_norm = (
            npz[f"layer{i}.output_norm.weight"].astype(np.float32),
            npz[f"layer{i}.output_norm.bias"].astype(np.float32),
        )

    def __call__(self, x: np.ndarray, batch: _Batch) -> np.ndarray:
        """Run the layer on a batch's tokens (``x``: tokens × 384, no padding)."""
        n, length = batch.shape
        head = DIMS // HEADS
        qkv = x @ self.qkv
        qkv += self.qkv_bias
        # Only attention needs the texts side by side: padded there, and nowhere else.
        grid = np.zeros((n * length, 3 * DIMS), dtype=np.float32)
        grid[batch.where] = qkv
        grid = grid.reshape(n, length, 3, HEADS, head)
        # Contiguous heads: numpy's batched matmul calls BLAS only on contiguous blocks.
        q = grid[:, :, 0].transpose(0, 2, 1, 3) * np.float32(head**-0.5)
        k = np.ascontiguousarray(grid[:, :, 1].transpose(0, 2, 3, 1))
        v = np.ascontiguousarray(grid[:, :, 2].transpose(0, 2, 1, 3))
        scores = q @ k  # batch × heads × length × length
        scores += batch.mask_bias
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(n * length, DIMS)[batch.where]
        h = context @ self.attn_out
        h += self.attn_out_bias
        h += x
        x = _layer_norm(h, *self.attn_norm)
        f = x @ self.inter
        f += self.inter_bias
        f = _gelu(f)
        h = f @ self.out
        h += self.out_bias
        h += x
        return _layer_norm(h, *self.out_norm)


@dataclass(frozen=True)
class _Batch:
    """Texts run together: their tokens one after the other, and where they sit when padded.

    Attributes:
        shape: (texts, longest text's tokens).
        where: Each token's place in the padded ``texts × longest`` grid (row-major).
        starts: Where each text's tokens start.
        lengths: Each text's tokens.
        mask_bias: 0 for a token, -1e9 for padding (added to attention scores).
    """

    shape: tuple[int, int]
    where: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray
    mask_bias: np.ndarray

    @classmethod
    def of(cls, lengths: list[int]) -> _Batch:
        """Describe a batch of texts of these lengths."""
        n, length = len(lengths), max(lengths)
        mask = np.arange(length)[None, :] < np.asarray(lengths)[:, None]
        bias = np.where(mask, np.float32(0.0), np.float32(-1e9)).astype(np.float32)
        return cls(
            shape=(n, length),
            where=np.flatnonzero(mask),
            starts=np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64),
            lengths=np.asarray(lengths, dtype=np.float32),
            mask_bias=bias[:, None, None, :],
        )


class SentenceEncoder:
    """all-MiniLM-L6-v2 with its vocabulary, ready to encode (use :meth:`load`)."""

    def __init__(self, npz: np.lib.npyio.NpzFile) -> None:
        """Read and dequantise every weight of an opened encoder file (use :meth:`load`).

        Raises:
            KeyError, ValueError: The file lacks an array or one has the wrong shape.
        """
        tokens = bytes(npz["vocab"]).decode("utf-8").split("\n")
        self.vocab = {tok: i for i, tok in enumerate(tokens)}
        self.unk, self.cls, self.sep = self.vocab[UNK], self.vocab[CLS], self.vocab[SEP]
        kept = np.array([not UNUSED.fullmatch(t) for t in tokens])
        rows = _dequantised(npz, "word_embeddings")
        if rows.shape != (int(kept.sum()), DIMS):
            raise ValueError(f"word_embeddings has {rows.shape[0]} rows for {kept.sum()} tokens")
        self.word_embeddings = np.zeros((len(tokens), DIMS), dtype=np.float32)
        self.word_embeddings[kept] = rows
        # Every text is token type 0: its embedding is added to the positions once here.
        self.positions = npz["position_embeddings"].astype(np.float32)[:MAX_TOKENS] + npz[
            "token_type_embedding"
        ].astype(np.float32)
        if self.positions.shape != (MAX_TOKENS, DIMS):
            raise ValueError(f"position_embeddings has shape {self.positions.shape}")
        self.embedding_norm = (
            npz["embedding_norm.weight"].astype(np.float32),
            npz["embedding_norm.bias"].astype(np.float32),
        )
        self.layers = [_Layer(npz, i) for i in range(LAYERS)]
        self._pieces: dict[str, tuple[int, ...]] = {}

    @classmethod
    def load(cls, folder: Path | None = None) -> SentenceEncoder:
        """Read the encoder after checking its file against :data:`ENCODER_SHA256`.

        Args:
            folder: Where :data:`ENCODER_FILE` is; the bundled ``resources/embeddings/``
                when None.

        Raises:
            ModelError: The file is missing, unreadable or not the pinned one.
        """
        path = (folder or paths.embeddings_dir()) / ENCODER_FILE
        try:
            if sha256_file(path) != ENCODER_SHA256:
                raise ModelError(f"{path} is not the sentence encoder Liaison ships")
            with np.load(path, allow_pickle=False) as npz:
                return cls(npz)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise ModelError(f"cannot read the sentence encoder {path}: {exc}") from exc

    def _word_ids(self, word: str) -> tuple[int, ...]:
        """Return one word's WordPiece ids, ``[UNK]`` alone when it cannot be spelled."""
        ids = self._pieces.get(word)
        if ids is None:
            ids = () if len(word) > MAX_WORD_CHARS else wordpiece(word, self.vocab)
            ids = self._pieces[word] = ids or (self.unk,)
        return ids

    def _piece_ids(self, text: str) -> Iterator[int]:
        """Yield a text's WordPiece ids, special tokens written in it (``[MASK]``) as such."""
        parts = _SPECIAL.split(text) if "[" in text else [text]
        for k, part in enumerate(parts):
            if k % 2:
                yield self.vocab[part]
            else:
                for word in bert_words(part):
                    yield from self._word_ids(word)

    def token_ids(self, text: str) -> list[int]:
        """Return the model's input ids for a text: ``[CLS]``, its pieces, ``[SEP]``.

        At most :data:`MAX_TOKENS` ids; an empty text (nothing but spaces or control
        characters) gives none at all.
        """
        pieces = list(islice(self._piece_ids(text), MAX_TOKENS - 2))
        return [self.cls, *pieces, self.sep] if pieces else []

    def encode(self, texts: Sequence[str], *, batch_tokens: int = 4096) -> np.ndarray:
        """Return one unit vector per text, in order (float32, ``len(texts)`` × 384).

        Texts are run in batches of similar length, each batch at most ``batch_tokens``
        ids padded (or one text): big batches multiply faster. An empty text gives a row of
        zeros.
        """
        ids = [self.token_ids(t) for t in texts]
        out = np.zeros((len(texts), DIMS), dtype=np.float32)
        order = sorted((i for i, x in enumerate(ids) if x), key=lambda i: len(ids[i]))
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and (end + 1 - start) * len(ids[order[end]]) <= batch_tokens:
                end += 1
            batch = order[start:end]
            texts = [ids[i] for i in batch]
            out[batch] = self._run(texts)
            start = end
        return out

    def _run(self, texts: list[list[int]]) -> np.ndarray:
        """Return the unit mean-pooled outputs of id sequences run as one batch."""
        batch = _Batch.of([len(t) for t in texts])
        ids = np.fromiter((i for t in texts for i in t), dtype=np.int64)
        positions = np.concatenate([np.arange(len(t)) for t in texts])
        x = self.word_embeddings[ids] + self.positions[positions]
        x = _layer_norm(x, *self.embedding_norm)
        for layer in self.layers:
            x = layer(x, batch)
        pooled = np.add.reduceat(x, batch.starts, axis=0) / batch.lengths[:, None]
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


_LOADING = threading.Lock()


@lru_cache(maxsize=1)
def _loaded() -> SentenceEncoder:
    return SentenceEncoder.load()


def bundled_encoder() -> SentenceEncoder:
    """Return the bundled encoder, loaded and checked on first use (once, whatever thread)."""
    with _LOADING:
        return _loaded()

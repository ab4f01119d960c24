"""WordPiece, BERT's way of cutting a word into vocabulary pieces.

One function, shared by the static token table (:mod:`db.semantic`), the sentence encoder
(:mod:`db.encoder`) and the development-time scripts that make their files
(``build/distill_embeddings.py``, ``build/export_encoder.py``). Nothing here imports another
module of :mod:`db`.
"""

from __future__ import annotations

from collections.abc import Mapping


def wordpiece(word: str, index: Mapping[str, int]) -> tuple[int, ...]:
    """Split a word as BERT's WordPiece does: greedy longest match first, ``##`` inside.

    Args:
        word: One lower-case word.
        index: The vocabulary: each piece's row.

    Returns:
        The pieces' rows, or ``()`` when some part of the word is no piece.
    """
    pieces, start = [], 0
    while start < len(word):
        end, row = len(word), None
        while start < end:
            row = index.get(word[start:end] if start == 0 else "##" + word[start:end])
            if row is not None:
                break
            end -= 1
        if row is None:
            return ()
        pieces.append(row)
        start = end
    return tuple(pieces)

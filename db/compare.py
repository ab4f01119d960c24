"""Compare two versions of a document (two resolutions on one agenda item), paragraph by paragraph.

Pure functions over passage dicts (``id``, ``kind``, ``number``, ``text``, as the store and
the parser give them); no store, no Qt.

:func:`align` pairs paragraphs by content, not by number: identical texts first, then the
most similar pairs (word-level similarity at least :data:`MATCH_THRESHOLD`), each within
its part of the document (preamble, operative paragraphs with their sub-paragraphs,
footnotes, other text). Each pair is one of :data:`CHANGES`:

* ``same``: same words, same number;
* ``renumbered``: same words, another number (paragraphs were added or dropped before it);
* ``changed``: other words (with a word-level difference), in the same order;
* ``moved``: out of order with the paragraphs around it (the fewest such paragraphs are
  called moved: those outside the longest run kept in order), words possibly changed;
* ``added`` / ``dropped``: only in the new / only in the old version.

:func:`propose_predecessor` proposes the earlier resolution on the same agenda item, and
:func:`to_markdown` writes a comparison for a briefing.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

#: Every kind of change, the one vocabulary of the CLI, the export and the window.
CHANGES = ("same", "renumbered", "changed", "moved", "added", "dropped")

#: Word-level similarity (0–1) from which two paragraphs are the same paragraph, reworded.
MATCH_THRESHOLD = 0.5

#: Which passage kinds are aligned with each other.
_PARTS = {
    "preambular": "preamble",
    "operative": "operative",
    "subparagraph": "operative",
    "footnote": "footnotes",
}

_WORD = re.compile(r"\w+", re.UNICODE)
#: Words (with inner hyphens, apostrophes, slashes, dots) and marks, each with its trailing space.
_TOKEN = re.compile(r"\w+(?:[-'’/.]\w+)*\s*|[^\w\s]\s*|\s+", re.UNICODE)


@dataclass
class Pair:
    """One line of a comparison.

    Attributes:
        old: The old version's passage id, or None (``added``).
        new: The new version's passage id, or None (``dropped``).
        change: One of :data:`CHANGES`.
        diff: For changed words, ``[{"op": "equal" | "delete" | "insert", "text": …}]``
            covering both texts; None when the words are the same or a side is missing.
        similarity: Word-level similarity of the two texts (0 when a side is missing).
        old_number: The old paragraph's number, if any.
        new_number: The new paragraph's number, if any.
        kind: The passage kind (the new side's, else the old side's).
        old_text: The old paragraph's text ("" when added).
        new_text: The new paragraph's text ("" when dropped).
    """

    old: str | None
    new: str | None
    change: str
    diff: list[dict[str, str]] | None = None
    similarity: float = 0.0
    old_number: str | None = None
    new_number: str | None = None
    kind: str = ""
    old_text: str = field(default="", repr=False)
    new_text: str = field(default="", repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"old", "new", "change", "diff"}`` and the numbers and similarity."""
        return {
            "old": self.old,
            "new": self.new,
            "change": self.change,
            "diff": self.diff,
            "old_number": self.old_number,
            "new_number": self.new_number,
            "similarity": round(self.similarity, 3),
        }


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _norm(text: str) -> str:
    return " ".join(text.split())


def similarity(a: str, b: str) -> float:
    """Return how alike two texts are, word by word (1.0 for the same words)."""
    wa, wb = _words(a), _words(b)
    if not wa and not wb:
        return 1.0
    return SequenceMatcher(None, wa, wb, autojunk=False).ratio()


def word_diff(old: str, new: str) -> list[dict[str, str]]:
    """Return the word-level difference of two texts.

    Returns:
        Segments in reading order, ``{"op": "equal" | "delete" | "insert", "text": …}``:
        the ``equal`` and ``delete`` segments spell the old text, ``equal`` and ``insert``
        the new one.
    """
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[dict[str, str]] = []

    def put(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1]["op"] == op:
            out[-1]["text"] += text
        else:
            out.append({"op": op, "text": text})

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            put("equal", "".join(a[i1:i2]))
        else:
            deleted, inserted = "".join(a[i1:i2]), "".join(b[j1:j2])
            space = deleted[len(deleted.rstrip()) :]
            if tag == "replace" and space and inserted.endswith(space):
                # A replaced word keeps its space: "~~seventy-ninth~~ **eighty-first**".
                put("delete", deleted[: -len(space)])
                put("insert", inserted[: -len(space)])
                put("equal", space)
            else:
                put("delete", deleted)
                put("insert", inserted)
    return out


def _longest_increasing(values: list[int]) -> set[int]:
    """Return the indexes (into ``values``) of one longest strictly increasing subsequence."""
    tails: list[int] = []
    tail_at: list[int] = []
    parent = [-1] * len(values)
    for i, v in enumerate(values):
        k = bisect.bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tail_at.append(i)
        else:
            tails[k] = v
            tail_at[k] = i
        parent[i] = tail_at[k - 1] if k else -1
    keep: set[int] = set()
    i = tail_at[-1] if tail_at else -1
    while i >= 0:
        keep.add(i)
        i = parent[i]
    return keep


def _match(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[tuple[int, int, float]]:
    """Pair passages of one part: identical texts, then the most similar (greedy)."""
    pairs: list[tuple[int, int, float]] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    by_text: dict[str, list[int]] = {}
    for j, p in enumerate(new):
        by_text.setdefault(_norm(p["text"]), []).append(j)
    for i, p in enumerate(old):
        js = [j for j in by_text.get(_norm(p["text"]), []) if j not in used_new]
        if js:
            j = min(js, key=lambda j: (p.get("number") != new[j].get("number"), abs(i - j)))
            pairs.append((i, j, 1.0))
            used_old.add(i)
            used_new.add(j)
    words_old = [set(_words(p["text"])) for p in old]
    words_new = [set(_words(p["text"])) for p in new]
    candidates = []
    for i in range(len(old)):
        if i in used_old:
            continue
        for j in range(len(new)):
            if j in used_new:
                continue
            a, b = words_old[i], words_new[j]
            if a and b and len(a & b) / len(a | b) < MATCH_THRESHOLD / 2:
                continue
            s = similarity(old[i]["text"], new[j]["text"])
            if s >= MATCH_THRESHOLD:
                candidates.append((-s, abs(i / max(len(old), 1) - j / max(len(new), 1)), i, j))
    for neg, _dist, i, j in sorted(candidates):
        if i in used_old or j in used_new:
            continue
        pairs.append((i, j, -neg))
        used_old.add(i)
        used_new.add(j)
    return pairs


def align(old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]]) -> list[Pair]:
    """Align two versions' passages by content.

    Args:
        old: The earlier version's passages in order (``id``, ``kind``, ``number``, ``text``).
        new: The later version's passages in order.

    Returns:
        One :class:`Pair` per passage of either side, in the new version's order, each
        dropped paragraph after the paragraph that preceded it in the old version.
    """
    parts: dict[str, tuple[list[int], list[int]]] = {}
    for i, p in enumerate(old):
        parts.setdefault(_PARTS.get(p.get("kind", ""), "other"), ([], []))[0].append(i)
    for j, p in enumerate(new):
        parts.setdefault(_PARTS.get(p.get("kind", ""), "other"), ([], []))[1].append(j)
    matched: list[tuple[int, int, float]] = []
    for olds, news in parts.values():
        local = _match([old[i] for i in olds], [new[j] for j in news])
        matched += [(olds[i], news[j], s) for i, j, s in local]
    matched.sort()
    in_order = _longest_increasing([j for _i, j, _s in matched])
    pairs: list[tuple[tuple[float, int, int], Pair]] = []
    old_to_new: dict[int, int] = {}
    for k, (i, j, s) in enumerate(matched):
        o, n = old[i], new[j]
        same_words = _norm(o["text"]) == _norm(n["text"])
        if k not in in_order:
            change = "moved"
        elif not same_words:
            change = "changed"
        elif o.get("number") == n.get("number"):
            change = "same"
        else:
            change = "renumbered"
        pair = Pair(
            o["id"],
            n["id"],
            change,
            None if same_words else word_diff(o["text"], n["text"]),
            s,
            o.get("number"),
            n.get("number"),
            n.get("kind", ""),
            o["text"],
            n["text"],
        )
        pairs.append(((j, 0, 0), pair))
        old_to_new[i] = j
    new_matched = {j for _i, j, _s in matched}
    for j, n in enumerate(new):
        if j not in new_matched:
            pair = Pair(None, n["id"], "added", None, 0.0, None, n.get("number"), n.get("kind", ""))
            pair.new_text = n["text"]
            pairs.append(((j, 0, 0), pair))
    anchor = -1.0
    for i, o in enumerate(old):
        if i in old_to_new:
            anchor = old_to_new[i]
            continue
        pair = Pair(o["id"], None, "dropped", None, 0.0, o.get("number"), None, o.get("kind", ""))
        pair.old_text = o["text"]
        pairs.append(((anchor, 1, i), pair))
    pairs.sort(key=lambda x: x[0])
    return [p for _key, p in pairs]


def summary(pairs: Sequence[Pair]) -> dict[str, int]:
    """Return how many pairs there are of each kind of change (every kind, zeros included)."""
    counts = dict.fromkeys(CHANGES, 0)
    for p in pairs:
        counts[p.change] += 1
    return counts


def _title_words(doc: dict[str, Any]) -> set[str]:
    meta = doc.get("meta") or {}
    text = " ".join(str(x or "") for x in (doc.get("title"), meta.get("agenda_title")))
    return {w for w in _words(text) if len(w) > 2}


def propose_predecessor(
    document: dict[str, Any], candidates: Sequence[dict[str, Any]], *, threshold: float = 0.6
) -> str | None:
    """Propose the earlier resolution on the same agenda item.

    Candidates are documents of the same kind dated before ``document`` (or, undated, of
    an earlier session). Their title and agenda-item title (from the document metadata)
    are compared word by word with ``document``'s; the most similar at or above
    ``threshold`` wins, the most recent on a tie. Agenda item numbers change from session
    to session, so they only break ties.

    Args:
        document: The later document (``id``, ``kind``, ``title``, ``date``, ``meta``).
        candidates: Documents to choose from (may include ``document`` itself).
        threshold: Least word overlap (Jaccard, 0–1) of the titles.

    Returns:
        The proposed document's id, or None.
    """
    words = _title_words(document)
    meta = document.get("meta") or {}
    best: tuple[float, bool, str, str] | None = None
    for c in candidates:
        if c.get("id") == document.get("id") or c.get("kind") != document.get("kind"):
            continue
        cmeta = c.get("meta") or {}
        earlier = (
            c.get("date") < document.get("date")
            if c.get("date") and document.get("date")
            else (cmeta.get("session") or 0) < (meta.get("session") or 0)
        )
        if not earlier:
            continue
        other = _title_words(c)
        if not words or not other:
            continue
        score = len(words & other) / len(words | other)
        if score < threshold:
            continue
        same_item = bool(meta.get("agenda_item")) and cmeta.get("agenda_item") == meta.get(
            "agenda_item"
        )
        key = (round(score, 2), same_item, c.get("date") or "", c["id"])
        if best is None or key > best:
            best = key
    return best[3] if best else None


def _diff_markdown(diff: list[dict[str, str]]) -> str:
    out = []
    for seg in diff:
        text = seg["text"]
        if seg["op"] == "equal":
            out.append(text)
        elif text.strip():
            mark = "~~" if seg["op"] == "delete" else "**"
            lead = text[: len(text) - len(text.lstrip())]
            if seg["op"] == "insert" and out and out[-1].endswith("~~") and not lead:
                lead = " "
            trail = text[len(text.rstrip()) :]
            out.append(f"{lead}{mark}{text.strip()}{mark}{trail}")
        else:
            out.append(text)
    return "".join(out)


def to_markdown(
    pairs: Sequence[Pair],
    *,
    old_label: str,
    new_label: str,
    citations: dict[str, str] | None = None,
    include_same: bool = False,
) -> str:
    """Write a comparison as Markdown: a summary, then each paragraph that differs.

    Deleted words are struck through (``~~…~~``), inserted words bold (``**…**``).

    Args:
        pairs: The result of :func:`align`.
        old_label: How to name the old version ("A/RES/77/20").
        new_label: How to name the new version.
        citations: Passage id → citation, for headings (default: the numbers).
        include_same: Also list paragraphs whose words did not change.
    """
    citations = citations or {}
    counts = summary(pairs)
    lines = [
        f"# {new_label} compared with {old_label}",
        "",
        ", ".join(f"{n} {c}" for c, n in counts.items()) + ".",
        "",
    ]

    def name(pid: str | None, number: str | None, kind: str) -> str:
        if pid is None:
            return "—"
        if pid in citations:
            return citations[pid]
        if not number:
            return pid
        return f"{'preambular ' if kind == 'preambular' else ''}para. {number}"

    for p in pairs:
        if p.change == "same" and not include_same:
            continue
        if p.change == "renumbered" and not include_same:
            continue
        heading = name(p.new, p.new_number, p.kind) if p.new else name(p.old, p.old_number, p.kind)
        lines.append(f"## {heading} ({p.change})")
        lines.append("")
        if p.change == "added":
            lines.append(f"**{p.new_text}**")
        elif p.change == "dropped":
            lines.append(f"Was {name(p.old, p.old_number, p.kind)}: ~~{p.old_text}~~")
        else:
            lines.append(f"Was {name(p.old, p.old_number, p.kind)}.")
            lines.append("")
            lines.append(_diff_markdown(p.diff) if p.diff else p.new_text)
        lines.append("")
    if not include_same and (counts["same"] or counts["renumbered"]):
        lines.append(
            f"{counts['same'] + counts['renumbered']} paragraphs have the same words "
            "(renumbered ones included) and are not listed."
        )
    return "\n".join(lines).rstrip() + "\n"


__all__ = [
    "CHANGES",
    "MATCH_THRESHOLD",
    "Pair",
    "align",
    "propose_predecessor",
    "similarity",
    "summary",
    "to_markdown",
    "word_diff",
]

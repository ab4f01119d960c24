"""Scoring a search function against ``tests/data/search_eval.toml``.

Shared by the evaluation tests and the benchmark: loading the look-ups,
ranking metrics (success@3 and MRR@10), the plain SQLite FTS5 bm25()
baseline, and the per-category report.
"""

from __future__ import annotations

import sqlite3
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EVAL_FILE = Path(__file__).resolve().parent.parent / "data" / "search_eval.toml"
CATEGORIES = ("keyword", "acronym", "question", "typo", "symbol", "citation", "paraphrase")
#: Success is a relevant passage among the first ``TOP_K`` hits.
TOP_K = 3
#: Reciprocal rank counts hits down to this depth.
DEPTH = 10

#: search(query) -> passage ids, best first.
Ranker = Callable[[str], list[str]]


@dataclass(frozen=True)
class EvalQuery:
    """One look-up of the evaluation set."""

    q: str
    category: str
    relevant: frozenset[str]
    note: str = ""


@dataclass
class Outcome:
    """What a search function returned for one look-up."""

    query: EvalQuery
    ranked: list[str]

    @property
    def rank(self) -> int | None:
        """Return the 1-based rank of the first relevant hit within ``DEPTH``, or None."""
        for i, pid in enumerate(self.ranked[:DEPTH], start=1):
            if pid in self.query.relevant:
                return i
        return None

    @property
    def success(self) -> bool:
        """Return True when a relevant passage is among the first ``TOP_K`` hits."""
        rank = self.rank
        return rank is not None and rank <= TOP_K

    @property
    def reciprocal_rank(self) -> float:
        """Return 1/rank of the first relevant hit, 0 when none is within ``DEPTH``."""
        rank = self.rank
        return 1.0 / rank if rank else 0.0


@dataclass
class Scores:
    """success@3 and MRR@10 over a set of outcomes, overall and per category."""

    outcomes: list[Outcome] = field(default_factory=list)

    @staticmethod
    def _figures(outcomes: list[Outcome]) -> tuple[float, float]:
        if not outcomes:
            return 0.0, 0.0
        n = len(outcomes)
        return (
            sum(o.success for o in outcomes) / n,
            sum(o.reciprocal_rank for o in outcomes) / n,
        )

    @property
    def success_at_3(self) -> float:
        """Return the share of look-ups answered within the first three hits."""
        return self._figures(self.outcomes)[0]

    @property
    def mrr_at_10(self) -> float:
        """Return the mean reciprocal rank of the first relevant hit (depth 10)."""
        return self._figures(self.outcomes)[1]

    def __repr__(self) -> str:
        return (
            f"Scores(n={len(self.outcomes)}, success_at_3={self.success_at_3:.3f}, "
            f"mrr_at_10={self.mrr_at_10:.3f})"
        )

    def by_category(self) -> dict[str, tuple[int, float, float]]:
        """Return ``{category: (count, success@3, MRR@10)}`` in :data:`CATEGORIES` order."""
        out = {}
        for cat in CATEGORIES:
            subset = [o for o in self.outcomes if o.query.category == cat]
            if subset:
                out[cat] = (len(subset), *self._figures(subset))
        return out

    def failures(self) -> list[Outcome]:
        """Return the look-ups with no relevant passage in the first three hits."""
        return [o for o in self.outcomes if not o.success]


def load_eval(path: Path = EVAL_FILE) -> list[EvalQuery]:
    """Read the evaluation set.

    Args:
        path: The TOML file (default: ``tests/data/search_eval.toml``).

    Returns:
        The look-ups in file order.
    """
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        EvalQuery(
            q=raw["q"],
            category=raw["category"],
            relevant=frozenset(raw["relevant"]),
            note=raw.get("note", ""),
        )
        for raw in data["query"]
    ]


def evaluate(queries: Iterable[EvalQuery], ranker: Ranker) -> Scores:
    """Run every look-up through ``ranker`` and score the rankings."""
    return Scores([Outcome(q, ranker(q.q)) for q in queries])


class Fts5Baseline:
    """A plain SQLite FTS5 index of passage text, ranked by its built-in bm25().

    The query is the officer's words, each quoted (so no input is FTS syntax)
    and OR-ed; the tokenizer is ``porter unicode61``. No synonyms, no
    acronyms, no typo correction, no citation look-up.
    """

    def __init__(self, passages: Iterable[dict[str, Any]]) -> None:
        self.conn = sqlite3.connect(":memory:")
        self.conn.execute(
            "CREATE VIRTUAL TABLE fts USING fts5("
            "passage_id UNINDEXED, text, tokenize = 'porter unicode61')"
        )
        self.conn.executemany(
            "INSERT INTO fts (passage_id, text) VALUES (?, ?)",
            ((p["id"], p["text"]) for p in passages),
        )
        self.conn.commit()

    @staticmethod
    def match_expression(text: str) -> str | None:
        """Return the FTS5 MATCH expression for ``text``: its words quoted and OR-ed."""
        words = [w.replace('"', '""') for w in text.split()]
        return " OR ".join(f'"{w}"' for w in words) or None

    def search(self, text: str, limit: int = DEPTH) -> list[str]:
        """Return up to ``limit`` passage ids, best bm25() first."""
        expr = self.match_expression(text)
        if expr is None:
            return []
        rows = self.conn.execute(
            "SELECT passage_id FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT ?",
            (expr, limit),
        )
        return [r[0] for r in rows]

    def close(self) -> None:
        """Close the in-memory database."""
        self.conn.close()


def report(ours: Scores, baseline: Scores) -> str:
    """Return a per-category table of both figures, ours beside the baseline's."""
    head = (
        f"{'category':<11} {'n':>4}  {'S@3 ours':>9} {'S@3 fts5':>9}  "
        f"{'MRR ours':>9} {'MRR fts5':>9}"
    )
    lines = ["Search evaluation (success@3, MRR@10): Liaison vs plain FTS5 bm25()", head]
    lines.append("-" * len(head))
    base = baseline.by_category()
    for cat, (n, s3, mrr) in ours.by_category().items():
        _, bs3, bmrr = base.get(cat, (0, 0.0, 0.0))
        lines.append(f"{cat:<11} {n:>4}  {s3:>9.3f} {bs3:>9.3f}  {mrr:>9.3f} {bmrr:>9.3f}")
    lines.append("-" * len(head))
    lines.append(
        f"{'all':<11} {len(ours.outcomes):>4}  {ours.success_at_3:>9.3f} "
        f"{baseline.success_at_3:>9.3f}  {ours.mrr_at_10:>9.3f} {baseline.mrr_at_10:>9.3f}"
    )
    return "\n".join(lines)


def stage_report(rows: list[tuple[str, Scores, Scores, Scores]]) -> str:
    """Return one line per evaluation set: figures without and with the dense stage.

    Args:
        rows: ``(set name, words only, words and meaning, FTS5 baseline)`` per set.
    """
    head = (
        f"{'set':<30} {'n':>4}  {'S@3 words':>9} {'+meaning':>9} {'fts5':>6}  "
        f"{'MRR words':>9} {'+meaning':>9} {'fts5':>6}"
    )
    lines = ["Search evaluation by set: the words alone, then with the dense (meaning) stage", head]
    lines.append("-" * len(head))
    for name, words, both, fts in rows:
        lines.append(
            f"{name:<30} {len(both.outcomes):>4}  {words.success_at_3:>9.3f} "
            f"{both.success_at_3:>9.3f} {fts.success_at_3:>6.3f}  {words.mrr_at_10:>9.3f} "
            f"{both.mrr_at_10:>9.3f} {fts.mrr_at_10:>6.3f}"
        )
    return "\n".join(lines)


def describe_failures(scores: Scores, limit: int | None = None) -> str:
    """Return one line per failed look-up: query, expected ids, rank found, what came first."""
    lines = []
    for o in scores.failures()[:limit]:
        first = o.ranked[0] if o.ranked else "(no hit)"
        rank = o.rank if o.rank else "-"
        lines.append(
            f"[{o.query.category}] {o.query.q!r}: expected {sorted(o.query.relevant)}, "
            f"rank {rank}, first {first}"
        )
    return "\n".join(lines)

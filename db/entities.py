"""The curated gazetteer of UN entities, INTERPOL capabilities and themes, and the linker.

The gazetteer lives in ``resources/gazetteer/`` as three TOML files a person
can review: ``un_entities.toml`` (the UN system chart), ``capabilities.toml``
and ``themes.toml``. Each ``[[entity]]`` has an ``id``, ``name``,
``acronyms``, ``aliases``, ``former_names``, ``parent`` and descriptive fields.

:class:`Linker` finds every mention of every node in a passage's text:

* names, aliases and former names, case-insensitively, with or without a
  leading "United Nations"/"UN"/"the", a trailing "of the Secretariat", or
  the parent's name in front ("Security Council Counter-Terrorism Committee");
  flexible about spacing, hyphens and curly apostrophes;
* a name with its "United Nations"/"UN" prefix dropped only when what is left
  has two or more words written with capitals (so "police" alone is never
  "United Nations police");
* acronyms only in their exact case, as whole words ("WHO", never "who");
  a possessive ("DPKO’s") still matches;
* ``not_after``: a match preceded by one of these words is not the entity
  ("INTERPOL General Assembly");
* the longest match wins where matches overlap.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db.errors import LiaisonError

TREES = {"un": "un_entities.toml", "capabilities": "capabilities.toml", "themes": "themes.toml"}
TREE_LABELS = {"un": "UN entities", "capabilities": "INTERPOL capabilities", "themes": "Themes"}


class GazetteerError(LiaisonError):
    """The gazetteer data is missing or inconsistent."""


@dataclass
class Node:
    """One entity, capability or theme."""

    id: str
    tree: str
    name: str
    acronyms: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    former_names: list[dict[str, Any]] = field(default_factory=list)
    category: str | None = None
    parent: str | None = None
    status: str = "active"
    closed: int | None = None
    description: str = ""
    note: str | None = None
    not_after: list[str] = field(default_factory=list)
    seq: int = 0

    def all_names(self) -> list[str]:
        """Return the name, aliases and former names (not acronyms)."""
        former = [f["name"] for f in self.former_names if f.get("name")]
        return [self.name, *self.aliases, *former]

    def all_acronyms(self) -> list[str]:
        """Return current and former acronyms."""
        former = [f["acronym"] for f in self.former_names if f.get("acronym")]
        return [*self.acronyms, *former]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of ``liaison entities``."""
        return {
            "id": self.id,
            "tree": self.tree,
            "name": self.name,
            "acronyms": self.acronyms,
            "aliases": self.aliases,
            "former_names": self.former_names,
            "category": self.category,
            "parent": self.parent,
            "status": self.status,
            "closed": self.closed,
            "description": self.description,
        }


class Gazetteer:
    """The three curated trees, checked on load."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self.nodes: dict[str, Node] = {}
        for n in nodes:
            if n.id in self.nodes:
                raise GazetteerError(f"gazetteer: id {n.id!r} is used twice")
            self.nodes[n.id] = n
        self._check()
        self.children: dict[str | None, list[str]] = {}
        for n in sorted(self.nodes.values(), key=lambda n: n.seq):
            self.children.setdefault(n.parent, []).append(n.id)

    @classmethod
    def load(cls, folder: Path) -> Gazetteer:
        """Load every tree file of ``folder`` (a missing file is an empty tree).

        Raises:
            GazetteerError: A file is not valid TOML or the trees are inconsistent.
        """
        nodes: list[Node] = []
        seq = 0
        for tree, filename in TREES.items():
            path = folder / filename
            if not path.is_file():
                continue
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise GazetteerError(f"{filename}: not valid TOML ({exc})") from exc
            for raw in data.get("entity", []):
                seq += 1
                try:
                    nodes.append(_node(raw, tree, seq))
                except (KeyError, TypeError, ValueError) as exc:
                    raise GazetteerError(f"{filename}: entity #{seq}: {exc}") from exc
        return cls(nodes)

    def _check(self) -> None:
        for n in self.nodes.values():
            if n.parent is not None:
                parent = self.nodes.get(n.parent)
                if parent is None:
                    raise GazetteerError(f"gazetteer: {n.id!r} has unknown parent {n.parent!r}")
                if parent.tree != n.tree:
                    raise GazetteerError(
                        f"gazetteer: {n.id!r} and its parent are in different trees"
                    )
            seen = {n.id}
            p = n.parent
            while p is not None:
                if p in seen:
                    raise GazetteerError(f"gazetteer: {n.id!r} is its own ancestor")
                seen.add(p)
                p = self.nodes[p].parent

    def tree(self, tree: str) -> list[Node]:
        """Return a tree's nodes, parents before children, in file order."""
        out: list[Node] = []

        def walk(parent: str | None) -> None:
            for cid in self.children.get(parent, []):
                if self.nodes[cid].tree == tree:
                    out.append(self.nodes[cid])
                    walk(cid)

        walk(None)
        return out

    def descendants(self, node_id: str) -> list[str]:
        """Return the node and every node below it."""
        out = [node_id]
        for cid in self.children.get(node_id, []):
            out.extend(self.descendants(cid))
        return out

    def resolve(self, name: str) -> Node | None:
        """Find a node by id, name, acronym, alias or former name (case-insensitive)."""
        key = _fold(name)
        if not key:
            return None
        for n in self.nodes.values():
            if key == _fold(n.id):
                return n
        for n in self.nodes.values():
            if key in {_fold(x) for x in [*n.all_names(), *n.all_acronyms()]}:
                return n
        stripped = _fold(_strip_un(name))
        for n in self.nodes.values():
            if stripped in {_fold(_strip_un(x)) for x in n.all_names()}:
                return n
        return None


def _node(raw: dict[str, Any], tree: str, seq: int) -> Node:
    closed = raw.get("closed")
    return Node(
        id=str(raw["id"]),
        tree=tree,
        name=str(raw["name"]),
        acronyms=[str(a) for a in raw.get("acronyms", [])],
        aliases=[str(a) for a in raw.get("aliases", [])],
        former_names=[dict(f) for f in raw.get("former_names", [])],
        category=raw.get("category"),
        parent=raw.get("parent"),
        status=str(raw.get("status", "active")),
        closed=int(closed) if closed is not None else None,
        description=str(raw.get("description", "")),
        note=raw.get("note"),
        not_after=[str(w) for w in raw.get("not_after", [])],
        seq=seq,
    )


def _fold(text: str) -> str:
    t = text.replace("’", "'").replace("‐", "-").replace("–", "-").lower()
    return re.sub(r"\s+", " ", t).strip()


_UN_PREFIX = re.compile(r"^(?:the\s+)?(?:united\s+nations|un)\s+", re.IGNORECASE)


def _strip_un(name: str) -> str:
    return _UN_PREFIX.sub("", name.strip())


def _words_pattern(name: str) -> str:
    """Return a regex for a name: flexible white space, hyphens, apostrophes."""
    out = []
    for word in re.split(r"\s+", name.strip()):
        pieces = re.split(r"([-‐–/'’])", word)
        wp = []
        for piece in pieces:
            if piece in ("-", "‐", "–"):
                wp.append(r"\s*[-‐–]?\s*")
            elif piece in ("'", "’"):
                wp.append(r"['’]")
            elif piece == "/":
                wp.append(r"\s*/\s*")
            elif piece:
                wp.append(re.escape(piece))
        out.append("".join(wp))
    return r"\s+".join(out)


_PREFIX = r"(?:(?:the\s+)?(?:United\s+Nations|UN)(?:['’]s)?\s+)?"
_PREFIX_REQUIRED = r"(?:the\s+)?(?:United\s+Nations|UN)(?:['’]s)?\s+"
_SUFFIX = r"(?:\s+of\s+the\s+(?:United\s+Nations\s+)?Secretariat)?"


@dataclass(frozen=True)
class Mention:
    """A node named in a text, with its character span."""

    node_id: str
    tree: str
    start: int
    end: int
    surface: str


def _needle(name: str, keep_case: bool = False) -> tuple[str, ...]:
    """Return the literal words every match of ``name`` must contain (only separators vary).

    Lowercase unless ``keep_case`` (acronyms match in their exact case).
    """
    words = [w for w in re.split(r"[^\w]+", name) if len(w) >= 2]
    return tuple(dict.fromkeys(w if keep_case else w.lower() for w in words))


def _is_capitalised(text: str) -> bool:
    words = [w for w in re.split(r"[\s\-‐–]+", text) if len(w) > 3]
    return bool(words) and all(w[0].isupper() or not w[0].isalpha() for w in words)


class Linker:
    """Finds mentions of gazetteer nodes in passage text."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        # (compiled regex, node, needs_capitals, needle, needle is case-sensitive)
        self._patterns: list[tuple[re.Pattern[str], Node, bool, tuple[str, ...], bool]] = []
        for node in gazetteer.nodes.values():
            parent_names: list[str] = []
            if node.parent:
                parent = gazetteer.nodes[node.parent]
                if parent.parent is not None:  # not a root ("United Nations" is the prefix rule)
                    parent_names = [_strip_un(x) for x in parent.all_names()]
            parent_alt = "|".join(_words_pattern(p) for p in parent_names if len(p.split()) >= 2)
            parent_prefix = f"(?:(?:{parent_alt})\\s+)?" if parent_alt else ""
            for name in dict.fromkeys(node.all_names()):
                core = _strip_un(name)
                if core != name.strip():
                    # "United Nations police" is also "UN police" (the prefix is required
                    # here), and, when what is left is a capitalised name of two or more
                    # words, also the name without the prefix ("Office on Drugs and Crime").
                    full = rf"{_PREFIX_REQUIRED}{_words_pattern(core)}"
                    if len(core.split()) >= 2:
                        self._add(
                            rf"(?<!\w){parent_prefix}(?:{_words_pattern(core)}){_SUFFIX}(?![\w-])",
                            node,
                            re.IGNORECASE,
                            True,
                            _needle(core),
                        )
                else:
                    full = rf"{_PREFIX}{_words_pattern(name)}"
                self._add(
                    rf"(?<!\w){parent_prefix}(?:{full}){_SUFFIX}(?![\w-])",
                    node,
                    re.IGNORECASE,
                    False,
                    _needle(core),
                )
            for acr in dict.fromkeys(node.all_acronyms()):
                self._add(
                    rf"(?<!\w){_words_pattern(acr)}(?!\w)",
                    node,
                    0,
                    False,
                    _needle(acr, keep_case=True),
                    True,
                )

    def _add(
        self,
        pattern: str,
        node: Node,
        flags: int,
        capitals: bool,
        needle: tuple[str, ...],
        case_sensitive: bool = False,
    ) -> None:
        self._patterns.append((re.compile(pattern, flags), node, capitals, needle, case_sensitive))

    def find(self, text: str, trees: Iterable[str] | None = None) -> list[Mention]:
        """Return the mentions in ``text``, in order, the longest winning overlaps.

        Args:
            text: A passage's clean text.
            trees: Only nodes of these trees (default: all).
        """
        wanted = set(trees) if trees is not None else None
        cands: list[tuple[int, int, Node]] = []
        lower = text.lower()
        for rx, node, capitals, needle, case_sensitive in self._patterns:
            if wanted is not None and node.tree not in wanted:
                continue
            # Every match contains these words literally: skip the regex when one is absent.
            haystack = text if case_sensitive else lower
            if any(w not in haystack for w in needle):
                continue
            for m in rx.finditer(text):
                s, e = m.start(), m.end()
                if capitals and not _is_capitalised(m.group(0)):
                    continue
                s = _skip_article(text, s, e)
                if node.not_after and _preceded_by(text, s, node.not_after):
                    continue
                cands.append((s, e, node))
        # Longest first, then earliest; mentions of different trees may overlap.
        cands.sort(key=lambda c: (-(c[1] - c[0]), c[0], c[2].seq))
        taken: dict[str, list[tuple[int, int]]] = {}
        out: list[Mention] = []
        for s, e, node in cands:
            spans = taken.setdefault(node.tree, [])
            if any(s < te and ts < e for ts, te in spans):
                continue
            spans.append((s, e))
            out.append(Mention(node.id, node.tree, s, e, text[s:e]))
        out.sort(key=lambda m: (m.start, m.tree))
        return out


def _skip_article(text: str, s: int, e: int) -> int:
    m = re.match(r"the\s+", text[s:e], re.IGNORECASE)
    return s + m.end() if m and s + m.end() < e else s


def _preceded_by(text: str, start: int, words: list[str]) -> bool:
    before = text[max(0, start - 80) : start].rstrip()
    return any(re.search(rf"(?<!\w){re.escape(w)}$", before, re.IGNORECASE) for w in words)

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
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from db.errors import GazetteerError

TREES = {"un": "un_entities.toml", "capabilities": "capabilities.toml", "themes": "themes.toml"}
TREE_LABELS = {"un": "UN entities", "capabilities": "INTERPOL capabilities", "themes": "Themes"}


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


def _lead(name: str) -> str | None:
    """Return the word characters every match of ``_words_pattern(name)`` starts with.

    That is the start of the name's first piece, which the pattern spells literally
    (one character of text for each). None when the name starts with a separator
    or another non-word character: its pattern has no such fixed start.
    """
    first_word = re.split(r"\s+", name.strip())[0]
    first_piece = re.split(r"([-‐–/'’])", first_word)[0]
    m = re.match(r"\w+", first_piece)
    return m.group(0) if m else None


_PREFIX_REQUIRED = r"(?:the\s+)?(?:United\s+Nations|UN)(?:['’]s)?\s+"
_PREFIX = rf"(?:{_PREFIX_REQUIRED})?"
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


_WORD_SEPARATORS = re.compile(r"[\s\-‐–]+")


def _is_capitalised(text: str) -> bool:
    words = [w for w in _WORD_SEPARATORS.split(text) if len(w) > 3]
    return bool(words) and all(w[0].isupper() or not w[0].isalpha() for w in words)


class _Pattern(NamedTuple):
    """One regex of the linker and what lets find() skip it or most of the text."""

    rx: re.Pattern[str]
    node: Node
    # A match must be written with capitals (see _is_capitalised).
    capitals: bool
    # Words every match contains literally (lowercase unless case_sensitive).
    needle: tuple[str, ...]
    case_sensitive: bool
    # Every match starts with one of these words (lowercase unless case_sensitive),
    # or, if ``prefixed``, with the "United Nations"/"UN" prefix; None: anywhere.
    leads: tuple[str, ...] | None
    prefixed: bool


class Linker:
    """Finds mentions of gazetteer nodes in passage text.

    The regexes are many and a passage names few nodes, so :meth:`find` tries only
    the patterns whose key needle word occurs in the passage (:class:`_KeyIndex`),
    each only where one of its matches can start (:class:`_Starts`). Both are
    exact: the mentions are those of trying every pattern at every position.
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._patterns: list[_Pattern] = []
        for node in gazetteer.nodes.values():
            parent_names: list[str] = []
            if node.parent:
                parent = gazetteer.nodes[node.parent]
                if parent.parent is not None:  # not a root ("United Nations" is the prefix rule)
                    parent_names = [_strip_un(x) for x in parent.all_names()]
            parent_names = [p for p in parent_names if len(p.split()) >= 2]
            parent_alt = "|".join(_words_pattern(p) for p in parent_names)
            parent_prefix = f"(?:(?:{parent_alt})\\s+)?" if parent_alt else ""
            parent_leads = [_lead(p) for p in parent_names]
            for name in dict.fromkeys(node.all_names()):
                core = _strip_un(name)
                if core != name.strip():
                    # "United Nations police" is also "UN police" (the prefix is required
                    # here), and, when what is left is a capitalised name of two or more
                    # words, also the name without the prefix ("Office on Drugs and Crime").
                    full = rf"{_PREFIX_REQUIRED}{_words_pattern(core)}"
                    full_leads = parent_leads
                    if len(core.split()) >= 2:
                        self._add(
                            rf"(?<!\w){parent_prefix}(?:{_words_pattern(core)}){_SUFFIX}(?![\w-])",
                            node,
                            re.IGNORECASE,
                            True,
                            _needle(core),
                            [*parent_leads, _lead(core)],
                        )
                else:
                    full = rf"{_PREFIX}{_words_pattern(name)}"
                    full_leads = [*parent_leads, _lead(name)]
                self._add(
                    rf"(?<!\w){parent_prefix}(?:{full}){_SUFFIX}(?![\w-])",
                    node,
                    re.IGNORECASE,
                    False,
                    _needle(core),
                    full_leads,
                    prefixed=True,
                )
            for acr in dict.fromkeys(node.all_acronyms()):
                self._add(
                    rf"(?<!\w){_words_pattern(acr)}(?!\w)",
                    node,
                    0,
                    False,
                    _needle(acr, keep_case=True),
                    [_lead(acr)],
                    case_sensitive=True,
                )
        self._index_needles()

    def _add(
        self,
        pattern: str,
        node: Node,
        flags: int,
        capitals: bool,
        needle: tuple[str, ...],
        leads: list[str | None],
        case_sensitive: bool = False,
        prefixed: bool = False,
    ) -> None:
        """Compile a pattern.

        Args:
            pattern: The regex.
            node: The node it names.
            flags: Regex flags: ``re.IGNORECASE`` or 0 (then ``case_sensitive``).
            capitals: A match counts only if written with capitals.
            needle: Words every match contains.
            leads: The words a match can start with (see :func:`_lead`), apart
                from the "United Nations"/"UN" prefix when ``prefixed``.
            case_sensitive: The needle and the leads keep their case.
            prefixed: A match can start with the "United Nations"/"UN" prefix.
        """
        kept: tuple[str, ...] | None = None
        # Case-insensitive leads are sought in the lowercase text, which _Starts can
        # vouch for with ASCII leads only; a pattern with any other is tried everywhere.
        if all(w is not None and (case_sensitive or w.isascii()) for w in leads):
            # A lead that begins with another is dropped: the other's places include its.
            words = {w if case_sensitive else w.lower() for w in leads if w is not None}
            kept = tuple(sorted(w for w in words if not any(w.startswith(v) for v in words - {w})))
        self._patterns.append(
            _Pattern(
                re.compile(pattern, flags),
                node,
                capitals,
                needle,
                case_sensitive,
                kept,
                prefixed,
            )
        )

    def _index_needles(self) -> None:
        """File every pattern under one word of its needle, so find() tries only a few.

        The word is the one fewest other needles share, short words last ("of",
        "and", "UN" are in most passages): it is the word most likely to be absent.
        A pattern without a usable word is tried on every passage.
        """
        shared = Counter(w for p in self._patterns for w in p.needle)
        self._lower_index = _KeyIndex()
        self._cased_index = _KeyIndex()
        self._always: list[int] = []
        for i, p in enumerate(self._patterns):
            words = [w for w in p.needle if _WORD_RUN.fullmatch(w)]
            if not words:
                self._always.append(i)
                continue
            key = min(words, key=lambda w: (len(w) < 4, shared[w], -len(w), w))
            (self._cased_index if p.case_sensitive else self._lower_index).add(key, i)

    def find(self, text: str, trees: Iterable[str] | None = None) -> list[Mention]:
        """Return the mentions in ``text``, in order, the longest winning overlaps.

        Args:
            text: A passage's clean text.
            trees: Only nodes of these trees (default: all).
        """
        lower = text.lower()
        return self._link(text, lower, trees, self._candidates(text, lower), _Starts(text, lower))

    def _candidates(self, text: str, lower: str) -> list[int]:
        """Return, in order, the patterns whose key word occurs in the text.

        Every pattern that passes the needle test of :meth:`_link` is among them
        (its key word is one of its needle words), and most others are not.
        """
        found = set(self._always)
        self._lower_index.collect(lower, found)
        self._cased_index.collect(text, found)
        return sorted(found)

    def _link(
        self,
        text: str,
        lower: str,
        trees: Iterable[str] | None,
        candidates: Iterable[int],
        starts: _Starts | None,
    ) -> list[Mention]:
        """Return the mentions that the ``candidates`` patterns find in ``text``.

        Args:
            text: A passage's clean text.
            lower: ``text.lower()``.
            trees: Only nodes of these trees (default: all).
            candidates: Indices into the patterns, in order; all of them and no
                ``starts`` give the plain scan that :meth:`find` shortens.
            starts: Where in ``text`` matches can start; None: try everywhere.
        """
        wanted = set(trees) if trees is not None else None
        cands: list[tuple[int, int, Node]] = []
        patterns = self._patterns
        for i in candidates:
            rx, node, capitals, needle, case_sensitive, leads, prefixed = patterns[i]
            if wanted is not None and node.tree not in wanted:
                continue
            # Every match contains these words literally: skip the regex when one is absent.
            haystack = text if case_sensitive else lower
            if any(w not in haystack for w in needle):
                continue
            if starts is None or leads is None:
                matches: Iterable[re.Match[str]] = rx.finditer(text)
            else:
                matches = _matches_from(rx, text, starts.of(leads, case_sensitive, prefixed))
            for m in matches:
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


def _matches_from(rx: re.Pattern[str], text: str, starts: list[int] | None) -> list[re.Match[str]]:
    """Return ``list(rx.finditer(text))``, trying only the given start positions.

    finditer tries each position in turn from where its last match ended; trying
    only ``starts`` (ascending) finds the same matches when no match can start
    anywhere else (``rx.match(text, i)`` is finditer's try at ``i``: a look-behind
    still sees the text before ``i``). An empty match (finditer has its own rules
    for those) or no ``starts`` at all falls back on finditer.
    """
    if starts is None:
        return list(rx.finditer(text))
    out: list[re.Match[str]] = []
    end = 0
    for i in starts:
        if i < end:
            continue
        m = rx.match(text, i)
        if m is not None:
            end = m.end()
            if end == i:
                return list(rx.finditer(text))
            out.append(m)
    return out


# Where the "United Nations"/"UN" prefix of a name starts, as a pattern sees it.
_PREFIX_START = re.compile(rf"(?<!\w)(?={_PREFIX_REQUIRED})", re.IGNORECASE)
# Ignoring case, a few characters other than ASCII match an ASCII letter ("K", the
# Kelvin sign, matches "k"); this finds them (and ASCII word characters).
_ASCII_WORD_IGNORING_CASE = re.compile(r"[0-9A-Z_a-z]", re.IGNORECASE)
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


class _Starts:
    """Where in a passage the matches of a pattern can start, for :func:`_matches_from`.

    A match starts with one of its pattern's leads (or the UN prefix), spelt in
    the text one character for each; ignoring case, an ASCII letter is matched
    only by itself in either case, unless the text holds one of the few other
    characters that match it. Without those, and with ``text.lower()`` as long
    as the text (so positions agree), every match of a case-insensitive lead is
    an occurrence of the lowercase lead in the lowercase text; otherwise such
    patterns are tried everywhere. Case-sensitive leads (acronyms) are sought in
    the text as they are; the prefix, with its own regex.
    """

    def __init__(self, text: str, lower: str) -> None:
        self._text = text
        self._lower = lower
        self._lowercase_ok = len(lower) == len(text) and (
            text.isascii()
            or not any(_ASCII_WORD_IGNORING_CASE.match(c) for c in set(_NOT_ASCII.findall(text)))
        )
        self._occurring: dict[tuple[str, bool], list[int]] = {}
        self._prefix: list[int] | None = None

    def of(self, leads: tuple[str, ...], case_sensitive: bool, prefixed: bool) -> list[int] | None:
        """Return where a pattern's matches can start, ascending (None: anywhere)."""
        if not case_sensitive and not self._lowercase_ok:
            return None
        lists = [self._occurrences(w, case_sensitive) for w in leads]
        if prefixed:
            if self._prefix is None:
                self._prefix = [m.start() for m in _PREFIX_START.finditer(self._text)]
            lists.append(self._prefix)
        if len(lists) == 1:
            return lists[0]
        return sorted({i for positions in lists for i in positions})

    def _occurrences(self, word: str, case_sensitive: bool) -> list[int]:
        """Return where ``word`` occurs (overlaps too) in the text or its lowercase."""
        positions = self._occurring.get((word, case_sensitive))
        if positions is None:
            haystack = self._text if case_sensitive else self._lower
            positions = []
            i = haystack.find(word)
            while i >= 0:
                positions.append(i)
                i = haystack.find(word, i + 1)
            self._occurring[(word, case_sensitive)] = positions
        return positions


# A needle word is cut out of a name at non-word characters, so it is a run of word
# characters, and wherever it occurs in a text, even inside a longer word ("police"
# in "policewoman"), it lies within one maximal run of word characters of that text.
_WORD_RUN = re.compile(r"\w+")
# How many distinct runs a _KeyIndex remembers (a corpus has some tens of thousands),
# and the longest it remembers (a longer one is rare: a number, a pasted code).
_RUN_CACHE_SIZE = 100_000
_RUN_CACHE_LONGEST = 64


class _KeyIndex:
    """Patterns filed under a key word, and which key words occur in a text.

    A key word occurs in a text, as a substring, exactly when it occurs in one of
    the text's runs of word characters. A run's key words are found once, by
    looking up each of its substrings of a key word's length, and remembered:
    the same words come back passage after passage, and most hold no key word.
    """

    def __init__(self) -> None:
        self._by_key: dict[str, list[int]] = {}
        self._lengths: list[int] = []
        # The runs already looked at, and the patterns of those that hold a key word;
        # one tuple, replaced rather than emptied, so that a thread sharing the
        # linker never sees one without the other.
        self._memory: tuple[set[str], dict[str, tuple[int, ...]]] = (set(), {})

    def add(self, key: str, index: int) -> None:
        """File pattern ``index`` under ``key`` (a run of word characters)."""
        self._by_key.setdefault(key, []).append(index)
        self._lengths = sorted({len(k) for k in self._by_key})
        self._memory = (set(), {})

    def collect(self, haystack: str, found: set[int]) -> None:
        """Add to ``found`` every pattern whose key word occurs in ``haystack``."""
        if not self._by_key:
            return
        runs = set(_WORD_RUN.findall(haystack))
        seen, hits = self._memory
        new = runs.difference(seen)
        if len(seen) + len(new) > _RUN_CACHE_SIZE:
            # Forget all earlier passages, and take this one in afresh.
            seen, hits = self._memory = (set(), {})
            new = runs
        for run in new:
            patterns = self._patterns_in(run)
            if len(run) > _RUN_CACHE_LONGEST:
                found.update(patterns)
                continue
            if patterns:
                hits[run] = patterns
            seen.add(run)  # after hits: a run seen is a run whose hits are known
        # Set operations in C: a dict's keys view intersected with a set walks the set.
        for run in hits.keys() & runs:
            found.update(hits[run])

    def _patterns_in(self, run: str) -> tuple[int, ...]:
        """Return the patterns filed under a key word that occurs in ``run``."""
        by_key = self._by_key
        n = len(run)
        hits: list[int] = []
        if n * len(self._lengths) > len(by_key):
            # A long run: testing each key word is cheaper than each substring.
            for key, indices in by_key.items():
                if key in run:
                    hits.extend(indices)
            return tuple(hits)
        for size in self._lengths:
            if size > n:
                break
            for i in range(n - size + 1):
                indices = by_key.get(run[i : i + size])
                if indices is not None:
                    hits.extend(indices)
        return tuple(hits)


_ARTICLE = re.compile(r"the\s+", re.IGNORECASE)


def _skip_article(text: str, s: int, e: int) -> int:
    # Matching within text[s:e] in place is matching the slice (no anchors, no look-behind).
    m = _ARTICLE.match(text, s, e)
    return m.end() if m and m.end() < e else s


def _preceded_by(text: str, start: int, words: list[str]) -> bool:
    before = text[max(0, start - 80) : start].rstrip()
    return any(re.search(rf"(?<!\w){re.escape(w)}$", before, re.IGNORECASE) for w in words)

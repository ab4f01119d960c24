"""Item models: the tree pane's outline and entity trees, and the search results list.

:class:`TreeModel` is a real :class:`QAbstractItemModel` over :class:`TreeNode`
objects; the builders turn the library's documents and entity lists into nodes.
:class:`ResultsModel` is a :class:`QAbstractListModel` over search hits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from db.labels import MATCH_MEANING, MEANING_LABEL
from desktop.app.viewer import plain_tooltip

NODE_ROLE = Qt.ItemDataRole.UserRole + 1
"""Role returning the :class:`TreeNode` behind an index."""
FILTER_ROLE = Qt.ItemDataRole.UserRole + 2
"""Role returning the text the tree filter matches (name, acronyms, aliases)."""
HIT_ROLE = Qt.ItemDataRole.UserRole + 10
"""Role returning the search hit behind a result row."""
PASSAGE_ID_ROLE = Qt.ItemDataRole.UserRole + 11
"""Role returning a result row's passage id."""

ModelIndex = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)
class TreeNode:
    """One row of a tree.

    Attributes:
        key: Unique within its tree ("doc:ID", "passage:ID", "entity:ID", …).
        label: What the row shows.
        kind: "document", "section", "passage" or "entity".
        ref: The document, passage or entity id the row stands for.
        count: The passage count shown in the second column (None: blank).
        search_text: What the tree filter matches.
        tooltip: The row's tooltip.
        muted: Shown in italics (a former or renamed entity).
        first_passage: For a section, the passage to open when it is chosen.
        badge: A word shown after the label in brackets ("imported"), or "".
    """

    key: str
    label: str
    kind: str
    ref: str
    count: int | None = None
    search_text: str = ""
    tooltip: str = ""
    muted: bool = False
    first_passage: str | None = None
    badge: str = ""
    children: list[TreeNode] = field(default_factory=list)
    parent: TreeNode | None = None
    row: int = 0

    def add(self, child: TreeNode) -> TreeNode:
        """Append ``child`` and return it."""
        child.parent = self
        child.row = len(self.children)
        self.children.append(child)
        return child

    def document_node(self) -> TreeNode | None:
        """Return the document row this row belongs to (itself for a document), or None."""
        node: TreeNode | None = self
        while node is not None and node.kind != "document":
            node = node.parent
        return node

    def walk(self) -> Iterable[TreeNode]:
        """Yield this node and its descendants, depth first."""
        yield self
        for c in self.children:
            yield from c.walk()


class TreeModel(QAbstractItemModel):
    """A two-column tree (name, passage count) over :class:`TreeNode` roots."""

    COLUMNS = ("Name", "Passages")

    def __init__(self, roots: Sequence[TreeNode] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = TreeNode("", "", "root", "")
        self._by_key: dict[str, TreeNode] = {}
        self._set_roots(roots)

    def set_roots(self, roots: Sequence[TreeNode]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._set_roots(roots)
        self.endResetModel()

    def _set_roots(self, roots: Sequence[TreeNode]) -> None:
        self._root = TreeNode("", "", "root", "")
        for r in roots:
            self._root.add(r)
        self._by_key = {n.key: n for r in self._root.children for n in r.walk()}

    def node(self, index: ModelIndex) -> TreeNode | None:
        """Return the node behind ``index`` (None for the invisible root)."""
        if not index.isValid():
            return None
        return index.internalPointer()

    def find(self, key: str) -> QModelIndex:
        """Return the index of the node with ``key`` (invalid when there is none)."""
        node = self._by_key.get(key)
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def is_empty(self) -> bool:
        """Return True when the tree has no rows."""
        return not self._root.children

    # -- Qt overrides ----------------------------------------------------------

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        """Return the index of a child row."""
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        parent_node = self.node(parent) or self._root
        return self.createIndex(row, column, parent_node.children[row])

    def parent(self, *args: Any) -> Any:  # type: ignore[override]
        """Return the parent of an index (or, with no argument, the QObject parent)."""
        if not args:
            return super().parent()
        node = self.node(args[0])
        if node is None or node.parent is None or node.parent is self._root:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Return how many children ``parent`` has."""
        if parent.isValid() and parent.column() != 0:
            return 0
        node = self.node(parent) or self._root
        return len(node.children)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Return the number of columns (name, count)."""
        return len(self.COLUMNS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return the data of one cell."""
        node = self.node(index)
        if node is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return f"{node.label}  ({node.badge})" if node.badge else node.label
            return "" if node.count is None else str(node.count)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(node.tooltip or node.label)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and (node.muted or node.kind == "document"):
            font = QFont()
            font.setItalic(node.muted or bool(node.badge))
            font.setBold(node.kind == "document")
            return font
        if role == NODE_ROLE:
            return node
        if role == FILTER_ROLE:
            return node.search_text or node.label
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Return the column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(self.COLUMNS):
                return self.COLUMNS[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """Rows are selectable, never editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


# -- builders ------------------------------------------------------------------

_SUB_NUMBER = re.compile(r"\(([^()]+)\)$")


def _words(text: str, n: int = 7) -> str:
    words = text.split()
    return " ".join(words[:n]) + ("…" if len(words) > n else "")


def passage_label(p: dict[str, Any], position: int) -> str:
    """Return a passage's outline label: its number and opening words.

    Args:
        p: The passage (as in ``Library.document(...)["passages_list"]``).
        position: Its 1-based position among its siblings (for unnumbered kinds).
    """
    kind, number, text = p["kind"], p.get("number"), p.get("text") or ""
    opening = p.get("opening") or _words(text, 6)
    if kind == "preambular":
        return f"PP{number}  {opening}"
    if kind == "operative":
        return f"{number}.  {opening}"
    if kind == "subparagraph":
        m = _SUB_NUMBER.search(number or "")
        return f"({m.group(1)})  {_words(text, 6)}" if m else f"{number}  {_words(text, 6)}"
    if kind == "footnote":
        return f"Footnote {number}  {_words(text, 5)}"
    if kind == "list_item":
        return f"•  {_words(text, 7)}"
    return f"¶{position}  {_words(text, 7)}"


def document_label(doc: dict[str, Any]) -> str:
    """Return how a document is named in the tree (its symbol, or its title)."""
    return doc.get("symbol") or doc["title"]


def document_outline(documents: Sequence[dict[str, Any]]) -> list[TreeNode]:
    """Build the documents tab: each document's sections and passages.

    Args:
        documents: Documents as returned by ``Library.document(id)`` (with ``passages_list``).

    Returns:
        One root node per document. A section groups the passages under one
        heading; a sub-paragraph sits under its paragraph ("para. 17").
    """
    roots = []
    for doc in documents:
        passages = doc.get("passages_list") or []
        facts = " · ".join(str(x) for x in (doc.get("symbol"), doc["title"], doc.get("date")) if x)
        imported = doc.get("origin") == "imported"
        if imported:
            files = ", ".join(s["file"] for s in doc.get("sources") or [])
            facts += f"\nImported by you from {files}" if files else "\nImported by you"
        root = TreeNode(
            key=f"doc:{doc['id']}",
            label=document_label(doc),
            kind="document",
            ref=doc["id"],
            count=len(passages),
            search_text=f"{doc['title']} {doc.get('symbol') or ''}",
            tooltip=facts,
            badge="imported" if imported else "",
        )
        sections: dict[tuple[str, ...], TreeNode] = {}
        by_para: dict[tuple[str, str], TreeNode] = {}
        for p in passages:
            path = tuple(p.get("heading_path") or [])
            parent = root
            if path:
                top = path[:1]
                if top not in sections:
                    sections[top] = root.add(
                        TreeNode(
                            key=f"section:{doc['id']}:{'/'.join(top)}",
                            label=top[0],
                            kind="section",
                            ref=doc["id"],
                            tooltip=top[0],
                            first_passage=p["id"],
                        )
                    )
                parent = sections[top]
                for depth in range(2, len(path) + 1):
                    sub = path[:depth]
                    owner = by_para.get((path[0], sub[-1]))
                    if owner is not None:
                        parent = owner
                        continue
                    if sub not in sections:
                        sections[sub] = parent.add(
                            TreeNode(
                                key=f"section:{doc['id']}:{'/'.join(sub)}",
                                label=sub[-1],
                                kind="section",
                                ref=doc["id"],
                                tooltip=" › ".join(sub),
                                first_passage=p["id"],
                            )
                        )
                    parent = sections[sub]
            node = parent.add(
                TreeNode(
                    key=f"passage:{p['id']}",
                    label=passage_label(p, len(parent.children) + 1),
                    kind="passage",
                    ref=p["id"],
                    search_text=p.get("text") or "",
                    tooltip=p.get("citation") or "",
                )
            )
            if p.get("number") and path:
                by_para[(path[0], f"para. {p['number']}")] = node
        for n in root.walk():
            if n.kind == "section":
                n.count = sum(1 for d in n.walk() if d.kind == "passage")
            elif n.kind == "passage" and n.children:
                n.count = len(n.children)
        roots.append(root)
    return roots


def _former(f: Any) -> str:
    """Return "Department of Peacekeeping Operations (DPKO), until 2019" for a former name."""
    if not isinstance(f, dict):
        return str(f)
    text = str(f.get("name", ""))
    if f.get("acronym"):
        text += f" ({f['acronym']})"
    if f.get("until"):
        text += f", until {f['until']}"
    return text


def entity_nodes(tree: str, flat: Sequence[dict[str, Any]]) -> list[TreeNode]:
    """Build an entity tree from the flat node list of ``Library.entity_tree(tree)``.

    Args:
        tree: "un", "capabilities" or "themes" (part of each node's key).
        flat: Nodes with id, name, acronyms, aliases, category, parent, status, passages, total.

    Returns:
        The root nodes; a node whose parent is unknown becomes a root.
    """
    nodes: dict[str, TreeNode] = {}
    for e in flat:
        acronyms = [a for a in (e.get("acronyms") or []) if a]
        aliases = [a for a in (e.get("aliases") or []) if a]
        former = [_former(f) for f in (e.get("former_names") or []) if f]
        label = e["name"] + (
            f" ({', '.join(acronyms)})" if acronyms and acronyms[0] not in e["name"] else ""
        )
        status = e.get("status") or ""
        tip = [e["name"]]
        if acronyms:
            tip.append("Acronyms: " + ", ".join(acronyms))
        if e.get("description"):
            tip.append(str(e["description"]))
        if aliases:
            tip.append("Also: " + ", ".join(aliases))
        if former:
            tip.append("Formerly: " + ", ".join(former))
        if e.get("category"):
            # "secretariat_office" is the catalog's key; the officer reads "Secretariat office".
            tip.append(f"Category: {str(e['category']).replace('_', ' ').capitalize()}")
        if status and status not in ("active", "current"):
            tip.append(f"Status: {status}" + (f" ({e['closed']})" if e.get("closed") else ""))
        tip.append(
            f"{e.get('passages', 0)} passages linked to it; {e.get('total', 0)} with its parts"
        )
        nodes[e["id"]] = TreeNode(
            key=f"entity:{e['id']}",
            label=label,
            kind="entity",
            ref=e["id"],
            count=e.get("total", e.get("passages")),
            search_text=" ".join([e["name"], *acronyms, *aliases, *former]),
            tooltip="\n".join(tip),
            muted=bool(status) and status not in ("active", "current"),
        )
    roots: list[TreeNode] = []
    for e in flat:
        node = nodes[e["id"]]
        parent = nodes.get(e.get("parent") or "")
        if parent is None or parent is node:
            roots.append(node)
        else:
            parent.add(node)
    for i, r in enumerate(roots):
        r.row = i
    return roots


# -- results -------------------------------------------------------------------


class ResultsModel(QAbstractListModel):
    """The hits of the latest search, best first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[Any] = []

    def set_hits(self, hits: Sequence[Any]) -> None:
        """Replace the rows with ``hits`` (objects like :class:`db.search.Hit`)."""
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> Any | None:
        """Return the hit in ``row``, or None."""
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Return the number of hits (a list has no children)."""
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return one hit's data."""
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        h = self._hits[index.row()]
        why = f" ({MEANING_LABEL})" if getattr(h, "match", None) == MATCH_MEANING else ""
        if role == Qt.ItemDataRole.DisplayRole:
            snippet = "".join(text for text, _marked in h.parts())
            return f"{h.citation}{why}\n{snippet}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{h.citation}{why}. {h.text}"
        if role == HIT_ROLE:
            return h
        if role == PASSAGE_ID_ROLE:
            return h.passage_id
        return None

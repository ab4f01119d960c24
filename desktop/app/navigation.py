"""Going from one pane to another: what choosing a tree node or following an entity does.

:class:`Navigation` turns the officer's choices into the panes' actions: an entity
chosen in a tree filters the results by it; a document filters them by it and opens
it (dropping an entity filter the document can never meet); a section or paragraph
opens; an instrument shows its card. An entity followed in the text selects it in
its tree (the old query goes: its passages are what is wanted). It also keeps the
tree's selection and the viewer's marks in step with the search.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.app.jobs import LibraryJobs
from desktop.app.models import TreeNode
from desktop.app.panes.reader import ReaderPane
from desktop.app.panes.references import ReferenceLinks
from desktop.app.panes.search import SearchPane
from desktop.app.panes.tree import TreePane


class Navigation(QObject):
    """Routes tree choices and followed entities to the search and reader panes.

    Args:
        jobs: Holds the open library.
        tree: The tree pane.
        search: The search pane.
        reader: The reader pane.
        refs: The reference links (an instrument's card).
        parent: The QObject parent.
    """

    message = Signal(str, int)
    """Emitted with (a status line, how long to show it in ms)."""

    def __init__(
        self,
        jobs: LibraryJobs,
        tree: TreePane,
        search: SearchPane,
        reader: ReaderPane,
        refs: ReferenceLinks,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self.tree = tree
        self.search = search
        self.reader = reader
        self.refs = refs

    def choose_node(self, node: TreeNode) -> None:
        """Do what choosing ``node`` in a tree means (filter, open, or show a card)."""
        library = self.jobs.library
        if library is None:
            return
        reader = self.reader.reader
        query = self.search.controller.query
        if node.kind == "entity":
            self.search.set_filter("entity", node.ref, self.tree.chip_label(node))
        elif node.kind == "document":
            entity = self.search.controller.filter("entity")
            if entity is not None:
                mentioned = library.entity_passage_ids(entity.value)
                passages = library.document(node.ref)["passages_list"]
                if not any(p["id"] in mentioned for p in passages):
                    # This document never names the entity: both filters would show nothing.
                    self.search.remove_filter("entity")
            self.search.set_filter("document", node.ref, f"Document: {node.label}")
            reader.open_document(node.ref, query)
        elif node.kind == "section" and node.first_passage:
            reader.open_passage(node.first_passage, query)
        elif node.kind == "passage":
            reader.open_passage(node.ref, query)
        elif node.kind == "instrument":
            self.refs.show_instrument(node.ref)

    def follow_entity(self, entity_id: str) -> None:
        """An entity followed in the text: its passages, not the old query's, are wanted."""
        self.search.field.clear()
        self.select_entity(entity_id)

    def select_entity(self, entity_id: str) -> None:
        """Select an entity in its tree (which filters the results by it)."""
        key = f"entity:{entity_id}"
        tab = self.tree.find_tab(key)
        if tab is None:
            self.message.emit(f"No tree lists the entity “{entity_id}”.", 4000)
            return
        self.tree.select(tab, key)

    def show_document(self, document_id: str) -> None:
        """Show a document just imported: its node in the Documents tab, and the document."""
        self.tree.filter_field.clear()
        if self.tree.select("documents", f"doc:{document_id}", emit=False):
            self.tree.show_tab("documents")
            self.reader.reader.open_document(document_id, "")

    def forget_filter(self, kind: str) -> None:
        """A filter chip was removed: the tree forgets the node that set it."""
        if kind in ("entity", "document"):
            self.tree.clear_selection([kind])

    def query_edited(self, text: str) -> None:
        """The search field changed: an emptied query takes its marks out of the viewer."""
        if not text.strip():
            self.reader.reader.set_query("")

    def document_opened(self) -> None:
        """The viewer shows another document: shorthand (``OP 17``) now means its paragraphs."""
        document = self.reader.reader.document
        self.search.controller.context_document = document["id"] if document else None
